// Lets @microsoft/microsoft-graph-client v3 send through the HTTP layer: a fetch-compatible function and a
// terminal middleware built on it. The Graph module builds its client with `Client.initWithMiddleware({
// middleware: graphFetchMiddleware(http, { send }) })`, so the SDK's own RetryHandler (and its redirect and
// telemetry handlers) are not in the chain: retries happen once, here, against the layer's policy.
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { ValidationError } from '../errors';
import type { HttpClient } from './httpClient';
import type { HttpMethod, HttpRequest, HttpResponse, ServiceKey } from './types';

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Statuses whose Response may not carry a body (the Fetch standard's "null body status"). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface FetchAdapterOptions {
  /** Which concurrency queue a URL belongs to; defaults to the mailbox in `/users/{id}/…` for Graph. */
  concurrencyKeyFor?: (url: URL) => string | undefined;
  /**
   * Sends the translated request; defaults to `http.request`. The Graph module passes one that adds the
   * bearer token and retries once on 401 with a fresh one (auth's sendAuthorized).
   */
  send?: (request: HttpRequest) => Promise<HttpResponse>;
}

/** A `fetch` that goes through the HTTP layer as `service`; non-2xx statuses resolve, as fetch's do. */
export function httpFetch(http: HttpClient, service: ServiceKey, options: FetchAdapterOptions = {}): FetchFunction {
  const keyFor = options.concurrencyKeyFor ?? (service === 'graph' ? graphMailboxOf : () => undefined);
  return async (input, init) => {
    const request = new Request(input, init);
    const method = request.method.toUpperCase();
    if (!METHODS.has(method)) {
      throw new ValidationError(`Unsupported HTTP method ${method}.`, { code: 'http.unsupportedMethod' });
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const send = options.send ?? ((r: HttpRequest) => http.request(r));
    const response = await send({
      service,
      method: method as HttpMethod,
      url: request.url,
      headers,
      body,
      // The caller's own signal: `new Request` would hand back a follower that never fires for a plain init.
      signal: init?.signal ?? (input instanceof Request ? input.signal : undefined),
      concurrencyKey: keyFor(new URL(request.url)),
    });
    return toFetchResponse(response, method);
  };
}

/** The Graph SDK's last middleware: sends the context's request and leaves the Response on the context. */
export function graphFetchMiddleware(http: HttpClient, options: FetchAdapterOptions = {}): Middleware {
  const send = httpFetch(http, 'graph', options);
  return {
    execute: async (context: Context): Promise<void> => {
      context.response = await send(context.request, context.options);
    },
  };
}

/**
 * Outlook counts concurrency per app and mailbox (4 at once), so requests under `/users/{id-or-upn}/` queue per
 * mailbox. `/me` has no mailbox for an app-only token, so it gets no key.
 */
export function graphMailboxOf(url: URL): string | undefined {
  const match = /\/users\/([^/?]+)/i.exec(url.pathname);
  if (!match?.[1]) return undefined;
  return decodeURIComponent(match[1])
    .replace(/^'(.*)'$/, '$1')
    .toLowerCase();
}

async function toFetchResponse(response: HttpResponse, method: string): Promise<Response> {
  const bodyless = NULL_BODY_STATUSES.has(response.status) || method === 'HEAD';
  const body = bodyless ? null : Uint8Array.from(await response.bytes());
  return new Response(body, { status: response.status, headers: response.headers });
}
