// The one HTTP client every network call goes through: per-service policy (timeout, retry with backoff and
// Retry-After, circuit breaker, concurrency queues), an optional GET cache with ETag revalidation, cancellation
// all the way down, and one redacted debug line per request.
//
// Non-2xx statuses are answers, not exceptions: `request` returns them and each service maps its own error bodies
// to typed errors. That holds after retries too: when a 429/5xx is still there once the attempts or the time
// budget are spent, the caller gets that last response (with its Retry-After) rather than a generic error, so it
// can say "Graph is throttling this mailbox, try again in 40 s". Only failures without a response throw.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { CancelledError, ValidationError } from '../errors';
import type { Logger } from '../log';
import { runAttempt, type AttemptResult, type ServiceRuntime } from './attempt';
import { CircuitBreaker } from './circuitBreaker';
import { KeyedSemaphores, Semaphore } from './concurrencyLimit';
import { SERVICE_NAMES, resolveServicePolicies } from './policies';
import { CLIENT_REQUEST_ID_HEADER, redactUrl, serverRequestId } from './requestLog';
import { bufferedResponse, parseJsonBody, streamedResponse } from './response';
import { ResponseCache, cacheKeyFor, type CachedResponse } from './responseCache';
import { decideRetry, isIdempotentRequest, isRetriableStatus, mayRetryStatus, parseRetryAfter } from './retryRules';
import { Transport, type WireRequest } from './transport';
import { failureToError, happenedBeforeSending, isTransientFailure, type AttemptFailure } from './transportFailure';
import type { HttpClientOptions, HttpRequest, HttpResponse, ServiceKey } from './types';

export interface JsonRequest extends Omit<HttpRequest, 'body' | 'stream'> {
  /** Serialised as the JSON body, with Content-Type set. */
  json?: unknown;
}

/** The response plus its parsed body; `data` is undefined for an empty body, or a non-2xx body that is not JSON. */
export type JsonResponse<T> = HttpResponse & { data: T | undefined };

interface CallContext {
  request: HttpRequest;
  runtime: ServiceRuntime;
  url: URL;
  headers: Record<string, string>;
  correlationId: string;
  startedAt: number;
}

interface Settled {
  response: HttpResponse;
  attempts: number;
}

export class HttpClient {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly transport: Transport;
  private readonly services: Record<ServiceKey, ServiceRuntime>;
  private readonly cache: ResponseCache;
  private readonly cachePartition: string;

  constructor(options: HttpClientOptions) {
    this.logger = options.logger.child('api');
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.transport = new Transport(options.trust);
    this.cache = new ResponseCache(this.clock, options.cacheEntries ?? 500);
    this.cachePartition = options.cachePartition ?? '';
    const policies = resolveServicePolicies(options.services);
    const runtime = (key: ServiceKey): ServiceRuntime => ({
      name: SERVICE_NAMES[key],
      policy: policies[key],
      breaker: new CircuitBreaker(SERVICE_NAMES[key], policies[key].breaker, this.clock),
      limit: new Semaphore(policies[key].concurrency),
      perKey: policies[key].perKeyConcurrency ? new KeyedSemaphores(policies[key].perKeyConcurrency) : undefined,
    });
    this.services = {
      entra: runtime('entra'),
      graph: runtime('graph'),
      dataverse: runtime('dataverse'),
      stripe: runtime('stripe'),
      flows: runtime('flows'),
      forward: runtime('forward'),
      sendgrid: runtime('sendgrid'),
      acs: runtime('acs'),
    };
  }

  /** The breaker's state for a service: 'closed', 'open' or 'halfOpen' (for status displays and tests). */
  breakerState(service: ServiceKey): string {
    return this.services[service].breaker.stateName;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const context = this.prepare(request);
    const policy = cachePolicy(request);
    const cacheKey = policy
      ? cacheKeyFor(request.service, request.url, context.headers, this.cachePartition)
      : undefined;
    const cached = cacheKey && policy ? this.cache.lookup(cacheKey, policy.ttlMs) : undefined;
    if (cached?.state === 'fresh') {
      const response = fromCache(cached.entry, 'hit', 0);
      this.logOutcome(context, response, 0);
      return response;
    }
    const revalidating = cached?.state === 'stale' && cached.entry.etag !== undefined ? cached.entry : undefined;
    if (revalidating && context.headers['if-none-match'] === undefined) {
      context.headers['if-none-match'] = revalidating.etag ?? '';
    }
    try {
      const settled = await this.sendWithRetries(context);
      const response = cacheKey ? await this.throughCache(cacheKey, settled, revalidating) : settled.response;
      this.logOutcome(context, response, settled.attempts);
      return response;
    } catch (error) {
      this.logFailure(context, error);
      throw error;
    }
  }

  async requestJson<T = unknown>(request: JsonRequest): Promise<JsonResponse<T>> {
    const { json, ...rest } = request;
    const headers: Record<string, string> = { accept: 'application/json', ...rest.headers };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const response = await this.request({
      ...rest,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return Object.assign(response, { data: await readJsonData<T>(response) });
  }

  /** Closes the pooled connections; requests after this fail. */
  close(): Promise<void> {
    this.cache.clear();
    return this.transport.close();
  }

  private prepare(request: HttpRequest): CallContext {
    const runtime = this.services[request.service];
    if (!runtime) {
      throw new ValidationError(`Unknown service "${String(request.service)}".`, { code: 'http.unknownService' });
    }
    const url = parseHttpUrl(request.url);
    if (cachePolicy(request) && request.method !== 'GET') {
      throw new ValidationError('Only GET responses can be cached.', { code: 'http.cacheNotGet' });
    }
    if (request.signal?.aborted) throw new CancelledError();
    const headers = lowerCaseHeaders(request.headers);
    const idHeader = CLIENT_REQUEST_ID_HEADER[request.service];
    const correlationId =
      (idHeader ? headers[idHeader] : undefined) ?? request.correlationId ?? headers['idempotency-key'] ?? randomUUID();
    if (idHeader && headers[idHeader] === undefined) headers[idHeader] = correlationId;
    return { request, runtime, url, headers, correlationId, startedAt: this.clock.now() };
  }

  private async sendWithRetries(context: CallContext): Promise<Settled> {
    const { request, runtime } = context;
    const wire = this.wireRequest(context);
    let lastResponse: HttpResponse | undefined;
    for (let attempts = 1; ; attempts++) {
      let result: AttemptResult;
      try {
        result = await runAttempt(runtime, this.transport, wire, request.concurrencyKey);
      } catch (error) {
        // The breaker opened while we were retrying: the answer we already have beats a generic error.
        if (lastResponse && !(error instanceof CancelledError))
          return { response: lastResponse, attempts: attempts - 1 };
        throw error;
      }
      if (result.kind === 'response') {
        const response = toResponse(result, context.url, attempts);
        if (!mayRetryStatus(request, result.status, context.headers)) return { response, attempts };
        lastResponse = response;
        const retryAfterMs = parseRetryAfter(result.headers['retry-after'], this.clock.now());
        const delayMs = this.retryDelay(context, attempts, retryAfterMs);
        if (delayMs === undefined) return { response, attempts };
        this.logRetry(context, attempts, delayMs, `status ${result.status}`);
        await this.clock.sleep(delayMs, request.signal);
        continue;
      }
      const delayMs = this.mayRetryFailure(context, result.failure)
        ? this.retryDelay(context, attempts, undefined)
        : undefined;
      if (delayMs === undefined) throw this.failureError(context, result.failure, attempts);
      this.logRetry(context, attempts, delayMs, result.failure.code ?? result.failure.kind);
      await this.clock.sleep(delayMs, request.signal);
    }
  }

  private wireRequest(context: CallContext): WireRequest {
    const { request, runtime } = context;
    return {
      url: context.url,
      method: request.method,
      headers: context.headers,
      body: request.body,
      signal: request.signal,
      timeoutMs: request.timeoutMs ?? runtime.policy.timeoutMs,
      stream: request.stream === true && !cachePolicy(request),
      bufferStatuses: isRetriableStatus,
    };
  }

  private mayRetryFailure(context: CallContext, failure: AttemptFailure): boolean {
    if (!isTransientFailure(failure.kind)) return false;
    return isIdempotentRequest(context.request, context.headers) || happenedBeforeSending(failure);
  }

  private retryDelay(context: CallContext, attempts: number, retryAfterMs: number | undefined): number | undefined {
    const verdict = decideRetry({
      attempts,
      policy: context.runtime.policy.retry,
      elapsedMs: this.clock.now() - context.startedAt,
      retryAfterMs,
      random: this.random,
    });
    return verdict.retry ? verdict.delayMs : undefined;
  }

  private failureError(context: CallContext, failure: AttemptFailure, attempts: number): Error {
    return failureToError(failure, {
      serviceName: context.runtime.name,
      origin: context.url.origin,
      attempts,
      timeoutMs: context.request.timeoutMs ?? context.runtime.policy.timeoutMs,
      detail: {
        service: context.request.service,
        method: context.request.method,
        url: redactUrl(context.request.url),
        correlationId: context.correlationId,
      },
    });
  }

  /** Stores fresh 200s and turns a 304 to our If-None-Match into the held 200, refreshed. */
  private async throughCache(
    key: string,
    settled: Settled,
    revalidating: CachedResponse | undefined,
  ): Promise<HttpResponse> {
    const { response, attempts } = settled;
    if (response.status === 304 && revalidating) {
      return fromCache(this.cache.refresh(key) ?? revalidating, 'revalidated', attempts);
    }
    // Cached requests are never streamed, so the body is already in memory.
    const bytes = await response.bytes();
    if (response.status === 200) {
      this.cache.store(key, { status: response.status, headers: response.headers, url: response.url, bytes });
    }
    const meta = {
      status: response.status,
      headers: response.headers,
      url: response.url,
      attempts,
      cache: 'miss' as const,
    };
    return bufferedResponse(meta, bytes);
  }

  private logOutcome(context: CallContext, response: HttpResponse, attempts: number): void {
    this.logger.debug('http request', {
      ...this.logBase(context),
      status: response.status,
      durationMs: this.clock.now() - context.startedAt,
      attempts,
      cache: response.cache,
      serverRequestId: serverRequestId(response.headers),
    });
  }

  private logFailure(context: CallContext, error: unknown): void {
    this.logger.debug('http request failed', {
      ...this.logBase(context),
      durationMs: this.clock.now() - context.startedAt,
      error: error instanceof Error ? ((error as { code?: unknown }).code ?? error.name) : String(error),
      attempts: (error as { detail?: { attempts?: number } }).detail?.attempts,
    });
  }

  private logRetry(context: CallContext, attempts: number, delayMs: number, reason: string): void {
    this.logger.debug('http retry', { ...this.logBase(context), attempts, delayMs, reason });
  }

  private logBase(context: CallContext): Record<string, unknown> {
    return {
      service: context.request.service,
      method: context.request.method,
      url: redactUrl(context.request.url),
      correlationId: context.correlationId,
    };
  }
}

/** The TTL a request asks the cache for; undefined when it is not cached ('no-store' included). */
function cachePolicy(request: HttpRequest): { ttlMs: number } | undefined {
  return typeof request.cache === 'object' ? request.cache : undefined;
}

function toResponse(result: AttemptResult & { kind: 'response' }, url: URL, attempts: number): HttpResponse {
  const meta = {
    status: result.status,
    headers: result.headers,
    url: url.toString(),
    attempts,
    cache: 'none' as const,
  };
  return 'stream' in result ? streamedResponse(meta, result.stream) : bufferedResponse(meta, result.bytes);
}

function fromCache(entry: CachedResponse, cache: 'hit' | 'revalidated', attempts: number): HttpResponse {
  const meta = { status: entry.status, headers: { ...entry.headers }, url: entry.url, attempts, cache };
  return bufferedResponse(meta, entry.bytes);
}

function parseHttpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new ValidationError(`Not a URL: ${redactUrl(text)}`, { code: 'http.invalidUrl', cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`Only http and https URLs are supported, not ${url.protocol}`, {
      code: 'http.invalidUrl',
    });
  }
  return url;
}

function lowerCaseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) lower[name.toLowerCase()] = value;
  return lower;
}

async function readJsonData<T>(response: HttpResponse): Promise<T | undefined> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return parseJsonBody<T>(text, response);
  } catch (error) {
    if (response.status < 200 || response.status > 299) return undefined;
    throw error;
  }
}
