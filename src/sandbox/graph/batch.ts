// POST /v1.0/$batch (JSON batching): at most 20 requests with unique ids and relative urls (no
// version segment: Graph answers "Invalid batch payload format." to `/v1.0/...`), `dependsOn` (a
// failed dependency makes its dependents 424), items for one mailbox run four at a time as Outlook
// does, and each item's status/headers/body come back in `responses`, in completion order.

import { KeyedSemaphore, MAILBOX_CONCURRENCY } from './throttle';
import { GraphFault, ODATA_JSON, isRecord, ok, parseJsonBody, type GraphCall, type GraphResult } from './wire';

export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  dependsOn: string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface BatchRunner {
  dispatch(call: GraphCall): Promise<GraphResult>;
  mailboxOf(call: GraphCall): string | undefined;
}

const payloadError = (): GraphFault => new GraphFault(400, 'BadRequest', 'Invalid batch payload format.');

function readHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw payloadError();
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name.toLowerCase(), String(v)]));
}

function readBody(value: unknown, headers: Record<string, string>, id: string): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0);
  const contentType = headers['content-type'];
  if (!contentType) {
    throw new GraphFault(400, 'BadRequest', `Write request id : ${id} does not contain Content-Type header or body.`);
  }
  // Non-JSON bodies travel base64-encoded inside the batch; JSON ones as JSON.
  if (typeof value === 'string')
    return /json/i.test(contentType) ? Buffer.from(value, 'utf8') : Buffer.from(value, 'base64');
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function readItem(value: unknown): BatchItem {
  if (
    !isRecord(value) ||
    typeof value.id !== 'string' ||
    value.id === '' ||
    typeof value.method !== 'string' ||
    typeof value.url !== 'string'
  ) {
    throw payloadError();
  }
  const url = value.url.trim();
  // Inner urls are relative to the version root; an absolute url or a version segment is refused.
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || /^\/?(v1\.0|beta)(\/|$)/i.test(url)) throw payloadError();
  const headers = readHeaders(value.headers);
  const dependsOn = value.dependsOn === undefined ? [] : value.dependsOn;
  if (!Array.isArray(dependsOn) || dependsOn.some((dep) => typeof dep !== 'string')) throw payloadError();
  return {
    id: value.id,
    method: value.method.toUpperCase(),
    url,
    headers,
    body: readBody(value.body, headers, value.id),
    dependsOn: dependsOn as string[],
  };
}

function checkDependencies(items: BatchItem[]): void {
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!byId.has(dep))
        throw new GraphFault(
          400,
          'BadRequest',
          `Request ${item.id} depends on request ${dep}, which is not in the batch.`,
        );
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (item: BatchItem): void => {
    if (state.get(item.id) === 'done') return;
    if (state.get(item.id) === 'visiting')
      throw new GraphFault(400, 'BadRequest', 'The dependsOn references in the batch form a cycle.');
    state.set(item.id, 'visiting');
    for (const dep of item.dependsOn) visit(byId.get(dep) as BatchItem);
    state.set(item.id, 'done');
  };
  items.forEach(visit);
}

export function parseBatch(body: Buffer): BatchItem[] {
  const raw = parseJsonBody(body);
  if (!isRecord(raw) || !Array.isArray(raw.requests) || raw.requests.length === 0) throw payloadError();
  if (raw.requests.length > MAX_BATCH_REQUESTS) {
    // The exact wording Graph uses here is not documented; the limit (20) is.
    throw new GraphFault(
      400,
      'BadRequest',
      `The number of requests in a batch is limited to ${MAX_BATCH_REQUESTS}; this batch has ${raw.requests.length}.`,
    );
  }
  const items = raw.requests.map(readItem);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id))
      throw new GraphFault(400, 'BadRequest', `Batch request ids must be unique; '${item.id}' appears more than once.`);
    seen.add(item.id);
  }
  checkDependencies(items);
  return items;
}

function innerCall(outer: GraphCall, item: BatchItem): GraphCall {
  const url = new URL(item.url.replace(/^\/*/, '/'), 'https://graph.invalid');
  const segments = url.pathname
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  return {
    ...outer,
    method: item.method,
    segments,
    query: url.searchParams,
    headers: { ...outer.headers, ...item.headers },
    body: item.body,
  };
}

function toResponse(id: string, result: GraphResult): BatchResponse {
  // Inner responses carry their own headers (Retry-After on a 429) but not the outer request ids.
  const headers = Object.fromEntries(
    Object.entries(result.headers).filter(([name]) => name !== 'request-id' && name !== 'client-request-id'),
  );
  const response: BatchResponse = { id, status: result.status, headers };
  if (result.body !== undefined) response.body = result.body;
  return response;
}

function failedDependency(id: string): BatchResponse {
  return {
    id,
    status: 424,
    headers: { 'content-type': 'application/json' },
    body: {
      error: { code: 'FailedDependency', message: 'The request failed because a request it depends on failed.' },
    },
  };
}

function badItem(id: string, message: string): BatchResponse {
  return {
    id,
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: { error: { code: 'BadRequest', message } },
  };
}

interface Deferred {
  promise: Promise<BatchResponse>;
  resolve(response: BatchResponse): void;
}

function deferred(): Deferred {
  let resolve: (response: BatchResponse) => void = () => undefined;
  const promise = new Promise<BatchResponse>((settle) => (resolve = settle));
  return { promise, resolve };
}

export async function runBatch(outer: GraphCall, runner: BatchRunner): Promise<GraphResult> {
  const items = parseBatch(outer.body);
  const perMailbox = new KeyedSemaphore(MAILBOX_CONCURRENCY);
  // Every item gets its promise before any runs, so dependsOn may point at a later entry.
  const outcomes = new Map(items.map((item) => [item.id, deferred()]));
  const completed: BatchResponse[] = [];

  const run = async (item: BatchItem): Promise<BatchResponse> => {
    const deps = await Promise.all(item.dependsOn.map((dep) => (outcomes.get(dep) as Deferred).promise));
    if (deps.some((dep) => dep.status >= 400)) return failedDependency(item.id);
    let call: GraphCall;
    try {
      call = innerCall(outer, item);
    } catch {
      return badItem(item.id, `The url '${item.url}' is not valid.`);
    }
    if (call.segments.length === 1 && call.segments[0] === '$batch')
      return badItem(item.id, 'Nested batch requests are not supported.');
    const mailbox = runner.mailboxOf(call);
    const release = mailbox ? await perMailbox.acquire(mailbox) : undefined;
    try {
      return toResponse(item.id, await runner.dispatch(call));
    } finally {
      release?.();
    }
  };

  await Promise.all(
    items.map(async (item) => {
      const response = await run(item);
      completed.push(response);
      (outcomes.get(item.id) as Deferred).resolve(response);
    }),
  );
  const result = ok(outer, { responses: completed });
  return { ...result, headers: { ...result.headers, 'content-type': ODATA_JSON } };
}
