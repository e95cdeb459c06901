// Creates, conditional updates and deletes made safe to send again. A create carries the row's own id (the
// Web API accepts a primary key value on create), so a second send meets 412 DuplicateRecord instead of making
// a second row; a retried conditional update that meets 412 checks whether the row already holds what was sent;
// a retried delete that meets 404 has succeeded; and when the connection broke after sending, a read-back
// decides, or the error says the outcome is unknown.
import { randomUUID } from 'node:crypto';
import type { HttpResponse } from '../http';
import { NotFoundError, ValidationError, type LifeCockpitError } from '../errors';
import { entityIdOf } from './batchFormat';
import type { ErrorContext } from './errors';
import { normalizeGuid } from './filter';
import { mayHaveBeenApplied, notApplied, outcomeUnknown, plainColumns, rowHolds } from './lostAnswers';
import { collectionPath, recordPath } from './queryText';
import type { CallOptions, DataverseTransport } from './transport';
import type { BatchOperation, Row, WriteOptions } from './types';

/** What the writes need from the client: the transport, a way to read a row, and who changed it. */
export interface WriteContext {
  transport: DataverseTransport;
  /** The row with these columns, or undefined when it does not exist. */
  readRow(entitySet: string, id: string, select: string[], signal?: AbortSignal): Promise<Row | undefined>;
  /** Who changed the row and when, for a ConflictError. */
  changedBy(entitySet: string, id: string): Promise<Partial<ErrorContext>>;
}

async function sendOrReadBack<T>(
  ctx: WriteContext,
  call: CallOptions,
  onAnswer: (response: HttpResponse) => Promise<T>,
  readBack: () => Promise<T | undefined>,
  row: string,
): Promise<T> {
  let response: HttpResponse;
  try {
    response = await ctx.transport.send(call);
  } catch (error) {
    if (!mayHaveBeenApplied(error)) throw error;
    let outcome: T | undefined;
    try {
      outcome = await readBack();
    } catch (readError) {
      ctx.transport.log.debug('could not read a row back after a lost answer', { row, error: readError });
      throw outcomeUnknown(call.operation, row, error);
    }
    if (outcome !== undefined) return outcome;
    throw notApplied(error as LifeCockpitError, call.operation);
  }
  return onAnswer(response);
}

async function succeeded(response: HttpResponse): Promise<boolean> {
  if (response.status < 200 || response.status > 299) return false;
  await response.bytes(); // drain, so the pooled connection is reusable
  return true;
}

/** Creates a row under an id of its own (given in the body, or made here) and returns the id. */
export async function createRow(
  ctx: WriteContext,
  entitySet: string,
  primaryId: string,
  body: Row,
  signal?: AbortSignal,
): Promise<string> {
  const given = typeof body[primaryId] === 'string' ? normalizeGuid(body[primaryId]) : undefined;
  const id = given ?? randomUUID();
  const row = recordPath(entitySet, id);
  const sent = { ...body, [primaryId]: id };
  // A fresh id can only be ours; a given one is ours only when the row holds what we sent.
  const isOurs = async (): Promise<boolean> => {
    const held = await ctx.readRow(entitySet, id, [primaryId, ...plainColumns(body)], signal);
    return held !== undefined && (given === undefined || rowHolds(held, sent));
  };
  const operation = `creating ${row}`;
  return sendOrReadBack(
    ctx,
    // The id in the body makes a second send meet 412 DuplicateRecord, never a second row: safe to retry.
    { method: 'POST', path: collectionPath(entitySet, ''), operation, body: sent, signal, idempotent: true },
    async (response) => {
      if (await succeeded(response)) {
        return entityIdOf(response.headers['odata-entityid'] ?? response.headers['location']) ?? id;
      }
      // A retry met the row our lost first attempt made (Dataverse answers DuplicateRecord): it is ours.
      if (response.status >= 400 && response.status < 500 && response.attempts > 1 && (await isOurs())) return id;
      throw await ctx.transport.errorFrom(response, { operation });
    },
    async () => ((await isOurs()) ? id : undefined),
    row,
  );
}

/** Changes columns of a row under If-Match (an ETag, or `*` so the PATCH cannot create). */
export async function updateRow(
  ctx: WriteContext,
  entitySet: string,
  id: string,
  body: Row,
  options: WriteOptions,
): Promise<void> {
  const row = recordPath(entitySet, id);
  const operation = `updating ${row}`;
  const holdsSent = async (): Promise<boolean> => {
    const held = await ctx.readRow(entitySet, id, plainColumns(body), options.signal);
    return held !== undefined && rowHolds(held, body);
  };
  const conditional = options.ifMatch !== undefined && options.ifMatch !== '*';
  await sendOrReadBack(
    ctx,
    {
      method: 'PATCH',
      path: row,
      operation,
      body,
      headers: { 'If-Match': options.ifMatch ?? '*' },
      signal: options.signal,
    },
    async (response) => {
      if (await succeeded(response)) return true;
      // Our own first attempt may have changed the row's version: then the row holds what we sent.
      if (response.status === 412 && response.attempts > 1 && conditional && (await holdsSent())) return true;
      const context: ErrorContext = { operation };
      if (response.status === 412 && conditional) Object.assign(context, await ctx.changedBy(entitySet, id));
      throw await ctx.transport.errorFrom(response, context);
    },
    async () => ((await holdsSent()) ? true : undefined),
    row,
  );
}

/** Deletes a row (only at this ETag when one is given); a retry that finds it gone has succeeded. */
export async function deleteRow(
  ctx: WriteContext,
  entitySet: string,
  id: string,
  primaryId: string | undefined,
  options: WriteOptions,
): Promise<void> {
  const row = recordPath(entitySet, id);
  const operation = `deleting ${row}`;
  const gone = async (): Promise<boolean> =>
    (await ctx.readRow(entitySet, id, primaryId ? [primaryId] : [], options.signal)) === undefined;
  await sendOrReadBack(
    ctx,
    {
      method: 'DELETE',
      path: row,
      operation,
      headers: options.ifMatch ? { 'If-Match': options.ifMatch } : {},
      signal: options.signal,
    },
    async (response) => {
      if (await succeeded(response)) return true;
      if (response.status === 404 && response.attempts > 1) return true;
      const context: ErrorContext = { operation };
      if (response.status === 412 && options.ifMatch && options.ifMatch !== '*') {
        Object.assign(context, await ctx.changedBy(entitySet, id));
      }
      throw await ctx.transport.errorFrom(response, context);
    },
    async () => ((await gone()) ? true : undefined),
    row,
  );
}

/**
 * Whether a `$batch` write took effect, read back from its row: a create's row (by the id chosen for it) is
 * there, an update's row holds what was sent, a delete's row is gone. Anything else cannot be told: it throws.
 */
export async function batchOperationApplied(
  ctx: WriteContext,
  operation: BatchOperation,
  createdId: string | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
  const target = /^([A-Za-z_][A-Za-z0-9_]*)(?:\(([0-9a-fA-F-]{36})\))?$/.exec(operation.path);
  const [, entitySet, id] = target ?? [];
  if (entitySet && operation.method === 'POST' && !id && createdId) {
    return (await ctx.readRow(entitySet, createdId, [], signal)) !== undefined;
  }
  if (entitySet && id && operation.method === 'PATCH' && operation.body) {
    const held = await ctx.readRow(entitySet, id, plainColumns(operation.body), signal);
    return held !== undefined && rowHolds(held, operation.body);
  }
  if (entitySet && id && operation.method === 'DELETE') {
    return (await ctx.readRow(entitySet, id, [], signal)) === undefined;
  }
  throw new ValidationError(`Cannot tell from the rows whether ${operation.method} ${operation.path} took effect.`, {
    code: 'dataverse.cannotReadBack',
  });
}

export function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundError;
}
