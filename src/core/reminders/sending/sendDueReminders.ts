// Sends every due reminder (and recovers those an earlier run left in sending), each through its channel.
// Graph: mailboxes in parallel, within one mailbox `concurrency` reminders at a time, more while drafted
// ones wait for the mailbox's window, each Graph request paced by the mailbox's pacer. Other channels
// (SMS, SMTP, SendGrid): each sender on each channel in parallel, at the channel's own limits. A reminder
// whose channel is not set up (or not supported) is skipped and stays as it is. The run reports each
// reminder's outcome as it settles and in the end.
import { ChannelNotSetUpError, type TransportChannel } from '../../channels';
import { toLifeCockpitError } from '../../errors';
import { deliver, type Delivery, type DeliveryHooks } from './deliver';
import {
  channelOf,
  loadDueRows,
  plannedMessage,
  sameMailbox,
  withMailboxes,
  type DueRow,
  type MailboxedRow,
} from './dueRows';
import { SendRun, type LaneState } from './sendRun';
import { deliverByTransport, senderOn } from './transportDelivery';
import type { PlannedMessage, SendOptions, SendOutcome, SendReport, SendReportItem, SenderDeps } from './types';

interface WorkItem {
  row: DueRow;
  message: PlannedMessage;
  /** The channel other than Graph it leaves through; Graph when absent. */
  transport?: TransportChannel;
}

export async function sendDueReminders(deps: SenderDeps, options: SendOptions = {}): Promise<SendReport> {
  const { signal } = options;
  const now = options.now ?? new Date(deps.clock.now());
  const rows = await loadDueRows(deps, {
    now,
    signal,
    ...(options.reminderIds ? { reminderIds: options.reminderIds } : {}),
  });
  const routed = (await withMailboxes(deps, rows, signal))
    .filter((entry) => options.mailbox === undefined || sameMailbox(entry.mailbox, options.mailbox))
    .map((entry) => route(deps, entry));
  const work = routed.filter((r): r is WorkItem => !('skipped' in r));
  const skipped = routed.filter((r): r is SkippedItem => 'skipped' in r);
  const run = new SendRun(deps, signal);
  const items: SendReportItem[] = [];
  const total = routed.length;
  const settle = (item: WorkItem, delivery: Delivery): void => {
    items.push(reportItem(item.message, delivery));
    options.onProgress?.({ done: items.length, total, reminderId: item.row.id, outcome: delivery.outcome });
  };
  for (const item of skipped) {
    items.push(item.skipped);
    options.onProgress?.({ done: items.length, total, reminderId: item.skipped.reminderId, outcome: 'skipped' });
  }
  const graphWork = work.filter((item) => item.transport === undefined);
  const lanes = [
    ...[...groupByMailbox(graphWork).values()].map((lane) => runLane(run, lane, settle)),
    ...[...groupByTransportSender(run, work).values()].map((lane) => runTransportLane(run, lane, settle)),
  ];
  const results = await Promise.allSettled(lanes);
  // A crash point ends the run only once every reminder in flight has stopped, as a killed process would.
  if (run.crash) throw run.crash;
  const failedLane = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failedLane) throw toLifeCockpitError(failedLane.reason);
  return summarize(items);
}

interface SkippedItem {
  skipped: SendReportItem;
}

/** Which channel takes the reminder, or why none can now (the row is left as it is). */
function route(deps: SenderDeps, entry: MailboxedRow): WorkItem | SkippedItem {
  const { row } = entry;
  const { profile } = deps;
  const skip = (message: PlannedMessage | undefined, error: string): SkippedItem => ({
    skipped: {
      reminderId: row.id,
      recipient: message?.recipient ?? row.email ?? row.phone ?? '',
      subject: message?.subject ?? row.subject,
      outcome: 'skipped',
      error,
    },
  });
  const channel = channelOf(profile, row);
  if (channel === undefined) {
    return skip(undefined, `Sending by ${row.medium} is not supported: only e-mail and SMS reminders are sent.`);
  }
  const message = plannedMessage(profile, entry, channel);
  if (channel === 'graph') return { row, message };
  const transport = deps.transports?.[channel];
  if (!transport) return skip(message, new ChannelNotSetUpError(channel, profile.name).message);
  if (transport.medium === 'sms' && !profile.smsFrom) {
    return skip(message, `No number to send SMS from: set the profile's smsFrom (LC_SMS_FROM), an E.164 number.`);
  }
  if (transport.medium === 'sms' && profile.sendToSelf === true && !profile.selfPhone) {
    return skip(
      message,
      `Send-to-me mode sends SMS to your own phone, and none is set: set the profile's selfPhone (LC_SELF_PHONE).`,
    );
  }
  return { row, message, transport };
}

/** One lane per channel and sender (a mailbox, a number): the channel's limits apply to each sender. */
function groupByTransportSender(run: SendRun, work: WorkItem[]): Map<string, WorkItem[]> {
  const lanes = new Map<string, WorkItem[]>();
  for (const item of work) {
    if (!item.transport) continue;
    const key = `${item.transport.id}:${senderOn(run, item.transport, item.message).trim().toLowerCase()}`;
    lanes.set(key, [...(lanes.get(key) ?? []), item]);
  }
  return lanes;
}

/**
 * Reminders carried at once on a channel's sender, per hand-over it allows at once: each makes five Dataverse
 * writes around its hand-over, which go on beside the others' hand-overs (with as many reminders as hand-overs,
 * a Dataverse answering in 150 ms held SMS near the rate, and a minute's 200 took most of the minute to leave).
 */
const REMINDERS_PER_HAND_OVER = 4;

/**
 * A channel's reminders, `REMINDERS_PER_HAND_OVER` × its `concurrency` at a time but never more than a minute's
 * worth (so none waits for the window longer than a minute, far inside a claim's lease); its pacer keeps the
 * hand-overs to its concurrency and its rate. A reminder waiting for the window has recorded no first attempt.
 */
async function runTransportLane(
  run: SendRun,
  lane: WorkItem[],
  settle: (item: WorkItem, delivery: Delivery) => void,
): Promise<void> {
  const queue = [...lane];
  const limits = lane[0]?.transport?.limits;
  const width = Math.max(1, Math.min(limits?.perMinute ?? 1, REMINDERS_PER_HAND_OVER * (limits?.concurrency ?? 1)));
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      run.checkAlive();
      settle(item, await deliverOneByTransport(run, item));
    }
  };
  const workers = await Promise.allSettled(Array.from({ length: Math.min(width, lane.length) }, worker));
  const failed = workers.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function deliverOneByTransport(run: SendRun, item: WorkItem): Promise<Delivery> {
  if (run.signal?.aborted) return { outcome: 'retryLater', error: 'Cancelled before it was sent.' };
  try {
    return await deliverByTransport(run, item.row, item.message, item.transport as TransportChannel);
  } catch (error) {
    if (run.crash) throw run.crash;
    // The row could not be written (Dataverse down): it stays claimed, and the claim's lease frees it.
    const typed = toLifeCockpitError(error);
    run.deps.log.warn('reminder left for a later run', { reminderId: item.row.id, code: typed.code });
    return { outcome: 'retryLater', error: typed.message };
  }
}

function groupByMailbox(work: WorkItem[]): Map<string, WorkItem[]> {
  const lanes = new Map<string, WorkItem[]>();
  for (const item of work) {
    const key = item.message.mailbox.trim().toLowerCase();
    lanes.set(key, [...(lanes.get(key) ?? []), item]);
  }
  return lanes;
}

/**
 * One mailbox's reminders, at most `concurrency` at a time from claim to recorded, as long as its window has
 * room. Once the window is full, a reminder whose draft is ready and whose /send waits for the window makes
 * room for the next one, so the next reminders are claimed, looked up and drafted while the window is closed
 * and their sends go as soon as it opens. That preparing ahead waits until no other mailbox can still send in
 * its own window (their sends open their next windows sooner), and at most `perMinute` more reminders than
 * `concurrency` are in flight: what the next window allows, far inside a claim's lease. A cancelled run starts
 * no more of them; after a crash point nothing more starts, and the lane settles once all in flight have.
 */
function runLane(run: SendRun, lane: WorkItem[], settle: (item: WorkItem, delivery: Delivery) => void): Promise<void> {
  const { concurrency, perMinute } = run.deps.settings;
  const preparingAtMost = Math.max(1, concurrency);
  const inFlightAtMost = preparingAtMost + Math.max(1, perMinute);
  const queue = [...lane];
  let preparing = 0;
  let inFlight = 0;
  let failure: { reason: unknown } | undefined;
  const mailbox = lane[0]?.message.mailbox ?? '';
  let settled = false;
  return new Promise<void>((resolve, reject) => {
    const state: LaneState = {
      mailbox,
      hasWork: () => !settled && (queue.length > 0 || preparing > 0),
      poke: () => startMore(),
    };
    const leave = run.joinLanes(state);
    const finishIfDone = (): void => {
      if (settled || inFlight > 0 || (queue.length > 0 && !failure)) return;
      settled = true;
      leave();
      run.pokeLanes();
      if (failure) reject(failure.reason);
      else resolve();
    };
    /** The window is full: the next reminders are prepared only when no other mailbox can still send now. */
    const heldBack = (): boolean => run.pacer.waitingForWindow?.(mailbox) === true && !run.mayPrepareAhead(state);
    const startMore = (): void => {
      while (!failure && preparing < preparingAtMost && inFlight < inFlightAtMost && queue.length > 0) {
        if (heldBack()) break;
        const item = queue.shift() as WorkItem;
        try {
          run.checkAlive();
        } catch (error) {
          failure = { reason: error };
          break;
        }
        preparing++;
        inFlight++;
        let prepared = false;
        // Ready to send: once its /send has joined the mailbox's queue, a full window makes room for the next
        // reminder; otherwise it keeps its place through the send and the record, and the lane runs no wider.
        const readyToSend = (): void => {
          queueMicrotask(() => {
            if (prepared || run.pacer.waitingForWindow?.(mailbox) !== true) return;
            prepared = true;
            preparing--;
            run.pokeLanes();
          });
        };
        deliverOne(run, item, { readyToSend })
          .then((delivery) => settle(item, delivery))
          .catch((error: unknown) => {
            failure ??= { reason: error };
          })
          .finally(() => {
            if (!prepared) {
              prepared = true;
              preparing--;
            }
            inFlight--;
            run.pokeLanes();
            startMore();
            finishIfDone();
          });
      }
      finishIfDone();
    };
    startMore();
  });
}

async function deliverOne(run: SendRun, item: WorkItem, hooks: DeliveryHooks): Promise<Delivery> {
  if (run.signal?.aborted) return { outcome: 'retryLater', error: 'Cancelled before it was sent.' };
  try {
    return await deliver(run, item.row, item.message, hooks);
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
