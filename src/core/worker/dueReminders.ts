// The unattended worker's unit of reminder work: one pass of the exactly-once sender (sendDueReminders),
// for every mailbox or one, told per mailbox; and which mailboxes have anything due, so a scheduler can
// hand each mailbox to its own instance. Plain functions on the core's clients: no process state, safe on
// any number of instances at once (the sender's claim with ETag lets one sender take each reminder).
import {
  planDueReminders,
  sendDueReminders,
  SenderCrashedError,
  type SendOutcome,
  type SendReport,
  type SendReportItem,
  type SenderDeps,
} from '../reminders';
import { noticeFailedReminders, noticeRunFailed, type FailureNotice } from './failureNotices';

/** What a pass did for one mailbox. */
export interface MailboxTally {
  mailbox: string;
  total: number;
  sent: number;
  submitted: number;
  failed: number;
  retryLater: number;
  skipped: number;
}

export interface DueRemindersRun {
  now: string;
  /** Only this mailbox's reminders were taken on (a queue message names one). */
  mailbox: string | undefined;
  /** Per mailbox, in the order first planned. */
  mailboxes: MailboxTally[];
  report: SendReport;
  /** Mails to practitioners about reminders that landed in Failed (at most one a mailbox a day). */
  notices: FailureNotice[];
}

/** The reminders one pass skipped for one reason (a channel whose secret is not set, say), left as they were. */
export interface SkippedReason {
  reason: string;
  reminderIds: string[];
}

/**
 * A pass's skipped reminders grouped by reason. A skipped reminder has nothing recorded on its row, so the
 * run's own output is the only place its reason shows: a cron's log or a Functions invocation's.
 */
export function skippedReasons(items: readonly SendReportItem[]): SkippedReason[] {
  const byReason = new Map<string, string[]>();
  for (const item of items) {
    if (item.outcome !== 'skipped') continue;
    const reason = item.error ?? 'no reason given';
    byReason.set(reason, [...(byReason.get(reason) ?? []), item.reminderId]);
  }
  return [...byReason].map(([reason, reminderIds]) => ({ reason, reminderIds }));
}

/** Reminder ids named in a skipped line; the rest are counted. */
const SKIPPED_IDS_SHOWN = 5;

/** One line for a reason: how many were skipped, the first few ids, and the reason. */
export function skippedLine(skip: SkippedReason): string {
  const ids = skip.reminderIds;
  const shown = ids.slice(0, SKIPPED_IDS_SHOWN).join(', ');
  const more = ids.length > SKIPPED_IDS_SHOWN ? ` and ${ids.length - SKIPPED_IDS_SHOWN} more` : '';
  return `${ids.length} ${ids.length === 1 ? 'reminder' : 'reminders'} skipped and left as they are (${shown}${more}): ${skip.reason}`;
}

export interface DueRemindersOptions {
  now: Date;
  mailbox?: string;
  signal?: AbortSignal;
}

type PlanDeps = Pick<SenderDeps, 'dataverse' | 'tables' | 'clock' | 'profile' | 'log'>;

/** The mailboxes with something to send now (due, or left in sending by an earlier run), each once. */
export async function mailboxesWithDueWork(deps: PlanDeps, now: Date): Promise<string[]> {
  const planned = await planDueReminders(deps, { now });
  const seen = new Map<string, string>();
  for (const message of planned) {
    const key = message.mailbox.trim().toLowerCase();
    if (key !== '' && !seen.has(key)) seen.set(key, message.mailbox.trim());
  }
  return [...seen.values()];
}

const OUTCOMES: readonly SendOutcome[] = ['sent', 'submitted', 'failed', 'retryLater', 'skipped'];

function emptyTally(mailbox: string): MailboxTally {
  return { mailbox, total: 0, sent: 0, submitted: 0, failed: 0, retryLater: 0, skipped: 0 };
}

/**
 * One pass of the sender at `now`, with what it did per mailbox. A pass that fails mails the practitioner
 * (the mailbox's, or the profile's) before it throws; reminders that landed in Failed mail theirs.
 */
export async function runDueReminders(deps: SenderDeps, options: DueRemindersOptions): Promise<DueRemindersRun> {
  try {
    return await sendAndTally(deps, options);
  } catch (error) {
    // A crash point stands for a process that died: it sends nothing more, a notice included.
    const notify = options.mailbox ?? deps.profile.mailbox;
    if (!(error instanceof SenderCrashedError) && !options.signal?.aborted && notify) {
      await noticeRunFailed(deps, { mailbox: notify, now: options.now, error }).catch((noticeError: unknown) =>
        deps.log.error('failure notice could not be written', { error: noticeError }),
      );
    }
    throw error;
  }
}

async function sendAndTally(deps: SenderDeps, options: DueRemindersOptions): Promise<DueRemindersRun> {
  const { now, mailbox, signal } = options;
  // The plan says which mailbox sends each reminder; the sender's report names reminders only.
  const planned = await planDueReminders(deps, { now, ...(mailbox === undefined ? {} : { mailbox }) });
  const mailboxOf = new Map(planned.map((m) => [m.reminderId.toLowerCase(), m.mailbox]));
  const report = await sendDueReminders(deps, {
    now,
    ...(mailbox === undefined ? {} : { mailbox }),
    ...(signal ? { signal } : {}),
  });
  const tallies = new Map<string, MailboxTally>();
  for (const m of planned) {
    const key = m.mailbox.toLowerCase();
    if (!tallies.has(key)) tallies.set(key, emptyTally(m.mailbox));
  }
  const failed = new Map<string, SendReportItem[]>();
  for (const item of report.items) {
    const from = mailboxOf.get(item.reminderId.toLowerCase()) ?? mailbox ?? deps.profile.mailbox ?? '';
    const key = from.toLowerCase();
    const tally = tallies.get(key) ?? emptyTally(from);
    tallies.set(key, tally);
    tally.total++;
    if (OUTCOMES.includes(item.outcome)) tally[item.outcome]++;
    if (item.outcome === 'failed') failed.set(tally.mailbox, [...(failed.get(tally.mailbox) ?? []), item]);
  }
  const notices = signal?.aborted ? [] : await noticeFailedReminders(deps, now, failed);
  return {
    now: now.toISOString(),
    mailbox,
    mailboxes: [...tallies.values()].filter((t) => t.total > 0),
    report,
    notices,
  };
}
