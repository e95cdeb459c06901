// One attempt on the wire: a single keep-alive undici Agent for the whole product, a per-attempt timeout, and
// the sandbox's CA trusted only for the sandbox's origins (every other origin verifies against the system CAs).
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { TimeoutStrategy, timeout } from 'cockatiel';
import { Agent, Pool, type Dispatcher } from 'undici';
import { classifyFailure, type AttemptFailure } from './transportFailure';
import type { HttpMethod, TrustOptions } from './types';

export interface WireRequest {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | Buffer | Uint8Array | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** Hand back the live body instead of reading it within the attempt. */
  stream: boolean;
  /** Statuses whose body is read even when streaming (retriable errors: small, and the retry needs it consumed). */
  bufferStatuses: (status: number) => boolean;
}

export type WireOutcome =
  | { ok: true; status: number; headers: Record<string, string>; bytes: Buffer }
  | { ok: true; status: number; headers: Record<string, string>; stream: Readable }
  | { ok: false; failure: AttemptFailure };

/** Idle sockets stay open this long; long enough to span a command's burst of calls. */
const KEEP_ALIVE_MS = 30_000;

export class Transport {
  private readonly agent: Agent;

  constructor(trust: TrustOptions = {}) {
    const trustedOrigins = new Set((trust.origins ?? []).map((origin) => new URL(origin).origin));
    const ca = trust.ca;
    this.agent = new Agent({
      keepAliveTimeout: KEEP_ALIVE_MS,
      // One pool per origin; only the configured (sandbox) origins get the extra CA, and for them it replaces
      // the system store, so a sandbox certificate can never vouch for a real Microsoft or Stripe host.
      factory: (origin: string | URL, options: object): Dispatcher => {
        const poolOptions = options as Pool.Options;
        const originKey = new URL(String(origin)).origin;
        if (ca === undefined || !trustedOrigins.has(originKey)) return new Pool(origin, poolOptions);
        const connect = typeof poolOptions.connect === 'object' ? poolOptions.connect : {};
        return new Pool(origin, { ...poolOptions, connect: { ...connect, ca } });
      },
    });
  }

  async send(request: WireRequest): Promise<WireOutcome> {
    // cockatiel's cooperative timeout hands us a signal that fires after timeoutMs; it fits because the
    // per-attempt bound is real I/O time, unlike backoff waits which run on the injected clock.
    const policy = timeout(request.timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });
    let timeoutSignal: AbortSignal | undefined;
    try {
      return await policy.execute(async ({ signal }) => {
        timeoutSignal = signal;
        const combined = request.signal ? AbortSignal.any([signal, request.signal]) : signal;
        return this.sendOnce(request, combined);
      });
    } catch (error) {
      return {
        ok: false,
        failure: classifyFailure(error, request.signal?.aborted === true, timeoutSignal?.aborted === true),
      };
    }
  }

  private async sendOnce(request: WireRequest, signal: AbortSignal): Promise<WireOutcome> {
    const response = await this.agent.request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal,
    });
    const headers = flattenHeaders(response.headers);
    if (request.stream && !request.bufferStatuses(response.statusCode)) {
      return { ok: true, status: response.statusCode, headers, stream: response.body };
    }
    const bytes = Buffer.from(await response.body.arrayBuffer());
    return { ok: true, status: response.statusCode, headers, bytes };
  }

  /** Closes idle sockets and waits for requests in flight; the owner calls it on shutdown. */
  close(): Promise<void> {
    return this.agent.close();
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
