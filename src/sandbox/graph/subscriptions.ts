// Change-notification subscriptions: POST /subscriptions runs Graph's validation handshake (POST
// `{notificationUrl}?validationToken=…` as text/plain, expect a 200 echo of the decoded token within
// 10 s, else 400 ValidationError) on the notificationUrl and on the lifecycleNotificationUrl when one is
// given (Graph validates both), then answers 201. GET/PATCH/DELETE /subscriptions/{id} manage it. A
// subscription past its expirationDateTime is gone, as Graph removes expired ones: 404, no notifications.

import { accessDenied, hasAnyRole } from './auth';
import type { Route, RouteEnv } from './routeTypes';
import { findUser, type StoredSubscription } from './state';
import { GraphFault, faults, isRecord, noContent, ok, parseJsonBody, type GraphCall, type GraphResult } from './wire';

/** Outlook resources (messages, events) allow at most 10080 minutes (7 days). */
export const MAX_OUTLOOK_EXPIRATION_MINUTES = 10080;
const CHANGE_TYPES = ['created', 'updated', 'deleted'];
const ROLES_FOR: Record<StoredSubscription['target']['collection'], readonly string[]> = {
  events: ['Calendars.Read', 'Calendars.ReadBasic', 'Calendars.ReadWrite'],
  messages: ['Mail.Read', 'Mail.ReadBasic', 'Mail.ReadBasic.All', 'Mail.ReadWrite'],
};

function validationError(message: string): GraphFault {
  return new GraphFault(400, 'ValidationError', message);
}

export function subscriptionEntity(sub: StoredSubscription): Record<string, unknown> {
  return {
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.applicationId,
    changeType: sub.changeType,
    clientState: sub.clientState,
    notificationUrl: sub.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl ?? null,
    expirationDateTime: new Date(sub.expirationMs).toISOString().replace('Z', '0000Z'),
    creatorId: sub.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: sub.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

/** `users/{id}/events`, `/users/{id}/calendar/events`, `users/{id}/messages`, `users/{id}/mailFolders('sentitems')/messages`. */
function resolveResource(resource: string, env: RouteEnv): StoredSubscription['target'] {
  const path = resource.replace(/^\/+/, '').replace(/\('([^']*)'\)/g, '/$1');
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0]?.toLowerCase() === 'me') {
    throw faults.badRequest('/me request is only valid with delegated authentication flow.');
  }
  if (parts[0]?.toLowerCase() !== 'users' || parts.length < 3)
    throw validationError(`Resource '${resource}' is not supported.`);
  const tail = parts.slice(2).join('/').toLowerCase();
  const collection =
    tail === 'events' || tail === 'calendar/events'
      ? 'events'
      : tail === 'messages' || tail === 'mailfolders/sentitems/messages'
        ? 'messages'
        : undefined;
  if (!collection) throw validationError(`Resource '${resource}' is not supported.`);
  const user = findUser(env.state(), decodeURIComponent(parts[1] ?? ''));
  if (!user) throw faults.invalidUser(parts[1] ?? '');
  return { userId: user.id, collection };
}

function readExpiration(value: unknown, env: RouteEnv): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw validationError('expirationDateTime is a required property for subscription creation.');
  if (ms <= env.now())
    throw validationError(`Subscription expiration must be in the future. ExpirationDateTime: ${String(value)}.`);
  if (ms > env.now() + MAX_OUTLOOK_EXPIRATION_MINUTES * 60_000) {
    throw validationError(
      `Subscription expiration can only be ${MAX_OUTLOOK_EXPIRATION_MINUTES} minutes in the future.`,
    );
  }
  return ms;
}

function readChangeType(value: unknown): string {
  const parts = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : [];
  if (parts.length === 0 || parts.some((part) => !CHANGE_TYPES.includes(part))) {
    throw validationError(`Invalid changeType '${String(value)}'. Allowed values: created, updated, deleted.`);
  }
  return parts.join(',');
}

/** Graph requires HTTPS; the sandbox also takes http on loopback, where local webhook servers listen. */
function readNotificationUrl(value: unknown, property = 'notificationUrl'): string {
  let url: URL;
  try {
    url = new URL(typeof value === 'string' ? value : '');
  } catch {
    throw validationError(`${property} is a required property for subscription creation.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw validationError(`Subscription validation request failed. ${property} must be HTTPS.`);
  }
  return url.toString();
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Graph's handshake: the endpoint must echo the URL-decoded token, 200, within the time limit. */
async function validateEndpoint(notificationUrl: string, call: GraphCall, env: RouteEnv): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${call.requestId}`;
  const separator = notificationUrl.includes('?') ? '&' : '?';
  const url = `${notificationUrl}${separator}validationToken=${encodeURIComponent(token)}`;
  let answer: { status: number; body: string } | 'timeout';
  try {
    answer = await withTimeout(
      env.ctx.outbound(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' }),
      env.validationTimeoutMs(),
    );
  } catch (error) {
    throw validationError(
      `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (${String(error)})`,
    );
  }
  if (answer === 'timeout') throw validationError('Subscription validation request timed out.');
  if (answer.status !== 200) {
    throw validationError(
      `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. Status: ${answer.status}.`,
    );
  }
  if (answer.body !== token) {
    throw validationError(
      'Subscription validation request failed. Response must exactly match validationToken query parameter.',
    );
  }
}

async function createSubscription(call: GraphCall, env: RouteEnv): Promise<GraphResult> {
  const input = parseJsonBody(call.body);
  if (!isRecord(input)) throw faults.invalidJson();
  const changeType = readChangeType(input.changeType);
  const notificationUrl = readNotificationUrl(input.notificationUrl);
  const lifecycleNotificationUrl =
    input.lifecycleNotificationUrl === undefined || input.lifecycleNotificationUrl === null
      ? null
      : readNotificationUrl(input.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
  if (typeof input.resource !== 'string')
    throw validationError('resource is a required property for subscription creation.');
  const target = resolveResource(input.resource, env);
  if (!hasAnyRole(call.claims, ROLES_FOR[target.collection])) throw accessDenied('subscriptions');
  const expirationMs = readExpiration(input.expirationDateTime, env);
  const clientState = typeof input.clientState === 'string' ? input.clientState : null;
  if (clientState !== null && clientState.length > 128)
    throw validationError('clientState must be at most 128 characters.');
  await validateEndpoint(notificationUrl, call, env);
  if (lifecycleNotificationUrl !== null) await validateEndpoint(lifecycleNotificationUrl, call, env);
  const sub: StoredSubscription = {
    id: env.ctx.prng.uuid(),
    resource: input.resource,
    target,
    changeType,
    clientState,
    notificationUrl,
    lifecycleNotificationUrl,
    expirationMs,
    applicationId: call.claims.appid,
    creatorId: call.claims.oid,
    latestSupportedTlsVersion:
      typeof input.latestSupportedTlsVersion === 'string' ? input.latestSupportedTlsVersion : 'v1_2',
  };
  env.state().subscriptions.push(sub);
  return ok(call, { '@odata.context': `${env.root}/$metadata#subscriptions/$entity`, ...subscriptionEntity(sub) }, 201);
}

/** Graph removes a subscription once it expires: it can no longer be read, renewed or notified. */
export function removeExpiredSubscriptions(env: Pick<RouteEnv, 'state' | 'now'>): void {
  const all = env.state().subscriptions;
  const now = env.now();
  for (let i = all.length - 1; i >= 0; i--) if ((all[i]?.expirationMs ?? 0) <= now) all.splice(i, 1);
}

/** Each app sees only its own subscriptions. */
function findSubscription(call: GraphCall, env: RouteEnv, id: string): StoredSubscription {
  removeExpiredSubscriptions(env);
  const sub = env
    .state()
    .subscriptions.find((candidate) => candidate.id === id && candidate.applicationId === call.claims.appid);
  if (!sub) throw new GraphFault(404, 'ResourceNotFound', `The object was not found. Subscription '${id}'.`);
  return sub;
}

function updateSubscription(call: GraphCall, env: RouteEnv, id: string): GraphResult {
  const sub = findSubscription(call, env, id);
  const input = parseJsonBody(call.body);
  if (!isRecord(input)) throw faults.invalidJson();
  if (input.expirationDateTime !== undefined) sub.expirationMs = readExpiration(input.expirationDateTime, env);
  return ok(call, { '@odata.context': `${env.root}/$metadata#subscriptions/$entity`, ...subscriptionEntity(sub) });
}

function deleteSubscription(call: GraphCall, env: RouteEnv, id: string): GraphResult {
  const sub = findSubscription(call, env, id);
  const all = env.state().subscriptions;
  all.splice(all.indexOf(sub), 1);
  return noContent(call);
}

function listSubscriptions(call: GraphCall, env: RouteEnv): GraphResult {
  removeExpiredSubscriptions(env);
  const own = env.state().subscriptions.filter((sub) => sub.applicationId === call.claims.appid);
  return ok(call, { '@odata.context': `${env.root}/$metadata#subscriptions`, value: own.map(subscriptionEntity) });
}

const base = { workload: 'subscriptions', roles: [], mailbox: false } as const;

export const subscriptionRoutes: readonly Route[] = [
  { ...base, method: 'POST', pattern: ['subscriptions'], handle: (call, _p, env) => createSubscription(call, env) },
  {
    ...base,
    method: 'GET',
    pattern: ['subscriptions'],
    handle: (call, _p, env) => listSubscriptions(call, env),
  },
  {
    ...base,
    method: 'GET',
    pattern: ['subscriptions', ':id'],
    handle: (call, p, env) =>
      ok(call, {
        '@odata.context': `${env.root}/$metadata#subscriptions/$entity`,
        ...subscriptionEntity(findSubscription(call, env, p.id ?? '')),
      }),
  },
  {
    ...base,
    method: 'PATCH',
    pattern: ['subscriptions', ':id'],
    handle: (call, p, env) => updateSubscription(call, env, p.id ?? ''),
  },
  {
    ...base,
    method: 'DELETE',
    pattern: ['subscriptions', ':id'],
    handle: (call, p, env) => deleteSubscription(call, env, p.id ?? ''),
  },
];
