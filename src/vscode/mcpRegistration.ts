// Registers Life Cockpit's MCP server (`lc mcp`, the bundled CLI run by the editor's own Node) with the
// editor's agent, so the user configures nothing: in Cursor through its `vscode.cursor.mcp` API, in VS Code
// as an McpServerDefinitionProvider (contributes.mcpServerDefinitionProviders), in an editor with neither
// not at all (Add MCP Server to Cursor writes .cursor/mcp.json instead). The server runs as the workspace's
// active profile; its secrets are read at start (VS Code's resolveMcpServerDefinition) and go into its
// environment only. A profile switch, a sign-in or sign-out, a Stripe key stored or agent writes confirmed
// or revoked restarts it: VS Code on onDidChangeMcpServerDefinitions, Cursor by unregister and register.
import * as vscode from 'vscode';
import { secretKey, type AuthState } from '../core/auth';
import type { LoadedConfiguration, Profile, SecretName } from '../core/config';
import { toLifeCockpitError } from '../core/errors';
import type { Logger } from '../core/log';
import { cursorMcp, type CursorMcpApi } from './cursorApi';
import { Disposable } from './lifecycle';
import type { AgentWritesGate } from './mcpAgentWrites';
import {
  launchEnvironment,
  launchFingerprint,
  MCP_SERVER_LABEL,
  MCP_SERVER_NAME,
  publicEnvironment,
  withoutRemovals,
  type McpLaunchInputs,
} from './mcpServerEnvironment';
import { bundledCli, type BundledCliLaunch } from './sandboxLauncher';
import { secretKeyProblem, stripeSecretKeyName } from './stripeKeys';

/** The id of contributes.mcpServerDefinitionProviders in package.json. */
export const MCP_PROVIDER_ID = 'lifeCockpit.mcpServer';

export interface McpRegistrationDeps {
  extensionPath: string;
  extensionVersion: string;
  /** The server's working directory: the extension's storage, so no workspace `.env` adds to what it is told. */
  storagePath: string;
  config: { readonly loaded: LoadedConfiguration; onDidChange: vscode.Event<LoadedConfiguration> };
  auth: { readonly state: AuthState; onDidChangeState(listener: (state: AuthState) => void): { dispose(): void } };
  secrets: Pick<vscode.SecretStorage, 'get' | 'onDidChange'>;
  /** The profile's Stripe secret key when the editor holds one (never asks). */
  stripeSecretKey?: (profile: Profile) => Promise<string | undefined>;
  gate: AgentWritesGate;
  log: Logger;
}

/**
 * The Stripe secret key SecretStorage holds for the profile's mode (the sandbox's is stored when the
 * extension starts it); a key of the other mode is never passed, as Charge Session never uses one.
 */
export function storedStripeSecretKey(
  secrets: Pick<vscode.SecretStorage, 'get'>,
): (profile: Profile) => Promise<string | undefined> {
  return async (profile) => {
    const key = await secrets.get(stripeSecretKeyName(profile.name, profile.stripeMode));
    return key !== undefined && secretKeyProblem(key, profile) === undefined ? key : undefined;
  };
}

export class McpRegistration
  extends Disposable
  implements vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition>
{
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  private readonly cli: BundledCliLaunch;
  /** The launch the editor last knows of; undefined until the first one is computed. */
  private fingerprint: string | undefined;
  private updates: Promise<void> = Promise.resolve();
  private cursor: CursorMcpApi | undefined;
  private registeredInCursor = false;
  private registration: 'cursor' | 'vscode' | undefined;

  constructor(private readonly deps: McpRegistrationDeps) {
    super();
    this.cli = bundledCli(deps.extensionPath, ['mcp']);
    this.register(deps.config.onDidChange(() => void this.refresh()));
    this.register(deps.auth.onDidChangeState(() => void this.refresh()));
    // Sign-in stores the client secret after the state changes; a Stripe key may be stored at any time.
    this.register(deps.secrets.onDidChange(() => void this.refresh()));
  }

  /** Where start() registered the server: Cursor's API first (in Cursor, vscode.lm's provider API is a stub), else VS Code's. */
  get registeredWith(): 'cursor' | 'vscode' | undefined {
    return this.registration;
  }

  /** The live profiles' agent-writes confirmations (Allow / Revoke Agent Writes). */
  get gate(): AgentWritesGate {
    return this.deps.gate;
  }

  /** Registers with the editor's agent where the editor offers a way; without one, logs it and does nothing. */
  start(): this {
    const cursor = cursorMcp(vscode);
    if (cursor) {
      this.cursor = cursor;
      this.registration = 'cursor';
      this.register({ dispose: () => this.unregisterFromCursor() });
    } else {
      // Feature-detected: an editor without the MCP provider API (or a host that lacks `lm`) still activates.
      const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
      if (typeof lm?.registerMcpServerDefinitionProvider !== 'function') {
        this.deps.log.info('this editor offers no MCP server registration; Add MCP Server to Cursor writes one');
        return this;
      }
      this.register(lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, this));
      this.registration = 'vscode';
    }
    this.deps.log.info('MCP server registered with the editor', {
      registration: this.registration,
      provider: MCP_PROVIDER_ID,
    });
    void this.refresh();
    return this;
  }

  /** Recomputes the launch and, when it changed, restarts the server (serialized: one update at a time). */
  refresh(): Promise<void> {
    this.updates = this.updates
      .then(() => this.update())
      .catch((error: unknown) =>
        this.deps.log.warn('MCP server registration not updated', { reason: toLifeCockpitError(error).message }),
      );
    return this.updates;
  }

  async provideMcpServerDefinitions(): Promise<vscode.McpStdioServerDefinition[]> {
    const inputs = await this.inputs({ ask: false });
    const fingerprint = launchFingerprint(this.cli, inputs);
    const definition = new vscode.McpStdioServerDefinition(
      MCP_SERVER_LABEL,
      this.cli.command,
      [...this.cli.args],
      publicEnvironment(this.cli, inputs),
      `${this.deps.extensionVersion}+${fingerprint}`,
    );
    definition.cwd = vscode.Uri.file(this.deps.storagePath);
    return [definition];
  }

  /** VS Code is starting the server: the secrets are read now, and a live profile's agent writes confirmed. */
  async resolveMcpServerDefinition(server: vscode.McpStdioServerDefinition): Promise<vscode.McpStdioServerDefinition> {
    const inputs = await this.inputs({ ask: true });
    server.env = launchEnvironment(this.cli, inputs);
    // A confirmation given just now is part of this start: it must not restart the server again.
    this.fingerprint = launchFingerprint(this.cli, inputs);
    this.logStart(inputs);
    return server;
  }

  private async update(): Promise<void> {
    if (this.isDisposed) return;
    // Cursor starts the server as soon as it is registered: the confirmation is asked for then.
    const inputs = await this.inputs({ ask: this.cursor !== undefined });
    const fingerprint = launchFingerprint(this.cli, inputs);
    if (fingerprint === this.fingerprint || this.isDisposed) return;
    const first = this.fingerprint === undefined;
    // Set once Cursor took the registration, so a failed one is tried again on the next change.
    if (this.cursor) this.registerInCursor(this.cursor, inputs);
    this.fingerprint = fingerprint;
    if (!this.cursor && !first) {
      this.deps.log.info('MCP server definition changed', { profile: inputs.profile?.name });
      this.changed.fire();
    }
  }

  private registerInCursor(cursor: CursorMcpApi, inputs: McpLaunchInputs): void {
    this.unregisterFromCursor();
    cursor.registerServer({
      name: MCP_SERVER_NAME,
      server: {
        command: this.cli.command,
        args: [...this.cli.args],
        env: withoutRemovals(launchEnvironment(this.cli, inputs)),
      },
    });
    this.registeredInCursor = true;
    this.logStart(inputs);
  }

  private unregisterFromCursor(): void {
    if (!this.cursor || !this.registeredInCursor) return;
    this.registeredInCursor = false;
    this.cursor.unregisterServer(MCP_SERVER_NAME);
  }

  private async inputs(options: { ask: boolean }): Promise<McpLaunchInputs> {
    const loaded = this.deps.config.loaded;
    const profile = loaded.activeProfile;
    const secrets = profile ? await this.secretsFor(profile) : {};
    const gate = this.deps.gate;
    const agentWritesConfirmed =
      profile === undefined ? false : options.ask ? await gate.confirmAtStart(profile) : gate.isConfirmed(profile);
    return { config: loaded.config, profile, secrets, agentWritesConfirmed };
  }

  /**
   * The client secret only while the editor is signed in to this very profile: a secret whose target the
   * user did not confirm, or that sign-out removed, never reaches the server, which then starts signed out.
   */
  private async secretsFor(profile: Profile): Promise<Partial<Record<SecretName, string>>> {
    const secrets: Partial<Record<SecretName, string>> = {};
    const state = this.deps.auth.state;
    const signedIn = (state.kind === 'signedIn' || state.kind === 'refreshFailing') && state.profile === profile.name;
    if (signedIn && profile.authKind === 'secret') {
      const clientSecret = await this.deps.secrets.get(secretKey(profile.name));
      if (clientSecret) secrets.clientSecret = clientSecret;
    }
    const stripeSecretKey = await this.deps.stripeSecretKey?.(profile);
    if (stripeSecretKey) secrets.stripeSecretKey = stripeSecretKey;
    return secrets;
  }

  private logStart(inputs: McpLaunchInputs): void {
    this.deps.log.info('MCP server launch', {
      profile: inputs.profile?.name,
      target: this.cursor ? 'cursor' : 'vscode',
      secrets: Object.keys(inputs.secrets).sort(),
      agentWritesConfirmed: inputs.agentWritesConfirmed,
    });
  }
}
