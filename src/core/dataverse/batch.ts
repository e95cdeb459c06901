// Runs many operations through `$batch`: reads stand alone, consecutive writes form change sets (atomic:
// all or none), at most 1000 operations a request as the Web API allows, so a longer list becomes several
// requests whose change sets commit one after another. A failed change set becomes a typed error that names
// the operation that failed; without continueOnError it stops the run and is thrown.
import { CancelledError, ExternalServiceError, ValidationError, type LifeCockpitError } from '../errors';
import {
  buildBatch,
  entityIdOf,
  parseBatchResponse,
  type BatchItem,
  type HttpPart,
  type ResponseItem,
} from './batchFormat';
import { dataverseError } from './errors';
import { mayHaveBeenApplied, outcomeUnknown } from './lostAnswers';
import type { DataverseTransport } from './transport';
import type { BatchOperation, BatchOperationResult, BatchOptions } from './types';

/** execute-batch-operations-using-web-api: "Batch requests can contain up to 1000 individual requests". */
export const MAX_BATCH_OPERATIONS = 1000;

const GUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Splits operations into `$batch` requests of at most `limit` operations, writes grouped into change sets. */
export function planBatches(operations: readonly BatchOperation[], limit = MAX_BATCH_OPERATIONS): BatchItem[][] {
  const batches: BatchItem[][] = [];
  let items: BatchItem[] = [];
  let count = 0;
  operations.forEach((operation, index) => {
    if (count === limit) {
      batches.push(items);
      items = [];
      count = 0;
    }
    count++;
    // GET is not allowed inside a change set.
    if (operation.method === 'GET') {
      items.push({ kind: 'single', index, operation });
      return;
    }
    const last = items[items.length - 1];
    if (last?.kind === 'changeset') last.entries.push({ index, operation });
    else items.push({ kind: 'changeset', entries: [{ index, operation }] });
  });
  if (items.length > 0) batches.push(items);
  return batches;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // An inner answer that is not JSON (plain-text $count) is kept as text.
    return text;
  }
}

function describe(index: number, total: number, operation: BatchOperation): string {
  return `batch operation ${index + 1} of ${total} (${operation.method} ${operation.path})`;
}

/** Which operation of a failed change set failed: its Content-ID, else the one whose id the message names. */
export function failingEntry(
  entries: { index: number; operation: BatchOperation }[],
  part: HttpPart,
): { index: number; operation: BatchOperation } | undefined {
  if (part.contentId !== undefined) {
    const byId = entries.find((e) => String(e.index + 1) === part.contentId);
    if (byId) return byId;
  }
  if (entries.length === 1) return entries[0];
  const ids = (parseBody(part.body) as { error?: { message?: string } } | undefined)?.error?.message?.match(
    GUID_IN_TEXT,
  );
  const named = entries.filter((e) => ids?.some((id) => e.operation.path.toLowerCase().includes(id.toLowerCase())));
  return named.length === 1 ? named[0] : undefined;
}

function okResult(index: number, part: HttpPart): BatchOperationResult {
  const entityId = entityIdOf(part.headers['odata-entityid'] ?? part.headers['location']);
  return {
    index,
    status: part.status,
    headers: part.headers,
    body: parseBody(part.body),
    ...(entityId ? { entityId } : {}),
  };
}

function shortAnswer(label: string): ExternalServiceError {
  return new ExternalServiceError(`Dataverse answered ${label} with an empty part; that operation's fate is unknown.`, {
    code: 'dataverse.batchShortAnswer',
  });
}

/**
 * Every operation becomes a raw HTTP/1.1 request inside the multipart body: a CR or LF in its path or in a
 * header would end that request early and start another the caller never meant (request smuggling).
 */
export function checkOperationText(operation: BatchOperation, index: number): void {
  const bad = (what: string): never => {
    throw new ValidationError(
      `Batch operation ${index + 1} has a line break in its ${what}; a $batch part cannot carry one.`,
      { code: 'dataverse.batchLineBreak' },
    );
  };
  if (/[\r\n]/.test(operation.path)) bad('path');
  for (const [name, value] of Object.entries(operation.headers ?? {})) {
    if (/[\r\n:]/.test(name) || name.trim() === '') bad(`header name "${name.replace(/[\r\n]/g, ' ')}"`);
    if (/[\r\n]/.test(value)) bad(`${name} header`);
  }
}

class BatchRun {
  readonly results: BatchOperationResult[] = [];
  firstError: LifeCockpitError | undefined;

  constructor(private readonly total: number) {}

  single(index: number, operation: BatchOperation, part: HttpPart): void {
    if (part.status < 400) {
      this.results.push(okResult(index, part));
      return;
    }
    const error = dataverseError(part.status, parseBody(part.body), {
      operation: describe(index, this.total, operation),
    });
    this.fail(error);
    this.results.push({ ...okResult(index, part), error });
  }

  changeset(entries: { index: number; operation: BatchOperation }[], answer: ResponseItem): void {
    if (answer.kind === 'changeset') {
      entries.forEach((entry, i) => {
        const part = answer.parts.find((p) => p.contentId === String(entry.index + 1)) ?? answer.parts[i];
        this.results.push(okResult(entry.index, part));
      });
      return;
    }
    // A failed change set answers with the one error that undid it.
    const failing = failingEntry(entries, answer.part);
    const first = entries[0].index + 1;
    const last = entries[entries.length - 1].index + 1;
    const operation = failing
      ? describe(failing.index, this.total, failing.operation)
      : `one of batch operations ${first}–${last}`;
    const error = dataverseError(answer.part.status, parseBody(answer.part.body), { operation });
    error.message += ` Its change set (operations ${first}–${last}) was rolled back: none of them took effect.`;
    this.fail(error);
    for (const entry of entries) {
      this.results.push({
        index: entry.index,
        status: answer.part.status,
        headers: answer.part.headers,
        body: parseBody(answer.part.body),
        error,
      });
    }
  }

  notRun(item: BatchItem, reason: LifeCockpitError): void {
    const indexes = item.kind === 'single' ? [item.index] : item.entries.map((e) => e.index);
    for (const index of indexes) this.results.push({ index, status: 0, headers: {}, body: undefined, error: reason });
  }

  private fail(error: LifeCockpitError): void {
    this.firstError ??= error;
  }
}

async function sendOne(
  transport: DataverseTransport,
  items: BatchItem[],
  options: BatchOptions,
  label: string,
): Promise<ResponseItem[]> {
  const built = buildBatch(transport.apiBase, items);
  const response = await transport.send({
    method: 'POST',
    path: '$batch',
    operation: label,
    headers: { 'Content-Type': built.contentType },
    body: built.body,
    prefer: options.continueOnError ? ['odata.continue-on-error'] : [],
    signal: options.signal,
  });
  // A batch refused as a whole (401, 429, a malformed body) answers plain JSON, not multipart.
  if (!/^multipart\/mixed/i.test(response.headers['content-type'] ?? '')) {
    throw await transport.errorFrom(response, { operation: label });
  }
  return parseBatchResponse(await response.text(), response.headers['content-type']);
}

/** Each answer carries as many parts as its item sent; anything less leaves operations whose fate is unknown. */
function checkPartCounts(items: BatchItem[], answers: ResponseItem[], label: string): void {
  const sent = items.reduce((n, item) => n + (item.kind === 'single' ? 1 : item.entries.length), 0);
  const answered = answers.reduce((n, a) => n + (a.kind === 'single' ? 1 : a.parts.length), 0);
  const short = items.some((item, i) => {
    const answer = answers[i];
    if (!answer || item.kind === 'single') return false;
    // A failed change set answers with its one error part; a committed one with a part per operation.
    return answer.kind === 'changeset' && answer.parts.length < item.entries.length;
  });
  if (short) {
    throw new ExternalServiceError(
      `Dataverse answered ${label} with ${answered} answer part(s) for ${sent} operations sent; which of the others took effect is unknown. Read the rows back before sending them again.`,
      { code: 'dataverse.batchShortAnswer', detail: { sent, answered } },
    );
  }
}

/**
 * Whether operation `index` took effect, read back from the rows (created row present, updated row holding
 * what was sent, deleted row gone); throws when it cannot be told.
 */
export type AppliedProbe = (index: number, operation: BatchOperation) => Promise<boolean>;

/** A change set that took effect though its answer was lost: the answer it would have had. */
function appliedAnswer(
  transport: DataverseTransport,
  entries: { index: number; operation: BatchOperation }[],
  createdIds: ReadonlyMap<number, string>,
): ResponseItem {
  return {
    kind: 'changeset',
    parts: entries.map(({ index, operation }) => {
      const id = createdIds.get(index);
      const headers: Record<string, string> = id
        ? { 'odata-entityid': `${transport.apiBase}/${operation.path}(${id})` }
        : {};
      return { status: 204, headers, body: '', contentId: String(index + 1) };
    }),
  };
}

/**
 * The `$batch` request broke after it was sent. Change sets are atomic, so each either took effect or did
 * not: every write of a set is read back, a set whose writes all show is answered as applied, and the rest
 * (with the reads) are sent once more. When the rows cannot be read, or the second send breaks too, the
 * outcome is unknown and the error says so.
 */
async function recoverLostBatch(
  transport: DataverseTransport,
  items: BatchItem[],
  options: BatchOptions,
  label: string,
  lost: LifeCockpitError,
  recovery: BatchRecovery,
): Promise<ResponseItem[]> {
  const applied: boolean[] = [];
  try {
    for (const item of items) {
      if (item.kind === 'single') applied.push(false);
      else {
        const shows = await Promise.all(item.entries.map((e) => recovery.probe(e.index, e.operation)));
        applied.push(shows.every(Boolean));
      }
    }
  } catch (error) {
    transport.log.debug('could not read back a $batch whose answer was lost', { error });
    throw outcomeUnknown(label, 'the rows it wrote', lost);
  }
  const resend = items.filter((_, i) => !applied[i]);
  let again: ResponseItem[] = [];
  if (resend.length > 0) {
    try {
      again = await sendOne(transport, resend, options, `${label} (sent again)`);
    } catch (error) {
      if (mayHaveBeenApplied(error)) throw outcomeUnknown(label, 'the rows it wrote', error);
      throw error;
    }
  }
  let next = 0;
  return items.map((item, i) =>
    applied[i] && item.kind === 'changeset'
      ? appliedAnswer(transport, item.entries, recovery.createdIds)
      : again[next++],
  );
}

/** How a run can tell, after a lost answer, which operations took effect. */
export interface BatchRecovery {
  probe: AppliedProbe;
  /** Ids the client chose for the rows its creates make, by operation index. */
  createdIds: ReadonlyMap<number, string>;
}

export async function runBatch(
  transport: DataverseTransport,
  operations: readonly BatchOperation[],
  options: BatchOptions = {},
  recovery?: BatchRecovery,
): Promise<BatchOperationResult[]> {
  operations.forEach(checkOperationText);
  const plan = planBatches(operations);
  const run = new BatchRun(operations.length);
  for (const [n, items] of plan.entries()) {
    if (options.signal?.aborted) throw new CancelledError();
    const label = `sending $batch ${n + 1} of ${plan.length}`;
    let answers: ResponseItem[];
    try {
      answers = await sendOne(transport, items, options, label);
    } catch (error) {
      if (!recovery || !mayHaveBeenApplied(error)) throw error;
      answers = await recoverLostBatch(transport, items, options, label, error, recovery);
    }
    checkPartCounts(items, answers, label);
    items.forEach((item, i) => {
      const answer = answers[i];
      if (!answer) run.notRun(item, run.firstError ?? dataverseError(0, undefined, { operation: label }));
      else if (item.kind === 'changeset') run.changeset(item.entries, answer);
      else if (answer.kind === 'single' || answer.parts.length > 0)
        run.single(item.index, item.operation, answer.kind === 'single' ? answer.part : answer.parts[0]);
      else run.notRun(item, shortAnswer(label));
    });
    if (run.firstError && !options.continueOnError) {
      const committed = run.results.filter((r) => !r.error && r.status > 0).length;
      if (committed > 0)
        run.firstError.message += ` ${committed} earlier operation(s) in other change sets were applied.`;
      throw Object.assign(run.firstError, { results: run.results });
    }
  }
  return run.results.sort((a, b) => a.index - b.index);
}
