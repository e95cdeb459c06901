// Sends one Web API call: the environment's API root, the headers every call carries (OData-MaxVersion,
// OData-Version, Accept, MSCRMCallerID when impersonating), Prefer preferences, the bearer token through
// sendAuthorized (one retry on 401), and the mapping of any non-2xx answer to a typed error.
import { sendAuthorized, type Resource, type TokenProvider } from '../auth';
import { systemClock, type Clock } from '../clock';
import { parseRetryAfter, redactUrl, type HttpClient, type HttpMethod, type HttpResponse } from '../http';
import { ExternalServiceError, type LifeCockpitError } from '../errors';
import type { Logger } from '../log';
import { dataverseError, type ErrorContext } from './errors';

export interface DataverseClientOptions {
  http: HttpClient;
  tokens: TokenProvider;
  resource: Resource;
  /** The environment URL (`https://contoso.crm.dynamics.com`); the API root `/api/data/v9.2` hangs under it. */
  baseUrl: string;
  log: Logger;
  /** Act as this systemuser (impersonation; the app needs prvActOnBehalfOfAnotherUser). */
  callerId?: string;
  /** For reading an HTTP-date Retry-After. */
  clock?: Clock;
}

export interface CallOptions {
  method: HttpMethod;
  /** Below the API root (`contacts(…)`), or an absolute URL (a nextLink, followed verbatim). */
  path: string;
  /** What is being done, for error messages: "reading contacts(…)". */
  operation: string;
  headers?: Record<string, string>;
  prefer?: readonly string[];
  /** A JSON body; a string is sent as it is (the multipart of `$batch`). */
  body?: unknown;
  signal?: AbortSignal;
  cacheTtlMs?: number;
  /** 'no-store': never answered from (nor kept in) the HTTP cache. */
  cache?: 'no-store';
  idempotent?: boolean;
}

export const API_VERSION = 'v9.2';
export const FORMATTED_VALUE = 'OData.Community.Display.V1.FormattedValue';

export class DataverseTransport {
  readonly apiBase: string;
  private readonly options: DataverseClientOptions;

  constructor(options: DataverseClientOptions) {
    this.options = options;
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}/api/data/${API_VERSION}`;
  }

  get log(): Logger {
    return this.options.log;
  }

  urlFor(path: string): string {
    return /^https?:\/\//i.test(path) ? path : `${this.apiBase}/${path.replace(/^\/+/, '')}`;
  }

  /**
   * The URL of a page's `@odata.nextLink`, resolved against the request that returned it (RFC 3986 §5, so a
   * root-relative `/api/data/…` keeps the API path once). The bearer token goes with it, so it is followed only
   * on the environment's own origin over https; a link anywhere else is an error that names where it pointed.
   */
  nextLinkUrl(link: string, requestUrl: string): string {
    let url: URL;
    try {
      url = new URL(link, requestUrl);
    } catch (error) {
      throw new ExternalServiceError(`Dataverse answered with a next-page link that is not a URL: ${redactUrl(link)}`, {
        code: 'dataverse.invalidNextLink',
        cause: error,
      });
    }
    const home = new URL(this.apiBase);
    if (url.protocol !== 'https:' || url.origin !== home.origin) {
      throw new ExternalServiceError(
        `Dataverse answered with a next-page link to ${url.origin}, which is not this environment (${home.origin} over https); it was not followed and no token was sent there.`,
        { code: 'dataverse.foreignNextLink', detail: { nextLinkOrigin: url.origin, environment: home.origin } },
      );
    }
    return url.toString();
  }

  /** The raw answer, whatever its status. */
  async send(call: CallOptions): Promise<HttpResponse> {
    const headers = this.headersFor(call);
    const isText = typeof call.body === 'string';
    if (call.body !== undefined && !isText) headers['Content-Type'] = 'application/json';
    return sendAuthorized(this.options.http, this.options.tokens, this.options.resource, {
      service: 'dataverse',
      method: call.method,
      url: this.urlFor(call.path),
      headers,
      body: call.body === undefined ? undefined : isText ? (call.body as string) : JSON.stringify(call.body),
      signal: call.signal,
      idempotent: call.idempotent,
      // Service protection counts concurrent requests per user (api-limits.md): queue per acting user.
      concurrencyKey: `dataverse:${this.options.callerId ?? 'app'}`,
      ...(call.cache === 'no-store'
        ? { cache: 'no-store' as const }
        : call.cacheTtlMs !== undefined
          ? { cache: { ttlMs: call.cacheTtlMs } }
          : {}),
    });
  }

  /** The parsed JSON body of a 2xx answer (undefined when empty); any other status throws its typed error. */
  async json<T>(call: CallOptions): Promise<{ data: T | undefined; response: HttpResponse }> {
    const response = await this.send(call);
    if (response.status < 200 || response.status > 299)
      throw await this.errorFrom(response, { operation: call.operation });
    const text = await response.text();
    if (text.trim() === '') return { data: undefined, response };
    try {
      return { data: JSON.parse(text) as T, response };
    } catch (error) {
      throw new ExternalServiceError(`Dataverse answered ${call.operation} with a body that is not JSON.`, {
        code: 'dataverse.invalidJson',
        cause: error,
      });
    }
  }

  /** Like json, for writes whose answer matters only by status and headers. */
  async expectSuccess(call: CallOptions, onError?: ErrorEnricher): Promise<HttpResponse> {
    const response = await this.send(call);
    if (response.status >= 200 && response.status <= 299) {
      await response.bytes(); // drain, so the pooled connection is reusable
      return response;
    }
    const context: ErrorContext = { operation: call.operation };
    if (onError) Object.assign(context, await onError(response.status));
    throw await this.errorFrom(response, context);
  }

  async errorFrom(response: HttpResponse, context: ErrorContext): Promise<LifeCockpitError> {
    const text = await response.text();
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      // Gateways in front of Dataverse answer 502/503 with HTML: keep the status, drop the page.
      body = undefined;
    }
    const now = (this.options.clock ?? systemClock).now();
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
    const urlLength = response.status === 414 || response.status === 431 ? response.url.length : undefined;
    const error = dataverseError(response.status, body, { retryAfterMs, urlLength, ...context });
    this.log.debug('dataverse call failed', {
      operation: context.operation,
      status: response.status,
      code: error.code,
      serverRequestId: response.headers['x-ms-service-request-id'],
    });
    return error;
  }

  private headersFor(call: CallOptions): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      ...call.headers,
    };
    // The docs recommend `If-None-Match: null` on reads so no layer answers from a stale cache; reads we cache
    // ourselves revalidate with their ETag instead.
    if (call.method === 'GET' && call.cacheTtlMs === undefined && headers['If-None-Match'] === undefined) {
      headers['If-None-Match'] = 'null';
    }
    if (this.options.callerId) headers.MSCRMCallerID = this.options.callerId;
    if (call.prefer && call.prefer.length > 0) headers.Prefer = call.prefer.join(',');
    return headers;
  }
}

/** Finds more to say about a failure (who changed a row) before the error is made. */
export type ErrorEnricher = (status: number) => Promise<Partial<ErrorContext>>;
