// Generates the seeded practice's scheduled messages (cre92_scheduledmessage rows): reminders 24 h and
// 2 h before each session of the detailed window and a follow-up after each attended one, with states
// that match their timing (future ones draft/approved, due ones approved, old ones sent or failed), and
// at least one message in every state so every workflow has something to act on. A client who prefers SMS
// gets the reminders still ahead by SMS (plain text, no subject), as booking a session writes them; what was
// due before the sandbox started went by e-mail, as if they chose SMS since, so what is due at start (and a
// send of it) is the same whatever the hour. The `--due-reminders` ones go by e-mail too: they exist to load
// the mailboxes at Exchange's pace.

import type { SeededPrng } from './prng';
import { LANGUAGES, SEND_ERRORS } from './seedNames';
import type { SeedClient, SeedReminder, SeedReminderStatus, SeedSession } from './types';

const HOUR_MS = 3_600_000;
const REMINDER_LEADS_MS: readonly number[] = [24 * HOUR_MS, 2 * HOUR_MS];
const ALL_STATUSES: readonly SeedReminderStatus[] = ['draft', 'approved', 'sending', 'sent', 'failed', 'cancelled'];

export interface ReminderInput {
  clients: readonly SeedClient[];
  sessions: readonly SeedSession[];
  now: number;
  windowStart: number;
}

export function generateReminders(prng: SeededPrng, input: ReminderInput): SeedReminder[] {
  const clientsById = new Map(input.clients.map((c) => [c.id, c]));
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const reminders: SeedReminder[] = [];
  for (const session of input.sessions) {
    const start = Date.parse(session.start);
    if (start < input.windowStart) continue; // every later session lies in the detailed window
    const client = clientsById.get(session.clientId);
    if (client === undefined) continue;
    const when = formatWhen(formatters, client, start);
    for (const lead of REMINDER_LEADS_MS) {
      reminders.push(beforeSessionReminder(prng, { session, client, when, scheduled: start - lead, now: input.now }));
    }
    if (session.state === 'attended') {
      reminders.push(followUp(prng, { session, client, when, scheduled: Date.parse(session.end), now: input.now }));
    }
  }
  ensureEveryStatus(reminders, input.now);
  return reminders;
}

export interface DueReminderInput {
  clients: readonly SeedClient[];
  sessions: readonly SeedSession[];
  now: number;
  count: number;
  /** systemuser ids of the practitioners; reminders go to them in turn. */
  owners: readonly string[];
}

/**
 * `--due-reminders N`: N approved reminders due now (scheduled a minute ago) for upcoming sessions,
 * dealt to the practitioners in turn, for exercising a sender against the mailboxes' real pace.
 */
export function generateDueReminders(prng: SeededPrng, input: DueReminderInput): SeedReminder[] {
  const clientsById = new Map(input.clients.map((c) => [c.id, c]));
  const upcoming = input.sessions.filter(
    (session) =>
      session.state === 'scheduled' && Date.parse(session.start) > input.now && clientsById.has(session.clientId),
  );
  const pool = upcoming.length > 0 ? upcoming : input.sessions.filter((session) => clientsById.has(session.clientId));
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const scheduledTime = new Date(input.now - 60_000).toISOString();
  const reminders: SeedReminder[] = [];
  for (let index = 0; index < input.count && pool.length > 0; index++) {
    const session = pool[index % pool.length] as SeedSession;
    const client = clientsById.get(session.clientId) as SeedClient;
    const when = formatWhen(formatters, client, Date.parse(session.start));
    const profile = LANGUAGES[client.language];
    reminders.push({
      id: prng.uuid(),
      sessionId: session.id,
      clientId: client.id,
      kind: 'reminder',
      status: 'approved',
      scheduledTime,
      subject: profile.reminderSubject(when),
      text: profile.reminderText(client.firstName, when),
      attempts: 0,
      ownerSystemUserId: input.owners[index % Math.max(1, input.owners.length)],
    });
  }
  return reminders;
}

interface ReminderDraft {
  session: SeedSession;
  client: SeedClient;
  when: string;
  scheduled: number;
  now: number;
}

function formatWhen(cache: Map<string, Intl.DateTimeFormat>, client: SeedClient, at: number): string {
  const key = `${client.language}|${client.timeZone}`;
  let format = cache.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(client.language, {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone: client.timeZone,
    });
    cache.set(key, format);
  }
  return format.format(at);
}

function beforeSessionReminder(prng: SeededPrng, draft: ReminderDraft): SeedReminder {
  const profile = LANGUAGES[draft.client.language];
  const status: SeedReminderStatus =
    draft.session.state === 'canceled' ? 'cancelled' : statusByTiming(prng, draft.scheduled, draft.now, 0.6);
  return withStatus(
    {
      id: prng.uuid(),
      sessionId: draft.session.id,
      clientId: draft.client.id,
      kind: 'reminder',
      status,
      scheduledTime: new Date(draft.scheduled).toISOString(),
      ...(draft.client.preferredChannel === 'sms' && draft.scheduled > draft.now
        ? { channel: 'sms', subject: '', text: profile.reminderSms(draft.client.firstName, draft.when) }
        : {
            subject: profile.reminderSubject(draft.when),
            text: profile.reminderText(draft.client.firstName, draft.when),
          }),
      attempts: 0,
    },
    status,
    prng,
  );
}

function followUp(prng: SeededPrng, draft: ReminderDraft): SeedReminder {
  const profile = LANGUAGES[draft.client.language];
  // Follow-ups start as drafts at the session's end and wait for the practitioner's review.
  const status = statusByTiming(prng, draft.scheduled, draft.now, 0.4);
  return withStatus(
    {
      id: prng.uuid(),
      sessionId: draft.session.id,
      clientId: draft.client.id,
      kind: 'followUp',
      status,
      scheduledTime: new Date(draft.scheduled).toISOString(),
      ...(draft.client.preferredChannel === 'sms' && draft.scheduled > draft.now
        ? { channel: 'sms', subject: '', text: profile.followUpSms(draft.client.firstName) }
        : { subject: profile.followUpSubject, text: profile.followUpText(draft.client.firstName) }),
      attempts: 0,
    },
    status,
    prng,
  );
}

/** Future: draft or approved. Just due (< 6 h): many still approved, a few stuck in sending. Older: sent, rarely failed. */
function statusByTiming(prng: SeededPrng, scheduled: number, now: number, approvedShare: number): SeedReminderStatus {
  const draw = prng.next();
  if (scheduled > now) return draw < approvedShare ? 'approved' : 'draft';
  if (now - scheduled < 6 * HOUR_MS) {
    if (draw < 0.4) return 'approved';
    if (draw < 0.5) return 'sending';
    return 'sent';
  }
  if (draw < 0.95) return 'sent';
  return 'failed';
}

/** Sets the fields a status implies (sent time, attempts, last error), in place: 10k clients make 150k of these. */
function withStatus(reminder: SeedReminder, status: SeedReminderStatus, prng: SeededPrng | undefined): SeedReminder {
  const scheduled = Date.parse(reminder.scheduledTime);
  reminder.status = status;
  reminder.attempts = status === 'failed' ? 3 : status === 'sent' || status === 'sending' ? 1 : 0;
  if (status === 'sent') reminder.sentTime = new Date(scheduled + 60_000 * (prng ? prng.int(1, 5) : 1)).toISOString();
  else delete reminder.sentTime;
  if (status === 'failed') reminder.lastError = prng ? prng.pick(SEND_ERRORS) : (SEND_ERRORS[0] as string);
  else delete reminder.lastError;
  return reminder;
}

/** Small practices may miss a rare state by chance; convert a fitting message so every state exists. */
function ensureEveryStatus(reminders: SeedReminder[], now: number): void {
  const counts = new Map<SeedReminderStatus, number>();
  for (const r of reminders) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const spare = (r: SeedReminder): boolean => (counts.get(r.status) ?? 0) > 1;
  for (const status of ALL_STATUSES) {
    if (counts.has(status)) continue;
    const needsPast = status !== 'draft' && status !== 'cancelled';
    let index = reminders.findIndex(
      (r) => spare(r) && r.status !== 'cancelled' && Date.parse(r.scheduledTime) <= now === needsPast,
    );
    if (index < 0) index = reminders.findIndex(spare);
    if (index < 0) continue;
    const old = reminders[index] as SeedReminder;
    counts.set(old.status, (counts.get(old.status) ?? 0) - 1);
    reminders[index] = withStatus(old, status, undefined);
    counts.set(status, 1);
  }
}
