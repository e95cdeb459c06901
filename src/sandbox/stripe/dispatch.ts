// Turns one sandbox request into one Stripe response: checks the secret key (Bearer, or Basic with
// the key as user), parses params (query for GET/DELETE, form body for POST), applies idempotency,
// runs the matched route and answers with Stripe's headers (`Request-Id`, `Stripe-Version`) and
// error shapes (`request_log_url` naming the request).

import type { SandboxRequest, SandboxResponse } from '../types';
import { canonicalParams, findSaved, worthSaving } from './idempotency';
import { Params, parseForm } from './params';
import { matchRoute, type Route, type StripeRuntime } from './runtime';
import { DEFAULT_API_VERSION, StripeApiError, invalidApiKey, invalidRequest, unrecognizedUrl } from './wire';

function header(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The API key from `Authorization: Bearer sk_…` or `Basic base64(sk_…:)`. */
export function apiKeyOf(request: SandboxRequest): string | undefined {
  const auth = header(request, 'authorization');
  if (auth === undefined) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer !== null) return bearer[1]?.trim();
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (basic !== null)
    return Buffer.from(basic[1] ?? '', 'base64')
      .toString('utf8')
      .split(':')[0];
  return undefined;
}

/** Stripe's request ids look like `req_` + 14 characters; reuse the server's id when it has that shape. */
export function stripeRequestId(requestId: string): string {
  if (requestId.startsWith('req_')) return requestId;
  const body = requestId.replace(/[^A-Za-z0-9]/g, '').slice(0, 14);
  return `req_${body.padEnd(14, '0')}`;
}

function apiVersionOf(request: SandboxRequest): string {
  const version = header(request, 'stripe-version');
  if (version === undefined || version === '') return DEFAULT_API_VERSION;
  if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version)) {
    throw invalidRequest(`Invalid Stripe API version: ${version}`, 'api_version_invalid');
  }
  return version;
}

function errorResponse(rt: StripeRuntime, error: StripeApiError, requestId: string): { status: number; body: object } {
  const body: Record<string, unknown> = { ...error.body };
  if (error.status !== 401) {
    body.request_log_url = `https://dashboard.stripe.com/${rt.state.accountId}/test/logs/${requestId}?t=${rt.now()}`;
  }
  return { status: error.status, body: { error: body } };
}

/** Authenticates, matches the route and parses its params; throws Stripe's 401/404 otherwise. */
function resolve(rt: StripeRuntime, routes: readonly Route[], request: SandboxRequest) {
  const method = request.method.toUpperCase();
  const path = request.path.split('?')[0] ?? request.path;
  const key = apiKeyOf(request);
  if (key !== rt.state.secretKey) throw invalidApiKey(key);
  const matched = matchRoute(routes, method, path);
  if (matched === undefined) throw unrecognizedUrl(method, path);
  const raw =
    method === 'POST' ? parseForm(request.body.toString('utf8')) : parseForm(request.url.search.replace(/^\?/, ''));
  return { matched, raw, method, path };
}

export function dispatch(rt: StripeRuntime, routes: readonly Route[], request: SandboxRequest): SandboxResponse {
  const requestId = stripeRequestId(request.requestId);
  const headers: Record<string, string> = {
    'Request-Id': requestId,
    'Cache-Control': 'no-cache, no-store',
    'Content-Type': 'application/json',
  };
  const idempotencyKey = request.method.toUpperCase() === 'POST' ? (header(request, 'idempotency-key') ?? null) : null;
  if (idempotencyKey !== null) headers['Idempotency-Key'] = idempotencyKey;
  try {
    headers['Stripe-Version'] = apiVersionOf(request);
    const { matched, raw, method, path } = resolve(rt, routes, request);
    const params = canonicalParams(raw);
    if (idempotencyKey !== null) {
      const saved = findSaved(rt.state, { key: idempotencyKey, method, path, params }, rt.nowMs());
      if (saved !== undefined) {
        headers['Idempotent-Replayed'] = 'true';
        headers['Original-Request'] = saved.requestId;
        return { status: saved.status, headers, body: saved.body as object };
      }
    }
    let status = 200;
    let body: object;
    try {
      body = matched.route.handler({
        rt,
        params: new Params(raw),
        path: matched.path,
        method,
        url: path,
        requestId,
        idempotencyKey,
      });
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      ({ status, body } = errorResponse(rt, error, requestId));
    }
    if (idempotencyKey !== null && worthSaving(status)) {
      rt.state.idempotency[idempotencyKey] = {
        key: idempotencyKey,
        method,
        path,
        params,
        status,
        body: structuredClone(body),
        requestId,
        savedAt: rt.nowMs(),
      };
    }
    return { status, headers, body };
  } catch (error) {
    headers['Stripe-Version'] ??= DEFAULT_API_VERSION;
    // A sandbox bug still answers in Stripe's shape (api_error, 500) so clients handle it as Stripe's.
    const failure =
      error instanceof StripeApiError
        ? error
        : new StripeApiError(500, {
            type: 'api_error',
            message: `Sandbox error: ${error instanceof Error ? error.message : String(error)}`,
          });
    const { status, body } = errorResponse(rt, failure, requestId);
    return { status, headers, body };
  }
}
