// Reading and writing the multipart bodies of `$batch` (OData 4.0 §11.7 as Dataverse documents it in
// execute-batch-operations-using-web-api): parts delimited by `--batch_…`, change sets nested as
// `multipart/mixed; boundary=changeset_…`, each operation an `application/http` part holding a raw
// HTTP request. Reading accepts CRLF or LF; writing uses CRLF.

import type { ApiResponse } from './apiTypes';
import { DataverseError } from './errors';

export interface BatchOperation {
  contentId?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type BatchItem =
  { kind: 'operation'; operation: BatchOperation } | { kind: 'changeset'; operations: BatchOperation[] };

interface RawPart {
  headers: Record<string, string>;
  content: string;
}

function badBatch(message: string): DataverseError {
  return new DataverseError(400, '0x80060891', message);
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed/i.test(contentType)) return undefined;
  return /boundary\s*=\s*"?([^";]+)"?/i.exec(contentType)?.[1]?.trim();
}

function readHeaders(lines: string[]): { headers: Record<string, string>; rest: string[] } {
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i].trim() !== ''; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  return { headers, rest: lines.slice(i + 1) };
}

function splitParts(text: string, boundary: string): RawPart[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const delimiter = `--${boundary}`;
  const parts: RawPart[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(toPart(current));
      current = trimmed === delimiter ? [] : undefined;
      if (trimmed !== delimiter) {
        closed = true;
        break;
      }
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw badBatch(`The end boundary delimiter '--${boundary}--' was not found in the batch request.`);
  return parts;
}

function toPart(lines: string[]): RawPart {
  const { headers, rest } = readHeaders(lines);
  return { headers, content: rest.join('\n') };
}

function readOperation(part: RawPart): BatchOperation {
  const lines = part.content.split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  const requestLine = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/1\.1)?\s*$/.exec(lines[0] ?? '');
  if (!requestLine) throw badBatch(`The request line '${lines[0] ?? ''}' of a batch operation is not valid.`);
  const { headers, rest } = readHeaders(lines.slice(1));
  return {
    contentId: part.headers['content-id'],
    method: requestLine[1],
    url: requestLine[2],
    headers,
    body: rest.join('\n').trim(),
  };
}

export function parseBatch(text: string, boundary: string): BatchItem[] {
  return splitParts(text, boundary).map((part): BatchItem => {
    const changesetBoundary = boundaryOf(part.headers['content-type']);
    if (changesetBoundary) {
      return { kind: 'changeset', operations: splitParts(part.content, changesetBoundary).map(readOperation) };
    }
    return { kind: 'operation', operation: readOperation(part) };
  });
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

/** One `application/http` part holding a response. */
export function responsePart(response: ApiResponse, contentId: string | undefined): string {
  const head = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) head.push(`Content-ID: ${contentId}`);
  const inner = [`HTTP/1.1 ${response.status} ${reasonPhrase(response.status)}`];
  const headers = { ...response.headers };
  if (headers['Content-Type']?.startsWith('application/json') && response.status < 400) {
    headers['Content-Type'] = `${headers['Content-Type']}; odata.streaming=true`;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'OData-EntityId') inner.push(`Location: ${value}`);
    inner.push(`${name}: ${value}`);
  }
  if (!('OData-Version' in headers)) inner.splice(1, 0, 'OData-Version: 4.0');
  return `${head.join('\r\n')}\r\n\r\n${inner.join('\r\n')}\r\n\r\n${response.body ?? ''}\r\n`;
}

export function multipart(boundary: string, parts: string[], extraHead?: string): string {
  const body = parts.map((part) => `--${boundary}\r\n${part}`).join('');
  return `${extraHead ?? ''}${body}--${boundary}--\r\n`;
}
