// Scheduled-message rows as the actions read and write them: one row with its ETag (so a change can be
// made only if nobody changed the row since), a session's rows, the body of a new row, and a create that
// meets its own earlier row (same id) instead of failing or duplicating it.
import { bind, filters, type DataverseClient, type Row } from '../../dataverse';
import { ConflictError } from '../../errors';
import { MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS, type TableMapping } from '../../practice';
import { reminderFromRow, reminderRowColumns, type Reminder, type ReminderStatus } from '../reminder';

/** What the actions need of a Dataverse client: reads with their ETag, small lists, safe creates and updates. */
export type PracticeRecords = Pick<DataverseClient, 'get' | 'list' | 'create' | 'update'>;

/** A row as read, with the ETag a conditional write must name. */
export interface StoredMessage {
  reminder: Reminder;
  /** The body as stored (HTML from the templates, or whatever another tool wrote). */
  text: string | undefined;
  etag: string | undefined;
}

/** Statuses a row may still move from: nobody has started sending it. */
export const PENDING_STATUSES: readonly ReminderStatus[] = ['draft', 'approved'];

export function isPending(reminder: Pick<Reminder, 'status'>): boolean {
  return PENDING_STATUSES.includes(reminder.status);
}

function messageSelect(tables: TableMapping): string[] {
  const columns = Object.keys(reminderRowColumns(tables)).filter((name) => !name.includes('@'));
  return [tables.scheduledMessage.primaryId, ...columns, tables.scheduledMessage.columns.text];
}

function storedFrom(row: Row, tables: TableMapping): StoredMessage {
  const text = row[tables.scheduledMessage.columns.text];
  return {
    reminder: reminderFromRow(row, tables),
    text: typeof text === 'string' ? text : undefined,
    etag: typeof row['@odata.etag'] === 'string' ? row['@odata.etag'] : undefined,
  };
}

export async function readMessage(
  dv: PracticeRecords,
  tables: TableMapping,
  id: string,
  signal?: AbortSignal,
): Promise<StoredMessage> {
  const { row, etag } = await dv.get(tables.scheduledMessage.entitySet, id, { select: messageSelect(tables), signal });
  return { ...storedFrom(row, tables), etag };
}

/** Every scheduled message of one session (a handful: its reminders, a follow-up, a notice). */
export async function sessionMessages(
  dv: PracticeRecords,
  tables: TableMapping,
  sessionId: string,
  signal?: AbortSignal,
): Promise<StoredMessage[]> {
  const t = tables.scheduledMessage;
  const rows = await dv.list(t.entitySet, {
    select: messageSelect(tables),
    filter: filters.lookup(`_${t.columns.session}_value`, sessionId),
    orderBy: t.columns.scheduledTime,
    signal,
  });
  return rows.map((row) => storedFrom(row, tables));
}

/** A message to be written: what the templates rendered, for whom, when. */
export interface MessageDraft {
  id: string;
  kind: 'reminder' | 'followUp';
  status: 'draft' | 'approved';
  scheduledTime: Date;
  subject: string;
  /** HTML for e-mail, plain text for SMS, as renderMessage writes it. */
  text: string;
  clientId: string;
  clientName: string;
  email: string;
  /** The medium it is written for (its text is HTML for e-mail, plain text for SMS); e-mail when absent. */
  channel?: 'email' | 'sms';
  /** The client's phone (E.164), '' when the record has none. */
  phone?: string;
  sessionId: string;
  /** For a reminder: how long before the session it goes out. */
  leadMinutes?: number;
  /** The template that rendered it, for the log. */
  template: string;
}

/** The primary name column holds at most 200 characters in the practice's table. */
const NAME_LENGTH = 200;

export function messageRowBody(tables: TableMapping, draft: MessageDraft): Row {
  const t = tables.scheduledMessage;
  const c = t.columns;
  return {
    [t.primaryId]: draft.id,
    [t.primaryName]: (draft.subject || draft.text).slice(0, NAME_LENGTH),
    [c.clientName]: draft.clientName,
    [c.email]: draft.email,
    ...(draft.phone ? { [c.phone]: draft.phone } : {}),
    [c.status]: MESSAGE_STATUS[draft.status],
    [c.kind]: MESSAGE_KIND[draft.kind],
    [c.channel]: MESSAGE_CHANNEL[draft.channel ?? 'email'],
    [c.subject]: draft.subject,
    [c.text]: draft.text,
    [c.scheduledTime]: draft.scheduledTime.toISOString(),
    [c.sent]: false,
    [c.attempts]: 0,
    ...bind(c.sessionNav, tables.session.entitySet, draft.sessionId),
    ...bind(c.contactNav, tables.client.entitySet, draft.clientId),
  };
}

/**
 * Creates the row under the id in its body; false when a row with that id already exists. The ids are derived
 * from what the row is for (messageIds.ts), so an existing row is this one, made by an earlier run: it is left
 * as it is now (it may have been approved, edited or sent since).
 */
export async function createOnce(
  dv: PracticeRecords,
  entitySet: string,
  body: Row,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await dv.create(entitySet, body, signal);
    return true;
  } catch (error) {
    if (error instanceof ConflictError && error.code === 'dataverse.duplicateRecord') return false;
    throw error;
  }
}

/** The change that moves a row to `status` (and nothing else). */
export function statusChange(tables: TableMapping, status: ReminderStatus): Row {
  return { [tables.scheduledMessage.columns.status]: MESSAGE_STATUS[status] };
}
