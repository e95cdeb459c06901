// Sends every due reminder (and recovers those an earlier run left in sending): mailboxes in parallel,
// within one mailbox at most `concurrency` reminders at a time, each Graph request paced by the mailbox's
// pacer. The run reports each reminder's outcome as it settles and in the end.
import { toLifeCockpitError } from '../../errors';
import { deliver, type Delivery } from './deliver';
import { loadDueRows, plannedMessage, sameMailbox, withMailboxes, type DueRow } from './dueRows';
import { SendRun } from './sendRun';
import type { PlannedMessage, SendOptions, SendOutcome, SendReport, SendReportItem, SenderDeps } from './types';

interface WorkItem {
  row: DueRow;
  message: PlannedMessage;
}

export async function sendDueReminders(deps: SenderDeps, options: SendOptions = {}): Promise<SendReport> {
  const { signal } = options;
  const now = options.now ?? new Date(deps.clock.now());
  const rows = await loadDueRows(deps, {
    now,
    signal,
    ...(options.reminderIds ? { reminderIds: options.reminderIds } : {}),
  });
  const work: WorkItem[] = (await withMailboxes(deps, rows, signal))
    .filter((entry) => options.mailbox === undefined || sameMailbox(entry.mailbox, options.mailbox))
    .map((entry) => ({ row: entry.row, message: plannedMessage(deps.profile, entry) }));
  const run = new SendRun(deps, signal);
  const items: SendReportItem[] = [];
  const settle = (item: WorkItem, delivery: Delivery): void => {
    items.push(reportItem(item.message, delivery));
    options.onProgress?.({
      done: items.length,
      total: work.length,
      reminderId: item.row.id,
      outcome: delivery.outcome,
    });
  };
  const lanes = [...groupByMailbox(work).values()].map((lane) => runLane(run, lane, settle));
  const results = await Promise.allSettled(lanes);
  // A crash point ends the run only once every reminder in flight has stopped, as a killed process would.
  if (run.crash) throw run.crash;
  const failedLane = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failedLane) throw toLifeCockpitError(failedLane.reason);
  return summarize(items);
}

function groupByMailbox(work: WorkItem[]): Map<string, WorkItem[]> {
  const lanes = new Map<string, WorkItem[]>();
  for (const item of work) {
    const key = item.message.mailbox.trim().toLowerCase();
    lanes.set(key, [...(lanes.get(key) ?? []), item]);
  }
  return lanes;
}

/** One mailbox's reminders, `concurrency` at a time; a cancelled run starts no more of them. */
async function runLane(run: SendRun, lane: WorkItem[], settle: (item: WorkItem, delivery: Delivery) => void) {
  const queue = [...lane];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      run.checkAlive();
      settle(item, await deliverOne(run, item));
    }
  };
  const width = Math.max(1, Math.min(run.deps.settings.concurrency, lane.length));
  // Every worker settles before the lane does, so nothing is still writing when the run reports or crashes.
  const results = await Promise.allSettled(Array.from({ length: width }, worker));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function deliverOne(run: SendRun, item: WorkItem): Promise<Delivery> {
  if (run.signal?.aborted) return { outcome: 'retryLater', error: 'Cancelled before it was sent.' };
  try {
    return await deliver(run, item.row, item.message);
  } catch (error) {
    if (run.crash) throw run.crash;
    // The row could not even be written (Dataverse down): it stays claimed, and the claim's lease frees it.
    const typed = toLifeCockpitError(error);
    run.deps.log.warn('reminder left for a later run', { reminderId: item.row.id, code: typed.code });
    return { outcome: 'retryLater', error: typed.message };
  }
}

function reportItem(message: PlannedMessage, delivery: Delivery): SendReportItem {
  return {
    reminderId: message.reminderId,
    recipient: message.recipient,
    subject: message.subject,
    outcome: delivery.outcome,
    ...(delivery.error === undefined ? {} : { error: delivery.error }),
  };
}

function summarize(items: SendReportItem[]): SendReport {
  const count = (outcome: SendOutcome): number => items.filter((item) => item.outcome === outcome).length;
  return {
    total: items.length,
    sent: count('sent'),
    submitted: count('submitted'),
    failed: count('failed'),
    retryLater: count('retryLater'),
    skipped: count('skipped'),
    items,
  };
}
