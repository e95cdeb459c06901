// The reminder row as the sender changes it. The claim is a conditional write (If-Match on the row's
// ETag) that sets the row to sending with a claim naming this host, process and time plus a random part,
// so two senders never both hold it, and a write read back after a lost answer is known to be ours.
// A row left in sending is taken over only when its claim is stale: the claiming process on this host
// is gone, or the claim is older than the lease (a sender elsewhere cannot be asked).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../../clock';
import { bind } from '../../dataverse';
import { ConflictError } from '../../errors';
import { MESSAGE_STATUS } from '../../practice';
import { stableUuid } from './stableUuid';
import type { SenderDeps } from './types';

export const DEFAULT_CLAIM_LEASE_MS = 10 * 60_000;

export interface Claim {
  host: string;
  pid: number;
  at: number;
  token: string;
}

export function newClaim(clock: Clock): Claim {
  return { host: hostname(), pid: process.pid, at: clock.now(), token: randomUUID() };
}

export function claimText(claim: Claim): string {
  return `${claim.host}|${claim.pid}|${new Date(claim.at).toISOString()}|${claim.token}`;
}

export function parseClaim(text: string | undefined): Claim | undefined {
  const [host, pid, at, token] = (text ?? '').split('|');
  const when = Date.parse(at ?? '');
  if (!host || !pid || !token || !/^\d+$/.test(pid) || Number.isNaN(when)) return undefined;
  return { host, pid: Number(pid), at: when, token };
}

/** Whether a process of this host still runs (signal 0 asks without signalling; EPERM means it exists). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A claim nobody holds any more: none or unreadable, its process on this host gone, or past its lease. */
export function claimIsStale(text: string | undefined, clock: Clock, leaseMs: number): boolean {
  const claim = parseClaim(text);
  if (!claim) return true;
  if (claim.host === hostname() && claim.pid !== process.pid && !processRuns(claim.pid)) return true;
  return clock.now() - claim.at >= leaseMs;
}

type RowDeps = Pick<SenderDeps, 'dataverse' | 'tables' | 'clock'>;

function rowOf(deps: RowDeps) {
  const table = deps.tables.scheduledMessage;
  return { table, c: table.columns };
}

/** Sets the row to sending under this claim if it is still as read; false when someone changed it first. */
export async function claimRow(deps: RowDeps, id: string, etag: string, claim: Claim, signal?: AbortSignal) {
  const { table, c } = rowOf(deps);
  try {
    await deps.dataverse.update(
      table.entitySet,
      id,
      { [c.status]: MESSAGE_STATUS.sending, [c.sendClaim]: claimText(claim) },
      { ifMatch: etag, signal },
    );
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

export async function recordMessageId(deps: RowDeps, id: string, messageId: string, signal?: AbortSignal) {
  const { table, c } = rowOf(deps);
  await deps.dataverse.update(table.entitySet, id, { [c.graphMessageId]: messageId }, { ifMatch: '*', signal });
}

export async function recordSent(deps: RowDeps, id: string, signal?: AbortSignal) {
  const { table, c } = rowOf(deps);
  await deps.dataverse.update(
    table.entitySet,
    id,
    {
      [c.status]: MESSAGE_STATUS.sent,
      [c.sent]: true,
      [c.sentTime]: new Date(deps.clock.now()).toISOString(),
      [c.sendClaim]: null,
      [c.lastError]: null,
    },
    { ifMatch: '*', signal },
  );
}

/** Written just before the first `/send`: from then on a copy still in Drafts may already be submitted. */
export async function recordFirstAttempt(deps: RowDeps, id: string, at: number, signal?: AbortSignal) {
  const { table, c } = rowOf(deps);
  await deps.dataverse.update(
    table.entitySet,
    id,
    { [c.firstAttempt]: new Date(at).toISOString() },
    { ifMatch: '*', signal },
  );
}

/** A failed try: counted, its error kept, and the claim renewed while the sender waits to try again. */
export async function recordAttempt(deps: RowDeps, id: string, attempts: number, lastError: string, claim: Claim) {
  const { table, c } = rowOf(deps);
  claim.at = deps.clock.now();
  await deps.dataverse.update(
    table.entitySet,
    id,
    { [c.attempts]: attempts, [c.lastError]: lastError, [c.sendClaim]: claimText(claim) },
    { ifMatch: '*' },
  );
}

export async function recordFailed(deps: RowDeps, id: string, attempts: number, lastError: string) {
  const { table, c } = rowOf(deps);
  await deps.dataverse.update(
    table.entitySet,
    id,
    {
      [c.status]: MESSAGE_STATUS.failed,
      [c.attempts]: attempts,
      [c.lastError]: lastError,
      [c.sendClaim]: null,
    },
    { ifMatch: '*' },
  );
}

/**
 * Lets go of the row: back to approved when nothing may have reached Graph yet, otherwise left in sending
 * without a claim, so the next run looks its message up at once (and never sends it twice).
 */
export async function releaseRow(
  deps: RowDeps,
  id: string,
  backToApproved: boolean,
  lastError?: string,
  /** Also forget the first attempt: none of this message's hand-overs began. */
  clearFirstAttempt = false,
) {
  const { table, c } = rowOf(deps);
  await deps.dataverse.update(
    table.entitySet,
    id,
    {
      ...(backToApproved ? { [c.status]: MESSAGE_STATUS.approved } : {}),
      ...(clearFirstAttempt ? { [c.firstAttempt]: null } : {}),
      ...(lastError === undefined ? {} : { [c.lastError]: lastError }),
      [c.sendClaim]: null,
    },
    { ifMatch: '*' },
  );
}

/**
 * The message may have reached the service, which cannot be asked: the reminder waits for a person, who
 * marks it sent or sends it again. The claim goes, so no sender takes it up on its own.
 */
export async function recordNeedsCheck(deps: RowDeps, id: string, attempts: number, reason: string) {
  const { table, c } = rowOf(deps);
  await deps.dataverse.update(
    table.entitySet,
    id,
    { [c.status]: MESSAGE_STATUS.needsCheck, [c.attempts]: attempts, [c.lastError]: reason, [c.sendClaim]: null },
    { ifMatch: '*' },
  );
}

/** What the row records now of a hand-over: the service's message id and its delivery report (the webhook writes them). */
export async function readRecordedHandOver(
  deps: RowDeps,
  id: string,
  signal?: AbortSignal,
): Promise<{ messageId: string | undefined; deliveryStatus: string | undefined }> {
  const { table, c } = rowOf(deps);
  const { row } = await deps.dataverse.get(table.entitySet, id, {
    select: [c.graphMessageId, c.deliveryStatus],
    ...(signal ? { signal } : {}),
  });
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return { messageId: text(row[c.graphMessageId]), deliveryStatus: text(row[c.deliveryStatus]) };
}

export interface LoggedSend {
  reminderId: string;
  recipient: string;
  subject: string;
  messageId: string;
}

/**
 * The message-log row of a send. Its id follows from the reminder and the message, so writing it again
 * after a crash meets the row already there (412 DuplicateRecord) instead of logging the send twice.
 */
export async function logSend(deps: RowDeps, sent: LoggedSend, signal?: AbortSignal) {
  const log = deps.tables.messageLog;
  const c = log.columns;
  const scheduled = deps.tables.scheduledMessage;
  try {
    await deps.dataverse.create(
      log.entitySet,
      {
        [log.primaryId]: stableUuid(`message-log:${sent.reminderId}:${sent.messageId}`),
        [log.primaryName]: sent.subject.slice(0, 200),
        [c.recipient]: sent.recipient.slice(0, 200),
        [c.subject]: sent.subject.slice(0, 400),
        [c.sentAt]: new Date(deps.clock.now()).toISOString(),
        [c.outcome]: 'sent',
        [c.graphMessageId]: sent.messageId,
        ...bind(c.scheduledMessageNav, scheduled.entitySet, sent.reminderId),
      },
      signal,
    );
  } catch (error) {
    if (error instanceof ConflictError) return;
    throw error;
  }
}
