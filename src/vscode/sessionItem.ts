// How one session reads in the Sessions view: label, description, icon, context value and tooltip, as
// plain values (no vscode import) so the wording and the menus' context values are unit-tested.
import type { NeedsAttention, Session } from '../core/sessions';

export interface SessionItemView {
  label: string;
  description: string;
  /** A codicon name. */
  icon: string;
  /** A theme color id tinting the icon by payment (undefined: the default). */
  iconColor: string | undefined;
  /** `session.<status>.<payment>`, `.noFee` appended when there is no fee: package.json menus match it. */
  contextValue: string;
  /** Markdown. */
  tooltip: string;
}

const STATUS_ICONS: Record<Session['status'], string> = {
  scheduled: 'calendar',
  attended: 'pass',
  noShow: 'circle-slash',
  canceled: 'close',
};

const STATUS_WORDS: Record<Session['status'], string> = {
  scheduled: 'scheduled',
  attended: 'attended',
  noShow: 'no-show',
  canceled: 'cancelled',
};

/** Payment shown by the icon's color: what needs money is yellow, what failed red, what is paid green. */
const PAYMENT_COLORS: Record<Session['payment'], string | undefined> = {
  none: undefined,
  unpaid: 'charts.yellow',
  invoiced: 'charts.blue',
  paid: 'charts.green',
  failed: 'charts.red',
  refunded: 'charts.purple',
};

/** What a charge may be asked for: attended, with a fee, not invoiced, paid or refunded yet. */
export function isChargeable(s: Session): boolean {
  return (
    s.status === 'attended' && hasFee(s) && (s.payment === 'none' || s.payment === 'unpaid' || s.payment === 'failed')
  );
}

/** What Refund Session applies to: a paid session (a partly refunded one stays paid). */
export function isRefundable(s: Session): boolean {
  return s.payment === 'paid';
}

/** What has (or may have) something in Stripe: Refresh Payment Status and Open in Stripe Dashboard. */
export function isBilled(s: Session): boolean {
  return s.payment === 'invoiced' || s.payment === 'failed' || s.payment === 'paid' || s.payment === 'refunded';
}

function hasFee(s: Session): boolean {
  return s.feeCents !== undefined && s.feeCents > 0;
}

const PAYMENT_WORDS: Record<Session['payment'], string> = {
  none: '',
  unpaid: 'unpaid',
  invoiced: 'invoiced',
  paid: 'paid',
  failed: 'payment failed',
  refunded: 'refunded',
};

export interface SessionItemOptions {
  /** Why the session is in Needs Attention, when it is shown there (every reason that holds). */
  reasons?: readonly NeedsAttention['reason'][];
  /** The editor's locale and time zone (undefined: the host's); tests fix them. */
  locale?: string;
  timeZone?: string;
}

export function sessionItemView(s: Session, options: SessionItemOptions = {}): SessionItemView {
  const when = formatWhen(s.start, options);
  const reasons = options.reasons ?? [];
  const notes = [
    reasons.includes('stillScheduled') ? 'still scheduled' : undefined,
    reasons.includes('noNote') ? 'no note' : undefined,
    s.status === 'noShow' || s.status === 'canceled' ? STATUS_WORDS[s.status] : undefined,
    paymentWords(s),
  ].filter((part): part is string => Boolean(part));
  return {
    label: s.clientName ?? s.subject,
    description: [when, ...notes].join(' · '),
    icon: STATUS_ICONS[s.status],
    iconColor: s.status === 'canceled' ? undefined : PAYMENT_COLORS[s.payment],
    contextValue: `session.${s.status}.${s.payment}${hasFee(s) ? '' : '.noFee'}`,
    tooltip: sessionTooltip(s, options),
  };
}

/** The money side in a word or two: "unpaid · €80.00"; nothing when the session carries no payment. */
function paymentWords(s: Session): string | undefined {
  const word = PAYMENT_WORDS[s.payment];
  if (!word) return undefined;
  return s.feeCents !== undefined ? `${word} ${formatFee(s.feeCents)}` : word;
}

export function formatFee(cents: number): string {
  return (cents / 100).toFixed(2);
}

function formatWhen(start: Date, options: SessionItemOptions): string {
  return start.toLocaleString(options.locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: options.timeZone,
  });
}

function sessionTooltip(s: Session, options: SessionItemOptions): string {
  const time = (d: Date) =>
    d.toLocaleTimeString(options.locale, { hour: '2-digit', minute: '2-digit', timeZone: options.timeZone });
  const day = s.start.toLocaleDateString(options.locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: options.timeZone,
  });
  const lines = [
    `**${escapeMarkdown(s.clientName ?? 'Unknown client')}**`,
    '',
    `${escapeMarkdown(day)}, ${time(s.start)}–${time(s.end)}`,
    '',
    `- Subject: ${escapeMarkdown(s.subject)}`,
    `- Status: ${STATUS_WORDS[s.status]}`,
    `- Payment: ${PAYMENT_WORDS[s.payment] || 'none'}${s.feeCents !== undefined ? ` (fee ${formatFee(s.feeCents)})` : ''}`,
  ];
  if (s.location) lines.push(`- Where: ${escapeMarkdown(s.location)}`);
  const reasons = options.reasons ?? [];
  if (reasons.includes('stillScheduled')) lines.push('', '_Past, still scheduled: mark it attended or a no-show._');
  if (reasons.includes('unpaid')) lines.push('', '_Attended and not paid._');
  const hint = PAYMENT_HINTS[s.payment];
  if (hint && s.status !== 'canceled') lines.push('', hint);
  if (isChargeable(s) && s.payment !== 'failed')
    lines.push('', '_Not charged yet: Charge Session sends the client a Stripe invoice._');
  if (reasons.includes('noNote')) lines.push('', '_Attended without a note: add one (Add Session Note)._');
  return lines.join('\n');
}

/** What the payment state means for the practitioner, and what to do next. */
const PAYMENT_HINTS: Partial<Record<Session['payment'], string>> = {
  invoiced: '_Invoiced in Stripe: waiting for the client to pay. Refresh Payment Status if a webhook was missed._',
  failed: '_The payment failed: look at the invoice in the Stripe Dashboard, or charge again to resend it._',
  refunded: '_Refunded in full._',
};

/** Client names and subjects are data: no character in them may turn into Markdown or a link. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
