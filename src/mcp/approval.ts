// Whether an agent's write may go ahead, and the question that asks the practitioner. A client that can ask
// (MCP elicitation) asks before every effect, naming the profile, its tenant and exactly what will happen;
// a client that cannot ask is refused, with how to approve, unless the profile allows agent writes
// (`agentWrites`), which on a live profile also needs the editor's own confirmation
// (LC_AGENT_WRITES_CONFIRMED=1 in the server's environment, set only by the editor after it asked).
import { describeTarget, type Profile } from '../core/config';
import { PolicyError } from '../core/errors';

export type WriteApproval =
  /** Ask the practitioner through the client (elicitation) before this write. */
  | { kind: 'ask' }
  /** The profile allows agent writes: go ahead without asking. */
  | { kind: 'allowed' }
  /** Nothing may be done; the message says how to approve. */
  | { kind: 'refused'; code: string; message: string };

export interface ApprovalInput {
  profile: Pick<Profile, 'name' | 'kind' | 'tenantId' | 'agentWrites'>;
  /** The client declared form elicitation: it can put a question to the practitioner. */
  clientAsks: boolean;
  /** LC_AGENT_WRITES_CONFIRMED=1: the editor confirmed agent writes on a live profile before starting the server. */
  liveWritesConfirmed: boolean;
}

const HOW_TO_ALLOW =
  'To let agents make changes without asking, turn on the profile\'s "agentWrites" setting (lifeCockpit.profiles, or LC_AGENT_WRITES=true)';

export function decideWriteApproval(input: ApprovalInput): WriteApproval {
  const { profile } = input;
  // A question names exactly this effect, so it is the approval of choice whenever the client can ask.
  if (input.clientAsks) return { kind: 'ask' };
  const target = describeTarget(profile);
  if (!profile.agentWrites) {
    const live = profile.kind === 'live' ? '; on a live profile the editor asks you to confirm that first' : '';
    return {
      kind: 'refused',
      code: 'mcp.writeNotApproved',
      message:
        `Nothing was done: this change in ${target} needs your approval, and this client cannot ask for it ` +
        `(it does not support MCP elicitation). Use a client that asks (VS Code, Cursor), or: ${HOW_TO_ALLOW}${live}.`,
    };
  }
  if (profile.kind === 'live' && !input.liveWritesConfirmed) {
    return {
      kind: 'refused',
      code: 'mcp.liveWritesNotConfirmed',
      message:
        `Nothing was done: agentWrites is on for ${target}, but agent writes on a live profile also need the ` +
        `editor's confirmation, and this server was not started after one. Start it from VS Code or Cursor, which asks ` +
        `you to confirm agent writes for this live profile, or use a client that asks before each change (MCP elicitation).`,
    };
  }
  return { kind: 'allowed' };
}

/** What whoami says about agent writes, in a sentence. */
export function describeWriteApproval(approval: WriteApproval): string {
  if (approval.kind === 'ask') return 'Each change is asked for first, in this client, naming what will happen.';
  if (approval.kind === 'allowed') return "Changes are allowed without asking (the profile's agentWrites setting).";
  return approval.message;
}

export type ApprovalAnswer = 'accept' | 'decline' | 'cancel';

/** Puts one yes/no question to the practitioner through the client; resolves with their answer. */
export type AskPractitioner = (question: string) => Promise<ApprovalAnswer>;

/**
 * Goes ahead only with approval: asks when the decision says so (accept proceeds; decline, cancel or a failed
 * question stop), passes when the profile allows agent writes, and throws the refusal otherwise.
 */
export async function requireApproval(
  approval: WriteApproval,
  ask: AskPractitioner,
  profile: Pick<Profile, 'name' | 'kind' | 'tenantId'>,
  action: string,
): Promise<void> {
  if (approval.kind === 'refused') throw new PolicyError(approval.message, { code: approval.code });
  if (approval.kind === 'allowed') return;
  let answer: ApprovalAnswer;
  try {
    answer = await ask(`${action} in ${describeTarget(profile)}?`);
  } catch (error) {
    throw new PolicyError(
      `Nothing was done: the approval question could not be asked (${error instanceof Error ? error.message : String(error)}).`,
      { code: 'mcp.approvalFailed', cause: error },
    );
  }
  if (answer !== 'accept') {
    throw new PolicyError(
      `Nothing was done: the practitioner ${answer === 'decline' ? 'declined' : 'cancelled'} "${action}".`,
      { code: 'mcp.declined' },
    );
  }
}
