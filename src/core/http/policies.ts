// Default policy per service, and the merge of a caller's partial overrides over them. The numbers follow
// each service's documented limits, so a caller rarely needs to set any.
import type { ServiceKey, ServicePolicy } from './types';

const SERVICE_KEYS: readonly ServiceKey[] = [
  'entra',
  'graph',
  'dataverse',
  'stripe',
  'flows',
  'forward',
  'sendgrid',
  'acs',
];

/** Names a person recognises, for the breaker's "… looks unavailable" message. */
export const SERVICE_NAMES: Readonly<Record<ServiceKey, string>> = {
  entra: 'Microsoft Entra ID',
  graph: 'Microsoft Graph',
  dataverse: 'Dataverse',
  stripe: 'Stripe',
  flows: 'the flow trigger',
  forward: 'a local forwarding endpoint',
  sendgrid: 'SendGrid',
  acs: 'Azure Communication Services',
};

export const DEFAULT_SERVICE_POLICIES: Readonly<Record<ServiceKey, ServicePolicy>> = {
  entra: {
    timeoutMs: 30_000,
    retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 10_000, maxTotalMs: 60_000 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    concurrency: 4,
  },
  graph: {
    timeoutMs: 60_000,
    // Graph's 429s carry Retry-After, often fractional seconds (throttling.md); mailbox limits reset in seconds.
    retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, maxTotalMs: 180_000 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    // Across mailboxes: Graph's per-app limits are far higher, and 16 starved 20 mailboxes sending at once.
    concurrency: 64,
    // Outlook allows 4 concurrent requests per app and mailbox (throttling-limits.md, MailboxConcurrency).
    perKeyConcurrency: 4,
  },
  dataverse: {
    // Dataverse itself gives a request up to 2 minutes before it times out on the server.
    timeoutMs: 120_000,
    retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, maxTotalMs: 300_000 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    concurrency: 52,
    // Service protection: 52 concurrent requests per user (api-limits.md, 0x80072326).
    perKeyConcurrency: 52,
  },
  stripe: {
    // The stripe SDK's own default timeout is 80 s.
    timeoutMs: 80_000,
    retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 5_000, maxTotalMs: 60_000 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    concurrency: 8,
  },
  flows: {
    // A flow trigger answers 202 once the run is queued; a POST is never resent once it may have arrived.
    timeoutMs: 30_000,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, maxTotalMs: 60_000 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    concurrency: 4,
  },
  forward: {
    // A local endpoint answers at once or is not running; an event forwarded is never resent on its own
    // (a POST that may have arrived), the failure is recorded in the inbox and a replay can send it again.
    timeoutMs: 10_000,
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxTotalMs: 0 },
    // The targets are separate programs sharing this one key: a breaker opened by one that is down would
    // silence the others, and a refused local connection costs nothing to try.
    breaker: { failureThreshold: Number.MAX_SAFE_INTEGER, halfOpenAfterMs: 0 },
    concurrency: 8,
  },
  sendgrid: {
    // A mail send is a POST with no idempotency key: the layer never sends it twice. A 429 comes back to the
    // channel, which reads X-RateLimit-Reset (SendGrid sends no Retry-After) and leaves the retry to pacing.
    timeoutMs: 30_000,
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxTotalMs: 0 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    concurrency: 8,
  },
  acs: {
    // An SMS POST is never resent by the layer once it may have arrived (its repeatability fields make a
    // resend safe only inside ACS's 5-minute window, which the sender tracks); a 429 is retried after Retry-After.
    timeoutMs: 30_000,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000, maxTotalMs: 60_000 },
    breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
    concurrency: 8,
  },
};

export function resolveServicePolicies(
  overrides: Partial<Record<ServiceKey, Partial<ServicePolicy>>> = {},
): Record<ServiceKey, ServicePolicy> {
  const resolved = {} as Record<ServiceKey, ServicePolicy>;
  for (const key of SERVICE_KEYS) {
    const base = DEFAULT_SERVICE_POLICIES[key];
    const override = overrides[key] ?? {};
    resolved[key] = {
      ...base,
      ...override,
      retry: { ...base.retry, ...override.retry },
      breaker: { ...base.breaker, ...override.breaker },
    };
  }
  return resolved;
}
