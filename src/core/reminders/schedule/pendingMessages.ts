// Changes to a session's messages that nobody has started sending (draft or approved): moving one to a new
// time, cancelling one. Each write names the ETag the row was read with; when the row changed meanwhile it is
// read again: still pending (someone approved or edited it), the change is made over that version; claimed or
// sent by the sender, it is left alone and reported, because what is leaving cannot be called back.
import type { Row } from '../../dataverse';
import { ConflictError } from '../../errors';
import { MESSAGE_STATUS, type TableMapping } from '../../practice';
import type { Reminder } from '../reminder';
import { isPending, readMessage, type PracticeRecords, type StoredMessage } from './messageRows';

export type PendingChange = 'changed' | 'unchanged' | 'leftAlone';

export async function changePending(
  dv: PracticeRecords,
  tables: TableMapping,
  stored: StoredMessage,
  change: Row,
  signal?: AbortSignal,
): Promise<{ outcome: PendingChange; reminder: Reminder }> {
  let current = stored;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!isPending(current.reminder)) return { outcome: 'leftAlone', reminder: current.reminder };
    try {
      await dv.update(tables.scheduledMessage.entitySet, current.reminder.id, change, {
        ...(current.etag === undefined ? {} : { ifMatch: current.etag }),
        signal,
      });
      return { outcome: 'changed', reminder: current.reminder };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      current = await readMessage(dv, tables, current.reminder.id, signal);
    }
  }
  throw new ConflictError(
    `The message ${current.reminder.id} keeps changing under this action. Look at it and try again.`,
    { code: 'reminders.changed', detail: { reminderId: current.reminder.id } },
  );
}

export interface PendingOutcomes {
  /** Rows this action changed. */
  changed: Reminder[];
  /** Rows no longer pending when the action reached them (being sent, sent): left as they are. */
  leftAlone: Reminder[];
}

/** Cancels each pending row; rows the sender has taken meanwhile are left alone and reported. */
export async function cancelPending(
  dv: PracticeRecords,
  tables: TableMapping,
  messages: readonly StoredMessage[],
  signal?: AbortSignal,
): Promise<PendingOutcomes> {
  const outcomes: PendingOutcomes = { changed: [], leftAlone: [] };
  const change = { [tables.scheduledMessage.columns.status]: MESSAGE_STATUS.cancelled };
  for (const stored of messages) {
    if (!isPending(stored.reminder)) continue;
    const { outcome, reminder } = await changePending(dv, tables, stored, change, signal);
    if (outcome === 'changed') outcomes.changed.push({ ...reminder, status: 'cancelled' });
    else if (outcome === 'leftAlone') outcomes.leftAlone.push(reminder);
  }
  return outcomes;
}
