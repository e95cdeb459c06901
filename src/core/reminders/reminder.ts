// A reminder or follow-up as the product sees it: a scheduled-message row read through the table
// mapping, and grouped as the practitioner acts on them (due now, needs approval, scheduled, …).
import { filters } from '../dataverse';
import { MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS, type TableMapping } from '../practice';
import { rowValue, tableLoader } from '../sessions';

export type ReminderStatus = keyof typeof MESSAGE_STATUS;
/** The medium a reminder goes by (the row's channel column; e-mail when empty). */
export type ReminderChannel = keyof typeof MESSAGE_CHANNEL;

export interface Reminder {
  id: string;
  kind: 'reminder' | 'followUp';
  status: ReminderStatus;
  clientName: string | undefined;
  email: string | undefined;
  subject: string;
  scheduledTime: Date;
  sentTime: Date | undefined;
  attempts: number;
  lastError: string | undefined;
  sessionId: string | undefined;
  /** E-mail when absent. */
  channel?: ReminderChannel;
  /** The client's phone, for an SMS. */
  phone?: string | undefined;
  /** The service's last delivery report (an SMS's), when one came. */
  deliveryStatus?: string | undefined;
}

/** The columns reminderFromRow reads (the primary id aside), with the types the Web API writes them in. */
export function reminderRowColumns(tables: TableMapping) {
  const c = tables.scheduledMessage.columns;
  return {
    [c.clientName]: rowValue.text,
    [c.email]: rowValue.text,
    [c.status]: rowValue.choice,
    [c.kind]: rowValue.choice,
    [c.subject]: rowValue.text,
    [c.scheduledTime]: rowValue.dateTime,
    [c.sentTime]: rowValue.dateTime.nullish(),
    [c.attempts]: rowValue.choice,
    [c.lastError]: rowValue.text,
    [`_${c.session}_value`]: rowValue.text,
    [c.channel]: rowValue.choice,
    [c.phone]: rowValue.text,
    [c.deliveryStatus]: rowValue.text,
  };
}

export function reminderFromRow(row: Record<string, unknown>, tables: TableMapping): Reminder {
  const c = tables.scheduledMessage.columns;
  const status = Object.entries(MESSAGE_STATUS).find(([, v]) => v === row[c.status])?.[0] as ReminderStatus | undefined;
  const text = (key: string) => (typeof row[key] === 'string' ? (row[key] as string) : undefined);
  return {
    id: String(row[tables.scheduledMessage.primaryId]),
    kind: row[c.kind] === MESSAGE_KIND.followUp ? 'followUp' : 'reminder',
    status: status ?? 'draft',
    clientName: text(c.clientName),
    email: text(c.email),
    subject: text(c.subject) ?? '',
    scheduledTime: new Date(String(row[c.scheduledTime])),
    sentTime: text(c.sentTime) ? new Date(text(c.sentTime) as string) : undefined,
    attempts: typeof row[c.attempts] === 'number' ? (row[c.attempts] as number) : 0,
    lastError: text(c.lastError),
    sessionId: text(`_${c.session}_value`),
    channel: channelFromRow(row[c.channel]),
    phone: text(c.phone) || undefined,
    deliveryStatus: text(c.deliveryStatus) || undefined,
  };
}

/** What a reminder is called in a sentence: "follow-up" or "reminder". */
export function kindWord(r: Pick<Reminder, 'kind'>): string {
  return r.kind === 'followUp' ? 'follow-up' : 'reminder';
}

/** Where the row says the reminder goes: the client's phone for an SMS, the address for an e-mail. */
export function contactOf(r: Pick<Reminder, 'channel' | 'phone' | 'email'>): string {
  return (r.channel === 'sms' ? r.phone : r.email) ?? (r.channel === 'sms' ? 'no phone number' : 'no address');
}

export function channelFromRow(value: unknown): ReminderChannel {
  const found = Object.entries(MESSAGE_CHANNEL).find(([, v]) => v === value)?.[0] as ReminderChannel | undefined;
  return found ?? 'email';
}

export type ReminderGroupName = 'dueNow' | 'needsCheck' | 'needsApproval' | 'scheduled' | 'failed' | 'sent';
/** The groups the Reminders view and `lc reminders status` show, in their order. */
export const REMINDER_VIEW_GROUP_ORDER: readonly ReminderGroupName[] = [
  'dueNow',
  'needsCheck',
  'needsApproval',
  'scheduled',
  'failed',
  'sent',
];

/** What a person reads for each group, in the editor's tree and in `lc reminders status` alike. */
export const REMINDER_GROUP_TITLES: Readonly<Record<ReminderGroupName, string>> = {
  dueNow: 'Due Now',
  needsCheck: 'Needs a Check',
  needsApproval: 'Needs Approval',
  scheduled: 'Scheduled',
  failed: 'Failed',
  sent: 'Sent (recent)',
};

/** How many sent reminders "Sent (recent)" shows. */
export const SENT_RECENT = 50;

/** Due = approved, scheduled at or before now, not sent (as the practice defined it). */
export function groupReminders(reminders: readonly Reminder[], now: Date): Record<ReminderGroupName, Reminder[]> {
  const groups: Record<ReminderGroupName, Reminder[]> = {
    dueNow: [],
    needsCheck: [],
    needsApproval: [],
    scheduled: [],
    failed: [],
    sent: [],
  };
  for (const r of reminders) {
    if (r.status === 'approved' && r.scheduledTime.getTime() <= now.getTime()) groups.dueNow.push(r);
    else if (r.status === 'approved' || r.status === 'sending') groups.scheduled.push(r);
    else if (r.status === 'draft') groups.needsApproval.push(r);
    else if (r.status === 'failed') groups.failed.push(r);
    else if (r.status === 'needsCheck') groups.needsCheck.push(r);
    else if (r.status === 'sent') groups.sent.push(r);
  }
  const byTime = (a: Reminder, b: Reminder) => a.scheduledTime.getTime() - b.scheduledTime.getTime();
  for (const name of REMINDER_VIEW_GROUP_ORDER) groups[name].sort(byTime);
  // Sent (recent) is what left last, newest first: a reminder due a week ago and retried just now is on top.
  const sentAt = (r: Reminder) => (r.sentTime ?? r.scheduledTime).getTime();
  groups.sent.sort((a, b) => sentAt(b) - sentAt(a) || b.scheduledTime.getTime() - a.scheduledTime.getTime());
  groups.sent.splice(SENT_RECENT);
  return groups;
}

/** The reminders scheduled from two weeks ago onwards. */
export const loadReminders = tableLoader<Reminder>((tables, now) => {
  const scheduledTime = tables.scheduledMessage.columns.scheduledTime;
  return {
    what: 'reminder',
    table: tables.scheduledMessage,
    filter: () => filters.onOrAfter(scheduledTime, new Date(now.getTime() - 14 * 86_400_000)),
    orderBy: scheduledTime,
    columns: reminderRowColumns(tables),
    map: (row) => reminderFromRow(row, tables),
  };
});
