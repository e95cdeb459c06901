// Which reminders a run takes on, read from the scheduled-message table: approved ones that are due (or
// the ones named), and those an earlier run left in sending. Each row keeps its ETag for the claim, and
// is given the mailbox that sends it (the row owner's, with several practitioners; else the profile's)
// and the message as it will leave (send-to-me mode sends to the practitioner, naming the client), through
// the channel its medium and the profile's mail channel name.
import type { ChannelId } from '../../channels';
import { filters, guid, type DataverseClient } from '../../dataverse';
import { ValidationError } from '../../errors';
import { MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS, type TableMapping } from '../../practice';
import { readRows, rowValue } from '../../sessions';
import { z } from 'zod';
import type { PlannedMessage, SenderDeps } from './types';

/** The row's channel column as read: e-mail when empty. */
export type RowMedium = keyof typeof MESSAGE_CHANNEL;

export interface DueRow {
  id: string;
  etag: string | undefined;
  status: 'approved' | 'sending';
  kind: 'reminder' | 'followUp';
  medium: RowMedium;
  email: string | undefined;
  /** The client's phone (E.164), for an SMS. */
  phone: string | undefined;
  clientName: string | undefined;
  subject: string;
  text: string;
  scheduledTime: Date;
  attempts: number;
  graphMessageId: string | undefined;
  /** When the first `/send` (Graph) or hand-over (another channel) began, written before it. */
  firstAttempt: Date | undefined;
  sendClaim: string | undefined;
  /** The service's last delivery report, when one came. */
  deliveryStatus: string | undefined;
  ownerId: string | undefined;
  sessionId: string | undefined;
}

export interface DueQuery {
  now: Date;
  reminderIds?: readonly string[];
  signal?: AbortSignal;
}

type RowDeps = Pick<SenderDeps, 'dataverse' | 'tables'>;

function dueFilter(tables: TableMapping, query: DueQuery) {
  const c = tables.scheduledMessage.columns;
  const sending = filters.eq(c.status, MESSAGE_STATUS.sending);
  const approved = filters.eq(c.status, MESSAGE_STATUS.approved);
  if (query.reminderIds) {
    // Send Now: the named reminders whether due or not, but only approved ones (or ones left in sending).
    const named = filters.oneOf(
      tables.scheduledMessage.primaryId,
      query.reminderIds.map((id) => guid(id)),
    );
    return filters.and(named, filters.or(approved, sending));
  }
  return filters.or(filters.and(approved, filters.onOrBefore(c.scheduledTime, query.now)), sending);
}

function rowColumns(tables: TableMapping) {
  const c = tables.scheduledMessage.columns;
  return {
    [c.status]: rowValue.choice,
    [c.kind]: rowValue.choice,
    [c.channel]: rowValue.choice,
    [c.email]: rowValue.text,
    [c.phone]: rowValue.text,
    [c.clientName]: rowValue.text,
    [c.subject]: rowValue.text,
    [c.text]: rowValue.text,
    [c.scheduledTime]: rowValue.dateTime,
    [c.attempts]: rowValue.number,
    [c.graphMessageId]: rowValue.text,
    [c.sendClaim]: rowValue.text,
    [c.firstAttempt]: rowValue.dateTime.nullish(),
    [c.deliveryStatus]: rowValue.text,
    [`_${c.session}_value`]: rowValue.text,
    _ownerid_value: rowValue.text,
  };
}

function dueRowFrom(row: Record<string, unknown>, tables: TableMapping): DueRow {
  const c = tables.scheduledMessage.columns;
  const text = (key: string): string | undefined => (typeof row[key] === 'string' ? (row[key] as string) : undefined);
  return {
    id: String(row[tables.scheduledMessage.primaryId]),
    etag: text('@odata.etag'),
    status: row[c.status] === MESSAGE_STATUS.sending ? 'sending' : 'approved',
    kind: row[c.kind] === MESSAGE_KIND.followUp ? 'followUp' : 'reminder',
    medium: mediumOf(row[c.channel]),
    email: text(c.email)?.trim() || undefined,
    phone: text(c.phone)?.trim() || undefined,
    clientName: text(c.clientName),
    subject: text(c.subject) ?? '',
    text: text(c.text) ?? '',
    scheduledTime: new Date(String(row[c.scheduledTime])),
    attempts: typeof row[c.attempts] === 'number' ? (row[c.attempts] as number) : 0,
    graphMessageId: text(c.graphMessageId) || undefined,
    sendClaim: text(c.sendClaim) || undefined,
    firstAttempt: text(c.firstAttempt) ? new Date(text(c.firstAttempt) as string) : undefined,
    deliveryStatus: text(c.deliveryStatus) || undefined,
    ownerId: text('_ownerid_value'),
    sessionId: text(`_${c.session}_value`),
  };
}

function mediumOf(value: unknown): RowMedium {
  const found = Object.entries(MESSAGE_CHANNEL).find(([, choice]) => choice === value)?.[0] as RowMedium | undefined;
  return found ?? 'email';
}

/** The rows a run takes on, in scheduled order, on every channel (each reminder's own route decides). */
export async function loadDueRows(deps: RowDeps, query: DueQuery): Promise<DueRow[]> {
  const { tables } = deps;
  const c = tables.scheduledMessage.columns;
  return readRows(
    deps.dataverse,
    {
      what: 'reminder',
      table: tables.scheduledMessage,
      filter: () => dueFilter(tables, query),
      orderBy: c.scheduledTime,
      columns: rowColumns(tables),
      map: (row) => dueRowFrom(row, tables),
    },
    query.signal,
  );
}

/**
 * The channel a row leaves through: an SMS through ACS, an e-mail through the profile's mail channel.
 * Telegram and WhatsApp have no channel: undefined. (A row left in sending is recovered through the channel
 * the profile names now; README asks to switch the mail channel only when nothing is left in sending.)
 */
export function channelOf(profile: SenderDeps['profile'], row: DueRow): ChannelId | undefined {
  if (row.medium === 'sms') return 'acsSms';
  if (row.medium !== 'email') return undefined;
  return profile.mailChannel ?? 'graph';
}

const systemUser = z.looseObject({
  systemuserid: z.string(),
  internalemailaddress: z.string().nullish(),
  applicationid: z.string().nullish(),
});

/** The mailbox of each owner that is a person with one; application users and unknown owners have none. */
async function ownerMailboxes(
  dataverse: DataverseClient,
  ownerIds: string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const mailboxes = new Map<string, string>();
  if (ownerIds.length === 0) return mailboxes;
  const users = await dataverse.list('systemusers', {
    select: ['systemuserid', 'internalemailaddress', 'applicationid'],
    filter: filters.oneOf(
      'systemuserid',
      ownerIds.map((id) => guid(id)),
    ),
    signal,
  });
  for (const raw of users) {
    const user = systemUser.safeParse(raw);
    if (!user.success || user.data.applicationid || !user.data.internalemailaddress) continue;
    mailboxes.set(user.data.systemuserid.toLowerCase(), user.data.internalemailaddress);
  }
  return mailboxes;
}

export interface MailboxedRow {
  row: DueRow;
  mailbox: string | undefined;
}

/** Gives each row the mailbox that sends it: its owner's, else the profile's. */
export async function withMailboxes(
  deps: Pick<SenderDeps, 'dataverse' | 'profile'>,
  rows: DueRow[],
  signal?: AbortSignal,
): Promise<MailboxedRow[]> {
  const ownerIds = [...new Set(rows.flatMap((row) => (row.ownerId ? [row.ownerId.toLowerCase()] : [])))];
  const owners = await ownerMailboxes(deps.dataverse, ownerIds, signal);
  return rows.map((row) => ({
    row,
    mailbox: (row.ownerId && owners.get(row.ownerId.toLowerCase())) || deps.profile.mailbox,
  }));
}

export function sameMailbox(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The message as it will leave: to the client, or in send-to-me mode to the practitioner, naming the client. */
export function plannedMessage(
  profile: SenderDeps['profile'],
  { row, mailbox }: MailboxedRow,
  channel: ChannelId,
): PlannedMessage {
  const toSelf = profile.sendToSelf === true;
  if (row.medium === 'sms') return plannedSms(profile, { row, mailbox }, channel);
  const realRecipient =
    row.clientName && row.email ? `${row.clientName} <${row.email}>` : (row.email ?? '(no address)');
  return {
    reminderId: row.id,
    kind: row.kind,
    mailbox: mailbox ?? '',
    channel,
    recipient: (toSelf ? (profile.mailbox ?? mailbox) : row.email) ?? '',
    clientEmail: row.email,
    clientName: row.clientName,
    subject: toSelf ? `[Test, for ${realRecipient}] ${row.subject}` : row.subject,
    body: row.text,
    sessionId: row.sessionId,
    scheduledTime: row.scheduledTime,
    state: row.status === 'sending' ? 'recovering' : 'due',
  };
}

/** An SMS: to the client's phone, or in send-to-me mode to the practitioner's own phone, the text naming the client. */
function plannedSms(
  profile: SenderDeps['profile'],
  { row, mailbox }: MailboxedRow,
  channel: ChannelId,
): PlannedMessage {
  const toSelf = profile.sendToSelf === true;
  const realRecipient = [row.clientName, row.phone ?? '(no phone)'].filter(Boolean).join(' ');
  return {
    reminderId: row.id,
    kind: row.kind,
    mailbox: mailbox ?? '',
    channel,
    recipient: (toSelf ? profile.selfPhone : row.phone) ?? '',
    clientEmail: row.email,
    clientName: row.clientName,
    subject: '',
    body: toSelf ? `[Test, for ${realRecipient}] ${row.text}` : row.text,
    sessionId: row.sessionId,
    scheduledTime: row.scheduledTime,
    state: row.status === 'sending' ? 'recovering' : 'due',
  };
}

/** Why this message cannot leave at all (no sender mailbox, no recipient), or undefined. */
export function unsendableBecause(message: PlannedMessage): ValidationError | undefined {
  if (message.mailbox === '') {
    return new ValidationError(
      `Reminder ${message.reminderId} has no mailbox to send from: set the profile's mailbox (lifeCockpit.profiles[].mailbox or LC_MAILBOX).`,
      { code: 'reminders.noMailbox', detail: { reminderId: message.reminderId } },
    );
  }
  if (message.recipient === '') {
    return new ValidationError(`Reminder ${message.reminderId} has no e-mail address to send to.`, {
      code: 'reminders.noRecipient',
      detail: { reminderId: message.reminderId },
    });
  }
  return undefined;
}

/**
 * The dry run: every message that would leave now (and those left in sending, to be looked up first); with
 * `reminderIds`, only those of them that a send of just these (Send Now) would take, due or not.
 */
export async function planDueReminders(
  deps: Pick<SenderDeps, 'dataverse' | 'tables' | 'clock' | 'profile' | 'log'>,
  options: { now?: Date; mailbox?: string; reminderIds?: readonly string[] } = {},
): Promise<PlannedMessage[]> {
  const now = options.now ?? new Date(deps.clock.now());
  const query = options.reminderIds ? { now, reminderIds: options.reminderIds } : { now };
  const rows = await withMailboxes(deps, await loadDueRows(deps, query));
  return rows
    .filter((entry) => options.mailbox === undefined || sameMailbox(entry.mailbox, options.mailbox))
    .flatMap((entry) => {
      const channel = channelOf(deps.profile, entry.row);
      return channel === undefined ? [] : [plannedMessage(deps.profile, entry, channel)];
    });
}
