// The response object callers get: status, lower-cased headers, and the body as bytes, text, JSON or a stream,
// whether it was read already (the default), is still arriving (stream: true) or came from the cache.
import { Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import { ExternalServiceError } from '../errors';
import type { HttpResponse } from './types';

export interface ResponseMeta {
  status: number;
  headers: Record<string, string>;
  url: string;
  attempts: number;
  cache: HttpResponse['cache'];
}

export function bufferedResponse(meta: ResponseMeta, bytes: Buffer): HttpResponse {
  let stream: Readable | undefined;
  return {
    ...meta,
    get body(): Readable {
      stream ??= Readable.from([bytes]);
      return stream;
    },
    bytes: () => Promise.resolve(bytes),
    text: () => Promise.resolve(bytes.toString('utf8')),
    // async, so a body that is not JSON rejects the promise rather than throwing at the call.
    json: async <T>() => parseJsonBody<T>(bytes.toString('utf8'), meta),
  };
}

export function streamedResponse(meta: ResponseMeta, body: Readable): HttpResponse {
  let bytesPromise: Promise<Buffer> | undefined;
  const bytes = (): Promise<Buffer> => (bytesPromise ??= readAll(body));
  return {
    ...meta,
    body,
    bytes,
    text: async () => (await bytes()).toString('utf8'),
    json: async <T>() => parseJsonBody<T>((await bytes()).toString('utf8'), meta),
  };
}

/** The layer's one JSON body parser: text that is not JSON fails as `http.invalidJson`, naming who answered. */
export function parseJsonBody<T>(text: string, meta: Pick<ResponseMeta, 'status' | 'headers'>, who = 'The service'): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ExternalServiceError(`${who} answered ${meta.status} with a body that is not JSON.`, {
      code: 'http.invalidJson',
      detail: { status: meta.status, contentType: meta.headers['content-type'], length: text.length },
      cause: error,
    });
  }
}
