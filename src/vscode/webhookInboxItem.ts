// How one stored webhook request reads in the Webhook Inbox view: label, description, icon, context value
// and tooltip as plain values (no vscode import), so the wording, the ordering and the menus' context
// values are unit-tested. Everything shown comes from the sender (event types, routes), so nothing here
// is Markdown: the tooltip is plain text.
import type { ForwardState, InboxEntry } from '../core/webhooks';

export interface WebhookInboxItemView {
  label: string;
  description: string;
  /** A codicon name. */
  icon: string;
  /** `webhook.<verification>.<outcome>` (outcome `pending` while not handled, `none` when refused). */
  contextValue: string;
  /** Plain text. */
  tooltip: string;
}

export interface WebhookItemOptions {
  /** The editor's locale and time zone (undefined: the host's); tests fix them. */
  locale?: string;
  timeZone?: string;
}

const VERIFICATION_WORDS: Record<InboxEntry['verification'], string> = {
  verified: 'verified',
  validationHandshake: 'validation handshake',
  missingSignature: 'no signature',
  badSignature: 'bad signature',
  staleTimestamp: 'stale timestamp',
  malformed: 'malformed',
  oversized: 'too large',
  badClientState: 'wrong clientState',
  unknownRoute: 'unknown route',
  methodNotAllowed: 'method not allowed',
};

/** Every stored request, newest first (by time, then by id, which sorts by time within a millisecond). */
export function newestFirst<T extends Pick<InboxEntry, 'at' | 'id'>>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** What became of a request: refused ones have no outcome; accepted ones are pending until handled. */
export function outcomeOf(entry: InboxEntry): string {
  if (entry.verification !== 'verified') return 'none';
  return entry.outcome ?? 'pending';
}

export function webhookItemView(entry: InboxEntry, options: WebhookItemOptions = {}): WebhookInboxItemView {
  const forwards = entry.forwards;
  const outcome = outcomeOf(entry);
  const verification = VERIFICATION_WORDS[entry.verification] ?? entry.verification;
  const time = formatTime(entry.at, options);
  const handling = outcome === 'none' ? `refused ${entry.status}` : outcome;
  const forwarded = forwards.length === 0 ? [] : [forwardSummary(forwards)];
  const tooltip = [
    `${entry.eventType ?? entry.route} (${entry.id})`,
    `Received: ${new Date(entry.at).toISOString()} on /${entry.route}, ${entry.bytes} bytes, answered ${entry.status}`,
    `Verification: ${verification}`,
    outcome === 'none' ? 'Not handled: the request was refused and its body was not kept.' : `Handling: ${outcome}`,
    ...(entry.outcomeDetail ? [`Detail: ${entry.outcomeDetail}`] : []),
    ...(entry.eventId ? [`Event: ${entry.eventId}`] : []),
    ...forwards.map((f) => `Forwarded to ${f.target}: ${forwardWords(f)}`),
  ];
  return {
    label: entry.eventType ?? `/${entry.route}`,
    description: [time, `/${entry.route}`, verification, handling, ...forwarded].join(' · '),
    icon: iconOf(entry.verification, outcome),
    contextValue: `webhook.${entry.verification}.${outcome}`,
    tooltip: tooltip.join('\n'),
  };
}

function iconOf(verification: InboxEntry['verification'], outcome: string): string {
  if (verification === 'validationHandshake') return 'link';
  if (verification !== 'verified') return 'shield';
  switch (outcome) {
    case 'applied':
      return 'pass';
    case 'ignored':
      return 'circle-outline';
    case 'duplicate':
      return 'copy';
    case 'failed':
      return 'error';
    default:
      return 'clock';
  }
}

function forwardWords(f: ForwardState): string {
  const status = f.status === undefined ? '' : ` (HTTP ${f.status})`;
  return `${f.state}${status}${f.detail ? `: ${f.detail}` : ''}`;
}

function forwardSummary(forwards: readonly ForwardState[]): string {
  const done = forwards.filter((f) => f.state === 'forwarded' || f.state === 'duplicate').length;
  return `forwarded ${done}/${forwards.length}`;
}

function formatTime(at: number, options: WebhookItemOptions): string {
  return new Intl.DateTimeFormat(options.locale, {
    timeZone: options.timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(at));
}
