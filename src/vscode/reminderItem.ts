// How one reminder reads in the Reminders view: label, description (a failed one names its error),
// icon, context value and tooltip, as plain values (no vscode import) so they are unit-tested. The tooltip of
// a reminder that leaves through SMS, SMTP or SendGrid says what a crash while handing it over leaves.
import { channelLabel, type ChannelId } from '../core/channels';
import type { Profile } from '../core/config';
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
  /** How the signed-in profile sends e-mail (Graph when absent). */
  mailChannel?: Profile['mailChannel'] | undefined;
}

/** The channel a reminder leaves through: SMS by ACS, e-mail by the profile's mail channel. */
export function reminderChannelOf(r: Reminder, mailChannel: Profile['mailChannel'] | undefined): ChannelId {
  if (r.channel === 'sms') return 'acsSms';
  return mailChannel ?? 'graph';
}

/** What a crash between handing the reminder over and recording it leaves, said plainly (types.ts AfterCrash). */
export function afterCrashText(channel: ChannelId): string | undefined {
  switch (channel) {
    case 'graph':
      return undefined; // reconciled from Sent Items: nothing for a person to do
    case 'acsSms':
      return 'If sending stops half-way (a crash, a lost answer), the next send within a few minutes is safe: ACS drops a repeat of the same SMS. After that it waits under Needs a Check for you to see whether it arrived.';
    case 'smtp':
    case 'sendgrid':
      return `If sending stops half-way (a crash, a lost answer), nobody can tell whether ${channelLabel(channel)} took it, so it is not sent again by itself: it waits under Needs a Check for you to see whether the client got it, then Mark as Sent or Send Again.`;
  }
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
  if (r.channel === 'sms') parts.push('SMS');
  if (r.status === 'needsCheck') parts.push('check whether it arrived');
  if (r.status === 'failed') parts.push(`failed: ${oneLine(r.lastError ?? 'no error recorded')}`);
  else if (r.status === 'sending') parts.push('sending');
  else if (r.lastError && r.attempts > 0) parts.push(`retrying (${r.attempts}): ${oneLine(r.lastError)}`);
  const due = r.status === 'approved' && r.scheduledTime.getTime() <= now.getTime();
  return {
    label: r.clientName ?? (r.channel === 'sms' ? r.phone : r.email) ?? 'Unknown client',
    description: parts.join(' · '),
    icon: ICONS[r.status],
    contextValue: due ? 'reminder.approved.due' : `reminder.${r.status}`,
    tooltip: reminderTooltip(r, options),
  };
}

function reminderTooltip(r: Reminder, options: ReminderItemOptions): string {
  const at = (d: Date) => d.toLocaleString(options.locale, { timeZone: options.timeZone });
  const channel = reminderChannelOf(r, options.mailChannel);
  const afterCrash = r.status === 'sent' || r.status === 'cancelled' ? undefined : afterCrashText(channel);
  return [
    `**${escapeMarkdown(r.subject || (r.channel === 'sms' ? '(SMS)' : '(no subject)'))}**`,
    '',
    r.channel === 'sms'
      ? `To: ${escapeMarkdown(r.phone ?? 'no phone number')}`
      : `To: ${escapeMarkdown(r.email ?? 'no address')}`,
    `Channel: ${channelLabel(channel)}`,
    `Status: ${r.status === 'needsCheck' ? 'needs a check (it may or may not have arrived)' : r.status}`,
    `Scheduled: ${at(r.scheduledTime)}`,
    r.sentTime ? `Sent: ${at(r.sentTime)}` : '',
    r.attempts ? `Attempts: ${r.attempts}` : '',
    r.lastError ? `Last error: ${escapeMarkdown(r.lastError)}` : '',
    r.deliveryStatus ? `Delivery report: ${escapeMarkdown(r.deliveryStatus)}` : '',
    afterCrash ? `\n${afterCrash}` : '',
  ]
    .filter(Boolean)
    .join('  \n');
}

/** Errors can carry line breaks and run long; a tree row shows one short line. */
function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
