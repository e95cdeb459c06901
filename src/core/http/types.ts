// The shapes the HTTP layer speaks in: which service a call is for, the policy that governs it, the request
// a caller hands over and the response it gets back. Kept free of undici types so callers never see them.
import type { Readable } from 'node:stream';
import type { Clock } from '../clock';
import type { Logger } from '../log';

/** `flows`: HTTP triggers of Logic Apps, Power Automate or Functions (hosts vary; the URL carries the key). */
/** `forward`: the local endpoints the webhook receiver forwards events to (settings webhooks.forwardTo). */
/** `sendgrid`: SendGrid's v3 API (mail send), or the sandbox's stand-in for a sandbox profile. */
/** `acs`: Azure Communication Services (SMS); its endpoint comes from the connection string. */
export type ServiceKey = 'entra' | 'graph' | 'dataverse' | 'stripe' | 'flows' | 'forward' | 'sendgrid' | 'acs';

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  maxAttempts: number;
  /** First backoff ceiling; the n-th retry waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ⁻¹)]. */
  baseDelayMs: number;
  /** No single wait is longer than this, whatever Retry-After asks for. */
  maxDelayMs: number;
  /** No retry starts once this much time has gone by since the call began. */
  maxTotalMs: number;
}

export interface BreakerPolicy {
  /** Consecutive failures (5xx, timeouts, resets) that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker fails fast before it lets one probe through. */
  halfOpenAfterMs: number;
}

export interface ServicePolicy {
  /** Per attempt: connecting, sending, and (unless streaming) reading the whole body. */
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** Requests in flight to the service at once; more wait in a queue. */
  concurrency: number;
  /** Requests in flight at once per `concurrencyKey` (a mailbox, a user); more wait in a queue. */
  perKeyConcurrency?: number;
}

export interface TrustOptions {
  /** A CA (PEM) trusted in addition to nothing else, for the listed origins only (the sandbox's CA). */
  ca?: string | Buffer;
  /** Origins (`https://localhost:8443`) that are verified against `ca` instead of the system CAs. */
  origins?: string[];
}

export interface HttpClientOptions {
  logger: Logger;
  clock?: Clock;
  /** Policies per service; services left out (or fields left out) take the defaults. */
  services?: Partial<Record<ServiceKey, Partial<ServicePolicy>>>;
  trust?: TrustOptions;
  /** Source of randomness for backoff jitter, in [0, 1); tests pin it. */
  random?: () => number;
  /** How many responses the GET cache keeps at most. */
  cacheEntries?: number;
  /** Part of every cache key: the profile this client serves, so no answer crosses profiles. */
  cachePartition?: string;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface HttpRequest {
  service: ServiceKey;
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Uint8Array;
  signal?: AbortSignal;
  /**
   * Safe to send twice. GET/HEAD/PUT/DELETE/OPTIONS are by definition; mark a POST or PATCH when it carries an
   * idempotency key (Stripe's `Idempotency-Key`) or an `If-Match` ETag, so a retry cannot apply it twice.
   */
  idempotent?: boolean;
  /** Queue behind other requests with the same key (a mailbox, a Dataverse user) up to `perKeyConcurrency`. */
  concurrencyKey?: string;
  /**
   * GET only: reuse the response for `ttlMs`, then revalidate with If-None-Match when it had an ETag.
   * 'no-store': ask the service whatever the cache holds, and keep nothing (Test Connection).
   */
  cache?: { ttlMs: number } | 'no-store';
  /** Sent as the service's client request id header and logged; one is made up when left out. */
  correlationId?: string;
  /** Return as soon as the headers arrive and let the caller read `body` as it comes. */
  stream?: boolean;
  /** Overrides the service's per-attempt timeout for this call (the Stripe SDK passes its own). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The URL that answered (after nothing: the layer does not follow redirects). */
  url: string;
  /** Attempts it took (0 when served from the cache without asking). */
  attempts: number;
  /** 'hit' served from cache, 'revalidated' confirmed by a 304, 'miss' fetched. */
  cache: 'hit' | 'revalidated' | 'miss' | 'none';
  /** The body as a stream; for buffered responses a stream over the bytes already read. Read it once. */
  body: Readable;
  bytes(): Promise<Buffer>;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
}
