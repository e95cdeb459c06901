// The multipart/mixed bodies of the Web API's `$batch` (execute-batch-operations-using-web-api): writes go
// in change sets (nested `multipart/mixed; boundary=changeset_…`, atomic, each part with a Content-ID), reads
// stand alone; every operation is an `application/http` part holding a raw HTTP/1.1 request. The response
// mirrors it with `batchresponse_…`/`changesetresponse_…` boundaries. Writing uses CRLF; reading takes CRLF or LF.
import { randomUUID } from 'node:crypto';
import { ExternalServiceError } from '../errors';
import type { BatchOperation } from './types';

/** Operations as they go into one `$batch` request: a change set of writes, or one read on its own. */
export type BatchItem =
  | { kind: 'changeset'; entries: { index: number; operation: BatchOperation }[] }
  | { kind: 'single'; index: number; operation: BatchOperation };

export interface HttpPart {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

export type ResponseItem = { kind: 'changeset'; parts: HttpPart[] } | { kind: 'single'; part: HttpPart };

export interface BuiltBatch {
  contentType: string;
  body: string;
}

const CRLF = '\r\n';

function requestPart(apiBase: string, operation: BatchOperation, contentId: string | undefined): string {
  const head = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) head.push(`Content-ID: ${contentId}`);
  const lines = [`${operation.method} ${apiBase}/${operation.path} HTTP/1.1`];
  const headers: Record<string, string> = { ...operation.headers };
  if (operation.body !== undefined) headers['Content-Type'] = 'application/json; type=entry';
  if (operation.method === 'GET') headers.Accept ??= 'application/json';
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const body = operation.body === undefined ? '' : JSON.stringify(operation.body);
  return `${head.join(CRLF)}${CRLF}${CRLF}${lines.join(CRLF)}${CRLF}${CRLF}${body}${CRLF}`;
}

function multipart(boundary: string, parts: string[]): string {
  return parts.map((part) => `--${boundary}${CRLF}${part}`).join('') + `--${boundary}--${CRLF}`;
}

/** The body and Content-Type of one `$batch` request. `newId` is injectable so tests get stable text. */
export function buildBatch(apiBase: string, items: BatchItem[], newId: () => string = randomUUID): BuiltBatch {
  const boundary = `batch_${newId()}`;
  const parts = items.map((item) => {
    if (item.kind === 'single') return requestPart(apiBase, item.operation, undefined);
    const changeset = `changeset_${newId()}`;
    const inner = multipart(
      changeset,
      // Content-IDs are the operation's position (1-based) in the caller's list, so a failure names it.
      item.entries.map(({ index, operation }) => requestPart(apiBase, operation, String(index + 1))),
    );
    return `Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}${inner}`;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: multipart(boundary, parts) };
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed/i.test(contentType)) return undefined;
  return /boundary\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
}

interface RawPart {
  headers: Record<string, string>;
  content: string;
}

function malformed(detail: string): ExternalServiceError {
  return new ExternalServiceError(`Dataverse answered a $batch with a body that could not be read: ${detail}.`, {
    code: 'dataverse.batchMalformed',
  });
}

/**
 * Header lines up to the first blank line; the rest is the content. A delimiter line also ends the headers:
 * some writers (the sandbox among them) start a nested change set right after its Content-Type line.
 */
function splitHead(lines: string[]): { headers: Record<string, string>; rest: string[] } {
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i].trim() !== ''; i++) {
    if (lines[i].startsWith('--')) return { headers, rest: lines.slice(i) };
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  return { headers, rest: lines.slice(i + 1) };
}

function splitParts(text: string, boundary: string): RawPart[] {
  const delimiter = `--${boundary}`;
  const parts: RawPart[] = [];
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) {
        const { headers, rest } = splitHead(current);
        parts.push({ headers, content: rest.join('\n') });
      }
      if (trimmed !== delimiter) return parts;
      current = [];
      continue;
    }
    current?.push(line);
  }
  throw malformed(`the closing delimiter --${boundary}-- is missing`);
}

function readHttpPart(part: RawPart): HttpPart {
  const lines = part.content.split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  const statusLine = /^HTTP\/1\.[01]\s+(\d{3})/.exec(lines[0] ?? '');
  if (!statusLine) throw malformed(`"${(lines[0] ?? '').slice(0, 80)}" is not an HTTP status line`);
  const { headers, rest } = splitHead(lines.slice(1));
  return {
    status: Number(statusLine[1]),
    headers,
    body: rest.join('\n').trim(),
    ...(part.headers['content-id'] !== undefined ? { contentId: part.headers['content-id'] } : {}),
  };
}

/** The parts of a `$batch` response, change sets kept together, in the order the service answered. */
export function parseBatchResponse(text: string, contentType: string | undefined): ResponseItem[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw malformed(`Content-Type "${contentType ?? ''}" is not multipart/mixed with a boundary`);
  return splitParts(text, boundary).map((part): ResponseItem => {
    const inner = boundaryOf(part.headers['content-type']);
    if (inner) return { kind: 'changeset', parts: splitParts(part.content, inner).map(readHttpPart) };
    return { kind: 'single', part: readHttpPart(part) };
  });
}

/** The row id at the end of an OData-EntityId / Location URL: `…/contacts(<guid>)`. */
export function entityIdOf(url: string | undefined): string | undefined {
  return url ? /\(([0-9a-fA-F-]{36})\)\s*$/.exec(url)?.[1]?.toLowerCase() : undefined;
}
