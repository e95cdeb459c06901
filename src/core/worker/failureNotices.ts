// Failures reach a person: when a run of the worker fails, or a reminder lands in Failed, the practitioner
// gets a mail in their own mailbox saying what failed and what to do. The notice is a scheduled-message row
// like any reminder, sent by the same exactly-once sender; its id is derived from the mailbox, the kind of
// failure and the day (UTC), so however many runs or instances meet the failure, one row is made and one
// mail leaves that day. A notice that cannot leave now (the service is down) stays due for the next run.
import { bind, filters } from '../dataverse';
import { toLifeCockpitError } from '../errors';
import { MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../practice';
import { createOnce, namedId, sendDueReminders, type SendReportItem, type SenderDeps } from '../reminders';
import { z } from 'zod';

export type FailureKind = 'runFailed' | 'reminderFailed';

export interface FailureNotice {
  kind: FailureKind;
  mailbox: string;
  /** The row of the notice (derived: the same mailbox, kind and day give the same id). */
  id: string;
  /** False when an earlier run already wrote that day's notice of this kind. */
  created: boolean;
  /** The notice's own send: sent, or left due for the next run. */
  outcome: 'sent' | 'submitted' | 'later';
}

/** The UTC day a failure belongs to. */
export function failureDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function failureNoticeId(mailbox: string, kind: FailureKind, now: Date): string {
  return namedId('failureNotice', mailbox.trim().toLowerCase(), kind, failureDay(now));
}

/** Whether this reminder id is one of the day's notices for the mailbox (their failures are not noticed again). */
export function isFailureNotice(reminderId: string, mailbox: string, now: Date): boolean {
  const id = reminderId.toLowerCase();
  return (['runFailed', 'reminderFailed'] as const).some((kind) => failureNoticeId(mailbox, kind, now) === id);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string): string => text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
const paragraphs = (lines: readonly string[]): string => lines.map((line) => `<p>${escape(line)}</p>`).join('\n');

const systemUser = z.looseObject({ systemuserid: z.string() });

/** The practitioner's system user, so the notice is theirs and leaves from their mailbox. */
async function ownerOf(deps: SenderDeps, mailbox: string): Promise<string | undefined> {
  const users = await deps.dataverse.list('systemusers', {
    select: ['systemuserid'],
    filter: filters.eq('internalemailaddress', mailbox),
  });
  const user = systemUser.safeParse(users[0]);
  return user.success ? user.data.systemuserid : undefined;
}

interface NoticeText {
  subject: string;
  lines: string[];
}

async function notify(deps: SenderDeps, kind: FailureKind, mailbox: string, now: Date, text: NoticeText) {
  const t = deps.tables.scheduledMessage;
  const c = t.columns;
  const id = failureNoticeId(mailbox, kind, now);
  const owner = await ownerOf(deps, mailbox);
  const created = await createOnce(deps.dataverse, t.entitySet, {
    [t.primaryId]: id,
    [t.primaryName]: text.subject.slice(0, 200),
    [c.clientName]: 'Life Cockpit',
    [c.email]: mailbox,
    [c.status]: MESSAGE_STATUS.approved,
    [c.kind]: MESSAGE_KIND.reminder,
    [c.channel]: MESSAGE_CHANNEL.email,
    [c.subject]: text.subject,
    [c.text]: paragraphs(text.lines),
    [c.scheduledTime]: now.toISOString(),
    [c.sent]: false,
    [c.attempts]: 0,
    ...(owner ? bind('ownerid', 'systemusers', owner) : {}),
  });
  deps.log.warn('failure notice', { kind, mailbox, id, created });
  let outcome: FailureNotice['outcome'] = 'later';
  try {
    // Sends it if it is still due (an earlier run may have sent it already: then nothing leaves).
    const report = await sendDueReminders(deps, { now, reminderIds: [id] });
    const item = report.items[0];
    if (item?.outcome === 'sent' || item?.outcome === 'submitted') outcome = item.outcome;
  } catch (error) {
    deps.log.warn('failure notice left for the next run', { id, code: toLifeCockpitError(error).code });
  }
  return { kind, mailbox, id, created, outcome };
}

/** A run failed: the practitioner hears what failed and that the next run tries again. */
export async function noticeRunFailed(
  deps: SenderDeps,
  input: { mailbox: string; now: Date; error: unknown },
): Promise<FailureNotice> {
  const error = toLifeCockpitError(input.error);
  return notify(deps, 'runFailed', input.mailbox, input.now, {
    subject: `Life Cockpit: the reminders run could not run (${failureDay(input.now)})`,
    lines: [
      `The unattended run that sends your due reminders could not run at ${input.now.toISOString()} (UTC): ${error.message} (${error.code}).`,
      'Nothing was sent twice: what was due stays due, and the next run tries again.',
      error.retriable
        ? 'This is usually passing (a service was busy or unreachable). If this mail comes again tomorrow, check the worker’s log.'
        : 'This will not pass by itself: fix what the error says (run `lc doctor` with the worker’s settings, and see README, “Running unattended”, for the permissions it needs).',
      'You get at most one such mail a day.',
    ],
  });
}

/** Reminders landed in Failed: the practitioner hears which, why, and how to send them after all. */
export async function noticeRemindersFailed(
  deps: SenderDeps,
  input: { mailbox: string; now: Date; failed: readonly SendReportItem[] },
): Promise<FailureNotice> {
  const n = input.failed.length;
  return notify(deps, 'reminderFailed', input.mailbox, input.now, {
    subject: `Life Cockpit: ${n === 1 ? 'a reminder' : `${n} reminders`} could not be sent (${failureDay(input.now)})`,
    lines: [
      `${n === 1 ? 'This reminder' : 'These reminders'} could not be sent and ${n === 1 ? 'is' : 'are'} now in Failed:`,
      ...input.failed.map((item) => `“${item.subject}” to ${item.recipient}: ${item.error ?? 'no reason given'}`),
      'What to do: open the Reminders view in Life Cockpit (or run `lc reminders status`), fix what the error says (often the client’s e-mail address), then use Retry Reminder on it; the next run sends it, once.',
      'You get at most one such mail a day.',
    ],
  });
}

/** Notices for a run's failed reminders, one per mailbox, leaving out the day's notices themselves. */
export async function noticeFailedReminders(
  deps: SenderDeps,
  now: Date,
  failedByMailbox: ReadonlyMap<string, readonly SendReportItem[]>,
): Promise<FailureNotice[]> {
  const notices: FailureNotice[] = [];
  for (const [mailbox, items] of failedByMailbox) {
    const failed = items.filter((item) => !isFailureNotice(item.reminderId, mailbox, now));
    if (mailbox === '' || failed.length === 0) continue;
    try {
      notices.push(await noticeRemindersFailed(deps, { mailbox, now, failed }));
    } catch (error) {
      deps.log.error('failure notice could not be written', { mailbox, error });
    }
  }
  return notices;
}
