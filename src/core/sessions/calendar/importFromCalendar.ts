// Import From Calendar: the practitioner's Outlook events in a range that carry the chosen category become
// sessions, each once. An event is known by its iCalUId, stored on the session: an event whose iCalUId a
// session already holds is left alone, so a second import creates nothing. Two imports at once both see the
// event as new, so the session's id is derived from the iCalUId: the second create meets DuplicateRecord
// and counts the event as already imported. The client is the one contact whose e-mail address is among
// the event's attendees; an event without exactly one such client is reported, never given a guessed one.
// A new session comes with the messages it needs (its reminders, from `messagesFor`): rendered before the
// session is written, so a broken template writes nothing, and written under ids derived from the session, so
// an import at the same time, or one after a crash in between, never writes one twice.
import type { Client } from '@microsoft/microsoft-graph-client';
import { bind, filters, guid, isGuid, normalizeGuid, type DataverseClient, type Row } from '../../dataverse';
import { CancelledError, ConflictError, ValidationError } from '../../errors';
import type { Logger } from '../../log';
import type { TableMapping } from '../../practice';
import { derivedId, ID_NAMESPACES } from '../derivedId';
import type { Session } from '../session';
import { readCalendarView, type CalendarEvent } from './calendarView';

export interface CalendarImportDeps {
  dataverse: Pick<DataverseClient, 'query' | 'create'>;
  graph: Client;
  tables: TableMapping;
  log: Logger;
  /**
   * The scheduled-message rows a new session brings (its reminders), each under an id derived from the
   * session: called before the session is written, so whatever it throws stops the import with nothing of
   * that session written. The booking module gives this (importSessionsFromCalendar).
   */
  messagesFor(session: Session, signal?: AbortSignal): Promise<Row[]>;
}

export interface CalendarImportOptions {
  /** Whose calendar (the profile's `mailbox`). */
  mailbox: string;
  from: Date;
  to: Date;
  /** The Outlook category marking client sessions, e.g. `Client session` (compared ignoring case). */
  category: string;
  signal?: AbortSignal;
}

export interface ImportedEvent {
  iCalUId: string;
  sessionId: string;
  subject: string;
  start: Date;
  clientId: string;
  clientName: string;
  /** The messages written with the session (its reminders). */
  messages: number;
}

export type UnmatchedReason = 'noAttendee' | 'noClient' | 'severalClients';

export interface UnmatchedEvent {
  iCalUId: string;
  subject: string;
  start: Date;
  attendees: string[];
  reason: UnmatchedReason;
}

export interface CalendarImportReport {
  /** Events in the range with the category (cancelled ones aside). */
  considered: number;
  created: ImportedEvent[];
  /** Sessions that were already there: imported before, or by another import at the same time. */
  alreadyImported: { iCalUId: string; sessionId: string; subject: string; start: Date }[];
  unmatched: UnmatchedEvent[];
}

interface ClientMatch {
  id: string;
  name: string;
}

/** Values per `or` query: an iCalUId is about 110 characters, an e-mail address rarely more than 60. */
const VALUES_PER_QUERY = 25;

export async function importFromCalendar(
  deps: CalendarImportDeps,
  options: CalendarImportOptions,
): Promise<CalendarImportReport> {
  const { mailbox, from, to, signal } = options;
  const category = options.category.trim().toLowerCase();
  if (category === '') {
    throw new ValidationError('Name the Outlook category that marks client sessions.', {
      code: 'calendar.noCategory',
    });
  }
  if (!(from.getTime() < to.getTime())) {
    throw new ValidationError('The import range must end after it starts.', { code: 'calendar.invalidRange' });
  }
  const events = (await readCalendarView(deps.graph, mailbox, { from, to }, signal)).filter(
    (e) => !e.isCancelled && e.categories.some((c) => c.trim().toLowerCase() === category),
  );
  // One event a line: a recurring occurrence never repeats its iCalUId, but a page boundary could.
  const unique = [...new Map(events.map((e) => [e.iCalUId, e])).values()];
  const report: CalendarImportReport = { considered: unique.length, created: [], alreadyImported: [], unmatched: [] };

  const known = await sessionsByICalUId(deps, unique, signal);
  for (const [uid, sessionId] of await sessionsBookedHere(deps, unique, known, signal)) known.set(uid, sessionId);
  const fresh = unique.filter((e) => {
    const sessionId = known.get(e.iCalUId);
    if (sessionId) report.alreadyImported.push({ ...summary(e), sessionId });
    return !sessionId;
  });
  const clients = await clientsByEmail(deps, fresh, mailbox, signal);
  for (const event of fresh) {
    if (signal?.aborted) throw new CancelledError();
    const attendees = event.attendees.filter((a) => a !== mailbox.toLowerCase());
    const matched = new Map<string, ClientMatch>();
    for (const address of attendees) for (const c of clients.get(address) ?? []) matched.set(c.id, c);
    if (matched.size !== 1) {
      const reason: UnmatchedReason =
        attendees.length === 0 ? 'noAttendee' : matched.size === 0 ? 'noClient' : 'severalClients';
      report.unmatched.push({ ...summary(event), attendees, reason });
      continue;
    }
    const [client] = matched.values();
    const session = sessionOf(event, client);
    const messages = await deps.messagesFor(session, signal);
    const created = await createOnce(deps, deps.tables.session.entitySet, sessionRowBody(deps, session, event), signal);
    // Also when another import made the session at the same time: should that one stop before its messages,
    // these are the same rows under the same ids, and whichever create comes second changes nothing.
    for (const message of messages) await createOnce(deps, deps.tables.scheduledMessage.entitySet, message, signal);
    if (created) {
      report.created.push({
        ...summary(event),
        sessionId: session.id,
        clientId: client.id,
        clientName: client.name,
        messages: messages.length,
      });
    } else {
      report.alreadyImported.push({ ...summary(event), sessionId: session.id });
    }
  }
  deps.log.info('calendar imported', {
    mailbox,
    considered: report.considered,
    created: report.created.length,
    alreadyImported: report.alreadyImported.length,
    unmatched: report.unmatched.length,
  });
  return report;
}

function summary(e: CalendarEvent): { iCalUId: string; subject: string; start: Date } {
  return { iCalUId: e.iCalUId, subject: e.subject, start: e.start };
}

/** The sessions already holding one of these iCalUIds, by iCalUId. */
async function sessionsByICalUId(
  deps: CalendarImportDeps,
  events: readonly CalendarEvent[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const t = deps.tables.session;
  const column = filters.checkColumn(t.columns.icalUid);
  const found = new Map<string, string>();
  for (const uids of chunks(events.map((e) => e.iCalUId))) {
    for await (const row of deps.dataverse.query(t.entitySet, {
      select: [t.primaryId, column],
      filter: filters.oneOf(column, uids),
      signal,
    })) {
      const uid = row[column];
      // Dataverse compares text ignoring case; iCalUIds are hex, but keep the exact one.
      const exact = uids.find((u) => typeof uid === 'string' && u.toLowerCase() === uid.toLowerCase());
      if (exact) found.set(exact, String(row[t.primaryId]));
    }
  }
  return found;
}

/**
 * Events New Session made, by iCalUId: their transactionId is the session's id. New Session records the
 * iCalUId on the session only after the event exists, so an import in between finds the session this way.
 */
async function sessionsBookedHere(
  deps: CalendarImportDeps,
  events: readonly CalendarEvent[],
  known: ReadonlyMap<string, string>,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const t = deps.tables.session;
  const byId = new Map<string, string>();
  for (const e of events) {
    if (!known.has(e.iCalUId) && e.transactionId && isGuid(e.transactionId))
      byId.set(normalizeGuid(e.transactionId), e.iCalUId);
  }
  const found = new Map<string, string>();
  for (const ids of chunks([...byId.keys()])) {
    for await (const row of deps.dataverse.query(t.entitySet, {
      select: [t.primaryId],
      filter: filters.oneOf(t.primaryId, ids.map(guid)),
      signal,
    })) {
      const id = normalizeGuid(String(row[t.primaryId]));
      const uid = byId.get(id);
      if (uid) found.set(uid, id);
    }
  }
  return found;
}

/** The contacts whose e-mail address is an attendee's (the practitioner's own left out), by address. */
async function clientsByEmail(
  deps: CalendarImportDeps,
  events: readonly CalendarEvent[],
  mailbox: string,
  signal?: AbortSignal,
): Promise<Map<string, ClientMatch[]>> {
  const t = deps.tables.client;
  const email = filters.checkColumn(t.columns.email);
  const addresses = [...new Set(events.flatMap((e) => e.attendees))].filter((a) => a !== mailbox.toLowerCase());
  const found = new Map<string, ClientMatch[]>();
  for (const batch of chunks(addresses)) {
    for await (const row of deps.dataverse.query(t.entitySet, {
      select: [t.primaryId, t.columns.fullName, email],
      filter: filters.oneOf(email, batch),
      signal,
    })) {
      const address = typeof row[email] === 'string' ? (row[email] as string).trim().toLowerCase() : '';
      if (!address) continue;
      const name = typeof row[t.columns.fullName] === 'string' ? (row[t.columns.fullName] as string) : address;
      found.set(address, [...(found.get(address) ?? []), { id: String(row[t.primaryId]).toLowerCase(), name }]);
    }
  }
  return found;
}

/** The session an event becomes, under the id derived from its iCalUId. */
function sessionOf(event: CalendarEvent, client: ClientMatch): Session {
  return {
    id: derivedId(ID_NAMESPACES.calendarEvent, event.iCalUId),
    subject: event.subject || `Session – ${client.name}`,
    clientId: client.id,
    clientName: client.name,
    start: event.start,
    end: event.end,
    status: 'scheduled',
    payment: 'none',
    feeCents: undefined,
    location: event.location || undefined,
  };
}

function sessionRowBody(deps: CalendarImportDeps, session: Session, event: CalendarEvent): Row {
  const t = deps.tables.session;
  const c = t.columns;
  return {
    [t.primaryId]: session.id,
    [c.subject]: session.subject,
    [c.start]: session.start.toISOString(),
    [c.end]: session.end.toISOString(),
    [c.icalUid]: event.iCalUId,
    ...(session.location ? { [c.location]: session.location } : {}),
    ...bind(c.regardingClientNav, deps.tables.client.entitySet, session.clientId ?? ''),
  };
}

/** Creates the row under the id in its body; false when it already exists (another import's, or an earlier one's). */
async function createOnce(
  deps: CalendarImportDeps,
  entitySet: string,
  body: Row,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await deps.dataverse.create(entitySet, body, signal);
    return true;
  } catch (error) {
    if (error instanceof ConflictError && error.code === 'dataverse.duplicateRecord') return false;
    throw error;
  }
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += VALUES_PER_QUERY) out.push(values.slice(i, i + VALUES_PER_QUERY));
  return out;
}
