// Exchange's transport after a 202 from `/send` or `sendMail`: the message waits in the Outbox (still a
// draft there) for the transport delay, then is in transit (a read by its id finds nothing) for a short
// gap, then its copy is in Sent Items. Each mailbox submits at most 30 messages a minute; beyond that
// Exchange Online accepts the message and queues it on the server with no error, so it simply leaves
// the Outbox later. Time is the sandbox's clock, read lazily: every request first lets transport
// catch up to now, so tests with a fixed clock are deterministic.

import type { ChangeListener, TransportSettings } from './routeTypes';
import {
  outboxOf,
  sentItemsOf,
  submissionsOf,
  type GraphState,
  type StoredMessage,
  type SubmissionRecord,
} from './state';

/** Exchange Online's per-mailbox sending limit (messages a minute). */
export const SUBMISSIONS_PER_MINUTE = 30;
const MINUTE_MS = 60_000;

/** Queues a submitted message in the mailbox's Outbox at its slot under the rate, and records it. */
export function submit(
  state: GraphState,
  userId: string,
  message: StoredMessage,
  options: { now: number; saveCopy: boolean; settings: TransportSettings },
): SubmissionRecord {
  const { now, settings } = options;
  const scale = settings.timeScale > 0 ? settings.timeScale : 1;
  const windowMs = MINUTE_MS / scale;
  const limit = Math.max(1, settings.submissionsPerMinute);
  const timeline = submissionsOf(state, userId);
  const acceptedInWindow = timeline.filter((entry) => entry.acceptedMs > now - windowMs).length + 1;
  let departMs = now + settings.transportDelayMs / scale;
  const last = timeline[timeline.length - 1];
  // Transport takes one mailbox's messages in order, and at most `limit` in any window.
  if (last) departMs = Math.max(departMs, last.departMs);
  const windowOpener = timeline[timeline.length - limit];
  if (windowOpener) departMs = Math.max(departMs, windowOpener.departMs + windowMs);
  const arriveMs = departMs + settings.transitGapMs / scale;
  message.transport = { acceptedMs: now, departMs, arriveMs, saveCopy: options.saveCopy };
  message.sentMs = now;
  outboxOf(state, userId).push(message);
  const record: SubmissionRecord = {
    messageId: message.id,
    acceptedMs: now,
    departMs,
    arriveMs,
    overRate: acceptedInWindow > limit,
  };
  timeline.push(record);
  return record;
}

/** Where a submitted message is at `now`: still shown in Drafts for `submittedDraftMs` after its 202, then the Outbox. */
export function transportStage(
  message: StoredMessage,
  now: number,
  settings?: Pick<TransportSettings, 'submittedDraftMs' | 'timeScale'>,
): 'drafts' | 'outbox' | 'transit' | 'delivered' {
  const transport = message.transport;
  if (!transport || now < transport.departMs) {
    const lingerMs = (settings?.submittedDraftMs ?? 0) / (settings && settings.timeScale > 0 ? settings.timeScale : 1);
    return transport && now < transport.acceptedMs + lingerMs ? 'drafts' : 'outbox';
  }
  return now < transport.arriveMs ? 'transit' : 'delivered';
}

/** Moves every message whose transit is over into Sent Items (or drops it when no copy is kept). */
export function advanceTransport(state: GraphState, now: number, changes: ChangeListener): void {
  for (const [userId, outbox] of Object.entries(state.outbox)) {
    if (!outbox.some((message) => transportStage(message, now) === 'delivered')) continue;
    const delivered = outbox
      .filter((message) => transportStage(message, now) === 'delivered')
      .sort((a, b) => (a.transport?.arriveMs ?? 0) - (b.transport?.arriveMs ?? 0));
    state.outbox[userId] = outbox.filter((message) => transportStage(message, now) !== 'delivered');
    for (const message of delivered) {
      const transport = message.transport;
      if (!transport?.saveCopy) continue;
      message.sentMs = transport.departMs;
      sentItemsOf(state, userId).push(message);
      changes.changed(userId, 'messages', message.id, 'created');
    }
  }
}
