// What `lc sandbox inspect` and tests see of Graph (sent mail per mailbox without bodies, event
// counts, subscriptions, throttling and notification counters), and the check that a saved state
// is one this version can load.

import type { GraphState } from './state';
import { isoSeconds } from './wire';

export interface GraphInspection {
  /** Message bodies are deliberately left out: they may hold client details. */
  note: string;
  mailboxes: Array<{
    id: string;
    mail: string;
    displayName: string;
    events: number;
    sentItems: Array<{
      id: string;
      to: string[];
      cc: string[];
      bcc: string[];
      subject: string;
      sentDateTime: string;
      internetMessageId: string;
      extendedProperties: Array<{ id: string; value: string }>;
    }>;
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

export function inspectState(state: GraphState): GraphInspection {
  const addresses = (list: Array<{ address: string }>): string[] => list.map((entry) => entry.address);
  return {
    note: 'Sent mail is listed without message bodies.',
    mailboxes: state.users.map((user) => ({
      id: user.id,
      mail: user.mail,
      displayName: user.displayName,
      events: state.calendars[user.id]?.length ?? 0,
      sentItems: (state.sentItems[user.id] ?? []).map((message) => ({
        id: message.id,
        to: addresses(message.toRecipients),
        cc: addresses(message.ccRecipients),
        bcc: addresses(message.bccRecipients),
        subject: message.subject,
        sentDateTime: isoSeconds(message.sentMs),
        internetMessageId: message.internetMessageId,
        extendedProperties: message.extendedProperties.map((property) => ({ ...property })),
      })),
    })),
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
  return structuredClone(saved) as unknown as GraphState;
}
