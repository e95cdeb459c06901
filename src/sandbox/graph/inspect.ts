// What `lc sandbox inspect` and tests see of Graph (per mailbox the messages in Drafts, the Outbox, in
// transit and in Sent Items without bodies, and the submission timeline; event counts, subscriptions,
// throttling and notification counters), and the check that a saved state is one this version can load.

import { folderScopedId } from './messages';
import type { GraphState, StoredMessage, SubmissionRecord } from './state';
import type { TransportSettings } from './routeTypes';
import { transportStage } from './transport';
import { isoSeconds } from './wire';

export interface InspectedMessage {
  /** The id a client sees for it in its folder (without `Prefer: IdType="ImmutableId"`). */
  id: string;
  immutableId: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  sentDateTime: string;
  internetMessageId: string;
  extendedProperties: Array<{ id: string; value: string }>;
}

export interface InspectedSubmission {
  immutableId: string;
  acceptedAt: string;
  /** When transport takes it from the Outbox; later than the delay when the mailbox was over its rate. */
  leavesOutboxAt: string;
  inSentItemsAt: string;
  overRate: boolean;
}

export interface GraphInspection {
  /** Message bodies are deliberately left out: they may hold client details. */
  note: string;
  /** Exchange's transport delay, transit gap and sending rate, and how much faster they run. */
  transport: TransportSettings;
  mailboxes: Array<{
    id: string;
    mail: string;
    displayName: string;
    events: number;
    drafts: InspectedMessage[];
    outbox: InspectedMessage[];
    /** Left the Outbox, no Sent Items copy yet: a read by id finds nothing. */
    inTransit: InspectedMessage[];
    sentItems: InspectedMessage[];
    submissions: {
      total: number;
      /** Accepted while the mailbox was past its per-minute limit (queued by Exchange, no error). */
      overRate: number;
      timeline: InspectedSubmission[];
    };
  }>;
  subscriptions: Array<{
    id: string;
    resource: string;
    changeType: string;
    notificationUrl: string;
    expirationDateTime: string;
  }>;
  throttled: number;
  notificationsDelivered: number;
  notificationFailures: GraphState['stats']['notificationFailures'];
}

const addresses = (list: Array<{ address: string }>): string[] => list.map((entry) => entry.address);

function inspectMessage(message: StoredMessage, folder: 'drafts' | 'outbox' | 'sentitems'): InspectedMessage {
  return {
    id: folderScopedId(message.id, folder),
    immutableId: message.id,
    to: addresses(message.toRecipients),
    cc: addresses(message.ccRecipients),
    bcc: addresses(message.bccRecipients),
    subject: message.subject,
    sentDateTime: isoSeconds(message.sentMs),
    internetMessageId: message.internetMessageId,
    extendedProperties: message.extendedProperties.map((property) => ({ ...property })),
  };
}

function inspectSubmission(record: SubmissionRecord): InspectedSubmission {
  return {
    immutableId: record.messageId,
    acceptedAt: new Date(record.acceptedMs).toISOString(),
    leavesOutboxAt: new Date(record.departMs).toISOString(),
    inSentItemsAt: new Date(record.arriveMs).toISOString(),
    overRate: record.overRate,
  };
}

export function inspectState(state: GraphState, now: number, transport: TransportSettings): GraphInspection {
  return {
    note: 'Mail is listed without message bodies.',
    transport: { ...transport },
    mailboxes: state.users.map((user) => {
      const outbox = state.outbox[user.id] ?? [];
      const timeline = state.submissions[user.id] ?? [];
      return {
        id: user.id,
        mail: user.mail,
        displayName: user.displayName,
        events: state.calendars[user.id]?.length ?? 0,
        drafts: [
          ...(state.drafts[user.id] ?? []),
          ...outbox.filter((message) => transportStage(message, now, transport) === 'drafts'),
        ].map((message) => inspectMessage(message, 'drafts')),
        outbox: outbox
          .filter((message) => transportStage(message, now, transport) === 'outbox')
          .map((message) => inspectMessage(message, 'outbox')),
        inTransit: outbox
          .filter((message) => transportStage(message, now, transport) === 'transit')
          .map((message) => inspectMessage(message, 'outbox')),
        sentItems: (state.sentItems[user.id] ?? []).map((message) => inspectMessage(message, 'sentitems')),
        submissions: {
          total: timeline.length,
          overRate: timeline.filter((record) => record.overRate).length,
          timeline: timeline.map(inspectSubmission),
        },
      };
    }),
    subscriptions: state.subscriptions.map((sub) => ({
      id: sub.id,
      resource: sub.resource,
      changeType: sub.changeType,
      notificationUrl: sub.notificationUrl,
      expirationDateTime: new Date(sub.expirationMs).toISOString(),
    })),
    throttled: state.stats.throttled,
    notificationsDelivered: state.stats.notificationsDelivered,
    notificationFailures: state.stats.notificationFailures.map((failure) => ({ ...failure })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts what exportState wrote (version 1); anything else is refused rather than half-loaded. */
export function readState(saved: unknown): GraphState {
  if (
    !isObject(saved) ||
    saved.version !== 1 ||
    !Array.isArray(saved.users) ||
    !isObject(saved.calendars) ||
    !isObject(saved.sentItems) ||
    !Array.isArray(saved.subscriptions) ||
    !isObject(saved.stats)
  ) {
    throw new Error('Graph sandbox state is not in the expected format (version 1).');
  }
  const state = structuredClone(saved) as unknown as GraphState;
  // States saved before drafts and transport existed have none of these folders yet.
  state.drafts ??= {};
  state.outbox ??= {};
  state.submissions ??= {};
  return state;
}
