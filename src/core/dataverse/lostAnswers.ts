// Writes whose answer may have been lost: the request left, the connection broke before the answer came, so
// the write may or may not have happened. These helpers decide from a read-back: whether a row holds what was
// sent, whether a failure could have hidden an applied write, and the error for when nobody can tell.
import { LifeCockpitError, TransientError } from '../errors';
import type { Row } from './types';

/** Failures after which the request may have reached Dataverse and run: the connection broke or timed out. */
export function mayHaveBeenApplied(error: unknown): error is LifeCockpitError {
  return error instanceof LifeCockpitError && (error.code === 'http.connectionFailed' || error.code === 'http.timeout');
}

/** The plain columns of a write body: annotations and `@odata.bind` lookups are not read back by these names. */
export function plainColumns(sent: Row): string[] {
  return Object.keys(sent).filter((key) => !key.includes('@'));
}

function sameValue(held: unknown, sent: unknown): boolean {
  if (held === sent) return true;
  if (held === null || sent === null || held === undefined || sent === undefined) return false;
  if (typeof sent === 'string' && typeof held === 'string') {
    // Date-times come back normalised ("…T10:00:00Z" for "…T10:00Z"), GUIDs lower-cased.
    const a = Date.parse(held);
    const b = Date.parse(sent);
    if (/^\d{4}-\d{2}-\d{2}/.test(sent) && !Number.isNaN(a) && a === b) return true;
    return held.toLowerCase() === sent.toLowerCase() && /^[0-9a-f-]{36}$/i.test(sent);
  }
  if (typeof held === 'number' || typeof sent === 'number') return Number(held) === Number(sent);
  return JSON.stringify(held) === JSON.stringify(sent);
}

/** Whether the row as read back holds every plain column value that was sent. */
export function rowHolds(row: Row, sent: Row): boolean {
  return plainColumns(sent).every((column) => column in row && sameValue(row[column], sent[column]));
}

/** The original failure, now known not to have taken effect: sending it again is safe. */
export function notApplied(error: LifeCockpitError, what: string): LifeCockpitError {
  error.message += ` Reading the row back shows ${what} did not take effect, so it is safe to try again.`;
  return error;
}

/** The answer was lost and the row could not be read back: say so, and say which row to look at. */
export function outcomeUnknown(what: string, row: string, cause: unknown): TransientError {
  return new TransientError(
    `The connection broke after ${what} was sent and it could not be read back, so whether it took effect is unknown. Check ${row} (lc dv get) before sending it again.`,
    { code: 'dataverse.outcomeUnknown', detail: { row }, cause },
  );
}
