// Reschedule and Cancel. Rescheduling moves the reminders nobody has started sending (draft or approved) to
// the same lead before the new start and renders them again; those whose new moment has passed are
// cancelled, lead times that now lie ahead get their reminder, and anything the sender took or sent stays as
// it was. Cancelling cancels what is pending and can leave a notice for the client, due now. Everything is
// rendered before the first write, and each write is conditional on the row's ETag.
import { z } from 'zod';
import { ValidationError } from '../errors';
import { APPOINTMENT_STATE, APPOINTMENT_STATUS } from '../practice';
import {
  cancellationNoticeRowId,
  cancelPending,
  changePending,
  createOnce,
  draftCancellationNotice,
  draftReminder,
  isPending,
  leadOfRow,
  messageRowBody,
  canBeMessaged,
  readClient,
  reminderRowId,
  reminderTime,
  sessionMessages,
  type ClientRecord,
  type DraftContext,
  type MessageDraft,
  type Reminder,
  type StoredMessage,
} from '../reminders';
import type { Session } from '../sessions';
import { readSession, refusedFor, writeSession, type SessionActionDeps } from './sessionActionDeps';

const rescheduleSchema = z.object({
  start: z.date().refine((d) => !Number.isNaN(d.getTime()), 'a valid date and time'),
  /** Keeps the session's length when absent. */
  durationMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .optional(),
});
export type RescheduleRequest = z.input<typeof rescheduleSchema>;

export interface RescheduledSession {
  session: Session;
  /** Reminders now at their new time (re-rendered). */
  moved: MessageDraft[];
  /** Reminders for lead times that lie ahead only now. */
  added: MessageDraft[];
  /** Pending reminders whose new moment has already passed. */
  cancelled: Reminder[];
  /** Reminders being sent or sent: left as they were. */
  leftAlone: Reminder[];
}

interface Move {
  stored: StoredMessage;
  draft: MessageDraft;
}

export async function rescheduleSession(
  deps: SessionActionDeps,
  sessionId: string,
  request: RescheduleRequest,
  options: { signal?: AbortSignal } = {},
): Promise<RescheduledSession> {
  const { signal } = options;
  const parsed = rescheduleSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `The new time's ${issue?.path.map(String).join('.') || 'value'} is not valid: ${issue?.message ?? 'invalid'}.`,
      { code: 'sessions.invalidInput' },
    );
  }
  const now = new Date(deps.clock.now());
  const stored = await readSession(deps, sessionId, signal);
  const old = stored.session;
  if (old.status !== 'scheduled') throw refusedFor(old, 'rescheduled', 'Create a new session instead.');
  const length = parsed.data.durationMinutes ?? Math.round((old.end.getTime() - old.start.getTime()) / 60_000);
  const start = parsed.data.start;
  const moved: Session = { ...old, start, end: new Date(start.getTime() + length * 60_000) };

  const client = old.clientId ? await readClient(deps.dataverse, deps.tables, old.clientId, signal) : undefined;
  const messages = client ? await sessionMessages(deps.dataverse, deps.tables, old.id, signal) : [];
  const plan =
    client && canBeMessaged(client) ? await planMoves(deps, { old, moved, client, messages, now }) : emptyPlan();

  // Everything is rendered: from here on, writes.
  const c = deps.tables.session.columns;
  const sameTime = (s: Session) =>
    s.start.getTime() === moved.start.getTime() && s.end.getTime() === moved.end.getTime();
  const session = sameTime(old)
    ? old
    : await writeSession(
        deps,
        stored,
        { [c.start]: moved.start.toISOString(), [c.end]: moved.end.toISOString() },
        sameTime,
        'rescheduled',
        signal,
      );
  const result: RescheduledSession = { session, moved: [], added: [], cancelled: [], leftAlone: [] };
  const m = deps.tables.scheduledMessage;
  for (const { stored: row, draft } of plan.moves) {
    const { outcome, reminder } = await changePending(
      deps.dataverse,
      deps.tables,
      row,
      {
        [m.columns.scheduledTime]: draft.scheduledTime.toISOString(),
        [m.columns.subject]: draft.subject,
        [m.primaryName]: draft.subject.slice(0, 200),
        [m.columns.text]: draft.text,
      },
      signal,
    );
    if (outcome === 'leftAlone') result.leftAlone.push(reminder);
    else result.moved.push(draft);
  }
  const past = await cancelPending(deps.dataverse, deps.tables, plan.past, signal);
  result.cancelled.push(...past.changed);
  result.leftAlone.push(...past.leftAlone);
  for (const draft of plan.added) {
    await createOnce(deps.dataverse, m.entitySet, messageRowBody(deps.tables, draft), signal);
    result.added.push(draft);
  }
  deps.log.info('session rescheduled', {
    sessionId: old.id,
    moved: result.moved.length,
    added: result.added.length,
    cancelled: result.cancelled.length,
    leftAlone: result.leftAlone.length,
  });
  return result;
}

interface MovePlan {
  moves: Move[];
  past: StoredMessage[];
  added: MessageDraft[];
}

function emptyPlan(): MovePlan {
  return { moves: [], past: [], added: [] };
}

/**
 * Which reminder goes where. A reminder's lead is told by its id when this product made it, else by its
 * distance from the old start (rows another tool wrote).
 */
async function planMoves(
  deps: SessionActionDeps,
  input: { old: Session; moved: Session; client: ClientRecord; messages: StoredMessage[]; now: Date },
): Promise<MovePlan> {
  const { old, moved, client, messages, now } = input;
  const leads = deps.settings.leadTimesMinutes;
  const ctx: DraftContext = { session: moved, client, practitioner: deps.practitioner, templates: deps.templates };
  const plan = emptyPlan();
  const covered = new Set<number>();
  for (const stored of messages) {
    const { reminder } = stored;
    if (reminder.kind !== 'reminder') continue;
    const lead =
      leadOfRow(reminder.id, old.id, leads) ??
      Math.round((old.start.getTime() - reminder.scheduledTime.getTime()) / 60_000);
    covered.add(lead);
    if (!isPending(reminder)) continue;
    if (reminderTime(moved.start, lead).getTime() <= now.getTime()) {
      plan.past.push(stored);
      continue;
    }
    const status = reminder.status === 'approved' ? 'approved' : 'draft';
    // Rendered again for the medium the row is written for, which may have been changed by hand since.
    const medium = reminder.channel === 'sms' ? 'sms' : 'email';
    plan.moves.push({ stored, draft: await draftReminder(ctx, lead, status, reminder.id, medium) });
  }
  const ids = new Set(messages.map((m) => m.reminder.id.toLowerCase()));
  for (const lead of [...new Set(leads)].sort((a, b) => b - a)) {
    if (covered.has(lead) || ids.has(reminderRowId(old.id, lead))) continue;
    if (reminderTime(moved.start, lead).getTime() <= now.getTime()) continue;
    plan.added.push(await draftReminder(ctx, lead, deps.profile.autoSend ? 'approved' : 'draft'));
  }
  return plan;
}

export interface CancelRequest {
  /** Leave the client a cancellation notice, due now. */
  notifyClient?: boolean;
  /** The notice is approved at once (the person said so when cancelling); else it waits as a draft. */
  approveNotice?: boolean;
}

export interface CanceledSession {
  session: Session;
  cancelled: Reminder[];
  leftAlone: Reminder[];
  notice?: MessageDraft;
}

export async function cancelSession(
  deps: SessionActionDeps,
  sessionId: string,
  request: CancelRequest = {},
  options: { signal?: AbortSignal } = {},
): Promise<CanceledSession> {
  const { signal } = options;
  const stored = await readSession(deps, sessionId, signal);
  const { session } = stored;
  if (session.status === 'attended' || session.status === 'noShow') {
    throw refusedFor(session, 'canceled', 'It has taken place.');
  }
  const notice = request.notifyClient ? await draftNotice(deps, session, request, signal) : undefined;

  const c = deps.tables.session.columns;
  const canceled =
    session.status === 'canceled'
      ? session
      : await writeSession(
          deps,
          stored,
          {
            [c.state]: APPOINTMENT_STATE.canceled,
            [c.status]: APPOINTMENT_STATUS.canceled,
            // When it was canceled, which the dashboard's late cancellations read (Dataverse's actualend).
            [c.actualEnd]: new Date(deps.clock.now()).toISOString(),
          },
          (s) => s.status === 'canceled',
          'canceled',
          signal,
        );
  const noticeId = cancellationNoticeRowId(session.id);
  const messages = (await sessionMessages(deps.dataverse, deps.tables, session.id, signal)).filter(
    (m) => m.reminder.id.toLowerCase() !== noticeId,
  );
  const { changed, leftAlone } = await cancelPending(deps.dataverse, deps.tables, messages, signal);
  if (notice) {
    await createOnce(
      deps.dataverse,
      deps.tables.scheduledMessage.entitySet,
      messageRowBody(deps.tables, notice),
      signal,
    );
  }
  deps.log.info('session canceled', { sessionId: session.id, cancelled: changed.length, notice: notice !== undefined });
  return { session: canceled, cancelled: changed, leftAlone, ...(notice ? { notice } : {}) };
}

async function draftNotice(
  deps: SessionActionDeps,
  session: Session,
  request: CancelRequest,
  signal?: AbortSignal,
): Promise<MessageDraft> {
  const client = session.clientId ? await readClient(deps.dataverse, deps.tables, session.clientId, signal) : undefined;
  if (!client || !canBeMessaged(client)) {
    const what = client?.preferredChannel === 'sms' ? 'phone number' : 'e-mail address';
    throw new ValidationError(
      `${client?.name ?? 'The session’s client'} has no ${what}, so no notice can be sent. Cancel without notifying, or add the ${what === 'phone number' ? 'number' : 'address'} first.`,
      { code: 'sessions.noClientEmail', detail: { sessionId: session.id } },
    );
  }
  return draftCancellationNotice(
    { session, client, practitioner: deps.practitioner, templates: deps.templates },
    { now: new Date(deps.clock.now()), approved: request.approveNotice === true },
  );
}
