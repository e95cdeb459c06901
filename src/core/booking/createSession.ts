// New Session: the appointment row, its reminders for the configured lead times and, when asked, the event in
// the practitioner's Outlook calendar. Every message is rendered before anything is written, so a broken
// template saves nothing. Every create carries its own id (the session's, given or chosen here; the
// reminders' derived from it), so running it again with the same id after a lost answer or a crash
// completes what is missing and never makes a second session or reminder.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bind, isGuid, normalizeGuid, type Row } from '../dataverse';
import { ConflictError, ValidationError, type LifeCockpitError } from '../errors';
import { translateGraphError } from '../graph';
import {
  createOnce,
  draftReminders,
  messageRowBody,
  canBeMessaged,
  readClient,
  type ClientRecord,
  type MessageDraft,
} from '../reminders';
import type { Session } from '../sessions';
import { readSession, type SessionActionDeps } from './sessionActionDeps';

const newSessionSchema = z.object({
  clientId: z.string().refine(isGuid, 'a client id (a GUID)'),
  start: z.date().refine((d) => !Number.isNaN(d.getTime()), 'a valid date and time'),
  durationMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60),
  /** In cents (the fee column holds the amount in the currency's units). */
  feeCents: z.number().int().min(0).max(100_000_000).optional(),
  location: z.string().trim().min(1).max(200).optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  /** Also create the event in the profile mailbox's Outlook calendar. */
  outlookEvent: z.boolean().optional(),
  /** The session's own id: give the same one again to finish an interrupted create without duplicates. */
  id: z.string().refine(isGuid, 'a GUID').optional(),
});

export type NewSession = z.input<typeof newSessionSchema>;

export type OutlookEventResult =
  { ok: true; id: string; iCalUId: string | undefined } | { ok: false; error: LifeCockpitError };

export interface CreatedSession {
  session: Session;
  /** The reminders scheduled now (rows that already existed from an earlier run included). */
  reminders: MessageDraft[];
  /** Lead times already past at the session's start: no reminder for them. */
  pastLeadTimes: number[];
  /** True when the client has no e-mail address, so no reminder could be scheduled. */
  withoutEmail: boolean;
  /** Present when an Outlook event was asked for: the session is saved even if the event failed. */
  outlookEvent?: OutlookEventResult;
}

export async function createSession(
  deps: SessionActionDeps,
  input: NewSession,
  options: { signal?: AbortSignal } = {},
): Promise<CreatedSession> {
  const { signal } = options;
  const request = parseNewSession(input);
  if (request.outlookEvent && (!deps.graph || !deps.profile.mailbox)) {
    throw new ValidationError(
      `Profile ${deps.profile.name} names no sender mailbox, so there is no calendar for the Outlook event. Set its mailbox or leave the event out.`,
      { code: 'sessions.noMailbox' },
    );
  }
  const now = new Date(deps.clock.now());
  const client = await readClient(deps.dataverse, deps.tables, request.clientId, signal);
  const session = sessionOf(request, client);
  const plan = canBeMessaged(client)
    ? await draftReminders(
        { session, client, practitioner: deps.practitioner, templates: deps.templates },
        { leadTimesMinutes: deps.settings.leadTimesMinutes, now, autoSend: deps.profile.autoSend },
      )
    : { drafts: [], pastLeadTimes: [] };

  // Everything is rendered: from here on, writes.
  const t = deps.tables.session;
  if (!(await createOnce(deps.dataverse, t.entitySet, sessionRowBody(deps, session), signal))) {
    await checkSameSession(deps, session, signal);
  }
  for (const draft of plan.drafts) {
    await createOnce(
      deps.dataverse,
      deps.tables.scheduledMessage.entitySet,
      messageRowBody(deps.tables, draft),
      signal,
    );
  }
  const outlookEvent = request.outlookEvent ? await addOutlookEvent(deps, session, signal) : undefined;
  deps.log.info('session created', {
    sessionId: session.id,
    reminders: plan.drafts.length,
    pastLeadTimes: plan.pastLeadTimes,
    ...(outlookEvent ? { outlookEvent: outlookEvent.ok } : {}),
  });
  return {
    session,
    reminders: plan.drafts,
    pastLeadTimes: plan.pastLeadTimes,
    withoutEmail: !canBeMessaged(client),
    ...(outlookEvent ? { outlookEvent } : {}),
  };
}

function parseNewSession(input: NewSession): z.output<typeof newSessionSchema> {
  const parsed = newSessionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'session';
  throw new ValidationError(`The new session's ${field} is not valid: ${issue?.message ?? 'invalid'}.`, {
    code: 'sessions.invalidInput',
    detail: { field },
  });
}

function sessionOf(request: z.output<typeof newSessionSchema>, client: ClientRecord): Session {
  return {
    id: request.id ? normalizeGuid(request.id) : randomUUID(),
    subject: request.subject ?? `Session – ${client.name}`,
    clientId: client.id,
    clientName: client.name,
    start: request.start,
    end: new Date(request.start.getTime() + request.durationMinutes * 60_000),
    status: 'scheduled',
    payment: 'none',
    feeCents: request.feeCents,
    location: request.location,
  };
}

function sessionRowBody(deps: SessionActionDeps, session: Session): Row {
  const t = deps.tables.session;
  const c = t.columns;
  return {
    [t.primaryId]: session.id,
    [c.subject]: session.subject,
    [c.start]: session.start.toISOString(),
    [c.end]: session.end.toISOString(),
    ...bind(c.regardingClientNav, deps.tables.client.entitySet, session.clientId ?? ''),
    ...(session.location === undefined ? {} : { [c.location]: session.location }),
    ...(session.feeCents === undefined ? {} : { [c.fee]: session.feeCents / 100 }),
  };
}

/** A session with this id exists: an earlier run of this create made it, unless it is a different session. */
async function checkSameSession(deps: SessionActionDeps, wanted: Session, signal?: AbortSignal): Promise<void> {
  const { session } = await readSession(deps, wanted.id, signal);
  const same =
    session.start.getTime() === wanted.start.getTime() &&
    session.end.getTime() === wanted.end.getTime() &&
    session.clientId?.toLowerCase() === wanted.clientId?.toLowerCase();
  if (!same) {
    throw new ConflictError(
      `Another session already has the id ${wanted.id} (${session.clientName ?? 'another client'}, ${session.start.toISOString()}). Create the session without giving an id.`,
      { code: 'sessions.idInUse', detail: { sessionId: wanted.id } },
    );
  }
}

interface CreatedEvent {
  id?: string;
  iCalUId?: string;
}

/**
 * One small POST to the mailbox's calendar. Graph's `transactionId` makes a retried POST return the event it
 * already made; the session's id is that transaction id. The event's iCalUId goes on the session, so an
 * import from the calendar recognises the event as this session.
 */
async function addOutlookEvent(
  deps: SessionActionDeps,
  session: Session,
  signal?: AbortSignal,
): Promise<OutlookEventResult> {
  const mailbox = deps.profile.mailbox ?? '';
  const utc = (d: Date) => ({ dateTime: d.toISOString().slice(0, 19), timeZone: 'UTC' });
  try {
    const event = (await deps.graph?.api(`/users/${encodeURIComponent(mailbox)}/events`).post({
      subject: session.subject,
      start: utc(session.start),
      end: utc(session.end),
      ...(session.location ? { location: { displayName: session.location } } : {}),
      showAs: 'busy',
      transactionId: session.id,
    })) as CreatedEvent | undefined;
    if (!event?.id) throw new Error('Graph answered without the event');
    if (event.iCalUId) {
      const c = deps.tables.session.columns;
      await deps.dataverse.update(
        deps.tables.session.entitySet,
        session.id,
        { [c.icalUid]: event.iCalUId },
        { signal },
      );
    }
    return { ok: true, id: event.id, iCalUId: event.iCalUId };
  } catch (error) {
    const typed = translateGraphError(error, `creating the Outlook event in ${mailbox}'s calendar`);
    deps.log.warn('session saved, Outlook event not created', { sessionId: session.id, error: typed });
    return { ok: false, error: typed };
  }
}
