// The editor's own confirmation before an agent may make changes in a live profile: `profile.agentWrites`
// alone never lets `lc mcp` write on a live profile; the editor adds LC_AGENT_WRITES_CONFIRMED to the
// server's environment only after a modal naming the profile and its tenant. The answer is remembered
// per profile in global state, bound to the tenant it named (a workspace that points the profile at
// another tenant is asked again), and revoked with "Revoke Agent Writes".
import * as vscode from 'vscode';
import { z } from 'zod';
import { describeTarget, type Profile } from '../core/config';

const CONFIRMED_KEY = 'lifeCockpit.agentWritesConfirmed';

const confirmationsSchema = z.record(z.string(), z.object({ tenantId: z.string().nullable(), at: z.string() }));
type Confirmations = z.infer<typeof confirmationsSchema>;

type Target = Pick<Profile, 'name' | 'kind' | 'tenantId' | 'agentWrites'>;

/** Whether this profile needs the editor's confirmation before agents may write (live, agentWrites on). */
export function needsAgentWritesConfirmation(profile: Target): boolean {
  return profile.kind === 'live' && profile.agentWrites;
}

export class AgentWritesGate {
  /** Profiles whose question was declined in this window: not asked again at each restart of the server. */
  private readonly declined = new Set<string>();

  constructor(
    private readonly globalState: vscode.Memento,
    private readonly now: () => Date,
  ) {}

  /** Confirmed for this profile and the tenant it names now. */
  isConfirmed(profile: Target): boolean {
    const entry = this.read()[profile.name];
    return entry !== undefined && entry.tenantId === (profile.tenantId ?? null);
  }

  /**
   * When the server starts: asks once per window for a live profile with agent writes on that is not
   * confirmed yet. True when agents may write.
   */
  async confirmAtStart(profile: Target | undefined): Promise<boolean> {
    if (!profile || !needsAgentWritesConfirmation(profile)) return false;
    if (this.isConfirmed(profile)) return true;
    if (this.declined.has(profile.name)) return false;
    return this.ask(profile);
  }

  /** Asks now (the "Allow Agent Writes" command), whatever was answered before in this window. */
  async ask(profile: Target): Promise<boolean> {
    const button = 'Allow Agent Writes';
    const choice = await vscode.window.showWarningMessage(
      `Let AI agents make changes in ${describeTarget(profile)}?`,
      {
        modal: true,
        detail:
          'With this, the agent’s Life Cockpit tools may change this profile’s live data without asking you each time: send reminders to real clients, mark sessions, add notes, and charge sessions where payments are set up. ' +
          'Revoke it any time with "Life Cockpit: Revoke Agent Writes".',
      },
      button,
    );
    if (choice !== button) {
      this.declined.add(profile.name);
      return false;
    }
    this.declined.delete(profile.name);
    const confirmations = this.read();
    confirmations[profile.name] = { tenantId: profile.tenantId ?? null, at: this.now().toISOString() };
    await this.globalState.update(CONFIRMED_KEY, confirmations);
    return true;
  }

  /** Names of the profiles with a confirmation. */
  confirmedProfiles(): string[] {
    return Object.keys(this.read()).sort();
  }

  async revoke(profileName: string): Promise<void> {
    const confirmations = this.read();
    delete confirmations[profileName];
    await this.globalState.update(CONFIRMED_KEY, Object.keys(confirmations).length ? confirmations : undefined);
  }

  private read(): Confirmations {
    // Anything unreadable counts as never confirmed: the user is asked again.
    const parsed = confirmationsSchema.safeParse(this.globalState.get(CONFIRMED_KEY));
    return parsed.success ? { ...parsed.data } : {};
  }
}
