// How a session went: attended (drafts the follow-up, due `followUpDelayMinutes` after the end) or a no-show.
// Either way the reminders nobody has sent yet are cancelled: a reminder for a session that is over would
// only confuse. The follow-up's id derives from the session, so marking twice (or from two windows at once)
// leaves one follow-up.
import type { Row } from '../dataverse';
import { APPOINTMENT_STATE, APPOINTMENT_STATUS, PAYMENT_STATUS, SESSION_OUTCOME } from '../practice';
import {
  cancelPending,
  createOnce,
  draftFollowUp,
  isPending,
  messageRowBody,
  canBeMessaged,
  readClient,
  sessionMessages,
  type MessageDraft,
  type Reminder,
} from '../reminders';
import type { Session } from '../sessions';
import { readSession, refusedFor, writeSession, type SessionActionDeps, type StoredSession } from './sessionActionDeps';

export interface MarkedSession {
  session: Session;
  /** The follow-up of an attended session, unless the client has no e-mail address. */
  followUp?: MessageDraft;
  /** False when the follow-up already existed (a second mark). */
  followUpCreated: boolean;
  /** Reminders cancelled because the session is over. */
  cancelled: Reminder[];
  /** Reminders the sender had already taken. */
  leftAlone: Reminder[];
}

export async function markAttended(
  deps: SessionActionDeps,
  sessionId: string,
  options: { signal?: AbortSignal } = {},
): Promise<MarkedSession> {
  const { signal } = options;
  const stored = await readSession(deps, sessionId, signal);
  const { session } = stored;
  if (session.status === 'canceled') throw refusedFor(session, 'marked attended', 'Create a new session instead.');
  const client = session.clientId ? await readClient(deps.dataverse, deps.tables, session.clientId, signal) : undefined;
  const followUp =
    client && canBeMessaged(client)
      ? await draftFollowUp(
          { session, client, practitioner: deps.practitioner, templates: deps.templates },
          { delayMinutes: deps.settings.followUpDelayMinutes },
        )
      : undefined;

  const c = deps.tables.session.columns;
  // An attended session with a fee is owed until it is invoiced or paid (Needs Attention lists it).
  const owed = session.payment === 'none' && (session.feeCents ?? 0) > 0;
  const marked = await recordOutcome(
    deps,
    stored,
    'attended',
    owed ? { [c.paymentStatus]: PAYMENT_STATUS.unpaid } : {},
    'marked attended',
    signal,
  );
  const messages = await sessionMessages(deps.dataverse, deps.tables, session.id, signal);
  const reminders = messages.filter((m) => m.reminder.kind === 'reminder' && isPending(m.reminder));
  const { changed, leftAlone } = await cancelPending(deps.dataverse, deps.tables, reminders, signal);
  const followUpCreated = followUp
    ? await createOnce(
        deps.dataverse,
        deps.tables.scheduledMessage.entitySet,
        messageRowBody(deps.tables, followUp),
        signal,
      )
    : false;
  deps.log.info('session marked attended', { sessionId: session.id, followUpCreated, cancelled: changed.length });
  return { session: marked, ...(followUp ? { followUp } : {}), followUpCreated, cancelled: changed, leftAlone };
}

export async function markNoShow(
  deps: SessionActionDeps,
  sessionId: string,
  options: { signal?: AbortSignal } = {},
): Promise<MarkedSession> {
  const { signal } = options;
  const stored = await readSession(deps, sessionId, signal);
  const { session } = stored;
  if (session.status === 'canceled') throw refusedFor(session, 'marked a no-show', 'It was canceled beforehand.');
  const marked = await recordOutcome(deps, stored, 'noShow', {}, 'marked a no-show', signal);
  // Nothing pending goes out for a session the client missed: neither a reminder nor a follow-up drafted by
  // an earlier "attended".
  const messages = await sessionMessages(deps.dataverse, deps.tables, session.id, signal);
  const { changed, leftAlone } = await cancelPending(deps.dataverse, deps.tables, messages, signal);
  deps.log.info('session marked no-show', { sessionId: session.id, cancelled: changed.length });
  return { session: marked, followUpCreated: false, cancelled: changed, leftAlone };
}

/** Completes the session with this outcome (and any extra columns), unless it already has it. */
async function recordOutcome(
  deps: SessionActionDeps,
  stored: StoredSession,
  outcome: 'attended' | 'noShow',
  extra: Row,
  action: string,
  signal?: AbortSignal,
): Promise<Session> {
  if (stored.session.status === outcome) return stored.session;
  const c = deps.tables.session.columns;
  return writeSession(
    deps,
    stored,
    {
      [c.state]: APPOINTMENT_STATE.completed,
      [c.status]: APPOINTMENT_STATUS.completed,
      [c.outcome]: SESSION_OUTCOME[outcome],
      ...extra,
    },
    (s) => s.status === outcome,
    action,
    signal,
  );
}
