// The HTTP layer's public surface: the one client every network call goes through, its policies and types,
// and the adapters that make msal-node, the Graph SDK and the stripe SDK send through it.
export { HttpClient, type JsonRequest, type JsonResponse } from './httpClient';
export { DEFAULT_SERVICE_POLICIES, SERVICE_NAMES } from './policies';
// The core's one clock, re-exported for the layer's callers that inject it.
export { systemClock, type Clock } from '../clock';
export { redactUrl } from './requestLog';
export { parseRetryAfter } from './retryRules';
export type {
  BreakerPolicy,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  RetryPolicy,
  ServiceKey,
  ServicePolicy,
  TrustOptions,
} from './types';
export { msalNetworkClient } from './msalNetworkClient';
export {
  graphFetchMiddleware,
  graphMailboxOf,
  httpFetch,
  type FetchAdapterOptions,
  type FetchFunction,
} from './graphMiddleware';
export { stripeHttpClient, stripeSdkOptions } from './stripeHttpClient';
export { createProfileHttpClient, extraCaOrigins } from './profileClient';
