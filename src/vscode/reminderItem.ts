// How one reminder reads in the Reminders view: label, description (a failed one names its error),
// icon, context value and tooltip, as plain values (no vscode import) so they are unit-tested.
import type { Reminder } from '../core/reminders';
import { escapeMarkdown } from './sessionItem';

export interface ReminderItemView {
  label: string;
  description: string;
  icon: string;
  /** `reminder.<status>`, and `reminder.approved.due` once due: package.json menus match it. */
  contextValue: string;
  tooltip: string;
}

const ICONS: Record<Reminder['status'], string> = {
  draft: 'edit',
  approved: 'mail',
  sending: 'loading~spin',
  sent: 'mail-read',
  failed: 'error',
  cancelled: 'circle-slash',
  needsCheck: 'question',
};

export interface ReminderItemOptions {
  locale?: string;
  timeZone?: string;
}

export function reminderItemView(r: Reminder, now: Date, options: ReminderItemOptions = {}): ReminderItemView {
  const when = r.scheduledTime.toLocaleString(options.locale, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: options.timeZone,
  });
  const parts = [r.kind === 'followUp' ? 'follow-up' : 'reminder', when];
  if (r.status === 'failed') parts.push(`failed: ${oneLine(r.lastError ?? 'no error recorded')}`);
  else if (r.status === 'sending') parts.push('sending');
  else if (r.lastError && r.attempts > 0) parts.push(`retrying (${r.attempts}): ${oneLine(r.lastError)}`);
  const due = r.status === 'approved' && r.scheduledTime.getTime() <= now.getTime();
  return {
    label: r.clientName ?? r.email ?? 'Unknown client',
    description: parts.join(' · '),
    icon: ICONS[r.status],
    contextValue: due ? 'reminder.approved.due' : `reminder.${r.status}`,
    tooltip: reminderTooltip(r, options),
  };
}

function reminderTooltip(r: Reminder, options: ReminderItemOptions): string {
  const at = (d: Date) => d.toLocaleString(options.locale, { timeZone: options.timeZone });
  return [
    `**${escapeMarkdown(r.subject || '(no subject)')}**`,
    '',
    `To: ${escapeMarkdown(r.email ?? 'no address')}`,
    `Status: ${r.status}`,
    `Scheduled: ${at(r.scheduledTime)}`,
    r.sentTime ? `Sent: ${at(r.sentTime)}` : '',
    r.attempts ? `Attempts: ${r.attempts}` : '',
    r.lastError ? `Last error: ${escapeMarkdown(r.lastError)}` : '',
  ]
    .filter(Boolean)
    .join('  \n');
}

/** Errors can carry line breaks and run long; a tree row shows one short line. */
function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
