// The error answers the server itself gives in each service's own shape: injected faults (429, 500,
// 503) and "no such route" (404). Graph: {"error":{"code","message","innerError":{date,request-id,…}}};
// Dataverse: {"error":{"code":"0x…","message"}}; Stripe: {"error":{"type","code?","message"}};
// Entra: OAuth's {"error","error_description"} (wire-facts.md §1, §3, §4, §5); SendGrid: {"errors":[{field,message,help}]}.

import type { SandboxResponse, ServiceName } from './types';

export interface ErrorContext {
  service: ServiceName;
  requestId: string;
  clientRequestId?: string;
  now: number;
  method: string;
  path: string;
}

/** Graph's innerError date has no zone suffix: "2020-08-18T12:51:51". */
function graphDate(now: number): string {
  return new Date(now).toISOString().slice(0, 19);
}

function graphError(
  status: number,
  code: string,
  message: string,
  ctx: ErrorContext,
  extra: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'request-id': ctx.requestId, 'client-request-id': ctx.clientRequestId ?? ctx.requestId, ...extra },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: graphDate(ctx.now),
          'request-id': ctx.requestId,
          'client-request-id': ctx.clientRequestId ?? ctx.requestId,
        },
      },
    },
  };
}

function dataverseError(
  status: number,
  code: string,
  message: string,
  ctx: ErrorContext,
  extra: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'OData-Version': '4.0', REQ_ID: ctx.requestId, ...extra },
    body: { error: { code, message } },
  };
}

function stripeError(
  status: number,
  error: Record<string, string>,
  ctx: ErrorContext,
  extra: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'Request-Id': `req_${ctx.requestId.replace(/-/g, '').slice(0, 14)}`, ...extra },
    body: { error },
  };
}

function oauthError(
  status: number,
  error: string,
  description: string,
  extra: Record<string, string> = {},
): SandboxResponse {
  return { status, headers: extra, body: { error, error_description: description } };
}

/** SendGrid's error body: {"errors":[{"field":null,"message":"…","help":null}]}. */
function sendgridError(status: number, message: string, extra: Record<string, string> = {}): SandboxResponse {
  return { status, headers: extra, body: { errors: [{ field: null, message, help: null }] } };
}

export function throttled(ctx: ErrorContext, retryAfterSeconds: number): SandboxResponse {
  const retry = { 'Retry-After': String(retryAfterSeconds) };
  switch (ctx.service) {
    case 'sendgrid':
      // SendGrid's 429 names no Retry-After: X-RateLimit-Reset (Unix seconds) says when the period renews.
      return sendgridError(429, 'too many requests', {
        'X-RateLimit-Limit': '600',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.ceil(ctx.now / 1000) + retryAfterSeconds),
      });
    case 'graph':
      // throttling.md's sample: code TooManyRequests, innerError repeating code/status "429".
      return {
        status: 429,
        headers: { 'request-id': ctx.requestId, 'client-request-id': ctx.clientRequestId ?? ctx.requestId, ...retry },
        body: {
          error: {
            code: 'TooManyRequests',
            innerError: {
              code: '429',
              date: graphDate(ctx.now),
              message: 'Please retry after',
              'request-id': ctx.requestId,
              status: '429',
            },
            message: 'Please retry again later.',
          },
        },
      };
    case 'dataverse':
      return dataverseError(
        429,
        '0x80072322',
        'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
        ctx,
        retry,
      );
    case 'stripe':
      return stripeError(
        429,
        {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message:
            'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        },
        ctx,
        retry,
      );
    default:
      return oauthError(
        429,
        'temporarily_unavailable',
        'The service is temporarily unavailable because of too many requests. Retry after the time in Retry-After.',
        retry,
      );
  }
}

export function serverError(ctx: ErrorContext, status: 500 | 503, retryAfterSeconds?: number): SandboxResponse {
  const extra: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  switch (ctx.service) {
    case 'sendgrid':
      return sendgridError(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', extra);
    case 'graph':
      return status === 503
        ? graphError(
            503,
            'serviceNotAvailable',
            'The service is temporarily unavailable. Please retry later.',
            ctx,
            extra,
          )
        : graphError(500, 'generalException', 'An unexpected error occurred.', ctx, extra);
    case 'dataverse':
      return status === 503
        ? dataverseError(
            503,
            '0x80040216',
            'The service is temporarily unavailable. Please try again later.',
            ctx,
            extra,
          )
        : dataverseError(500, '0x80040216', 'An unexpected error occurred.', ctx, extra);
    case 'stripe':
      return stripeError(status, { type: 'api_error', message: 'An unknown error occurred' }, ctx, extra);
    default:
      return oauthError(
        status,
        'temporarily_unavailable',
        'The service is temporarily unavailable. Please retry later.',
        extra,
      );
  }
}

export function notFound(ctx: ErrorContext): SandboxResponse {
  const segment = ctx.path.split('/').filter(Boolean).pop() ?? '';
  switch (ctx.service) {
    case 'graph':
      return graphError(404, 'itemNotFound', `Resource not found for the segment '${segment}'.`, ctx);
    case 'dataverse':
      return dataverseError(404, '0x80060888', `Resource not found for the segment '${segment}'.`, ctx);
    case 'stripe':
      return stripeError(
        404,
        {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${ctx.method}: ${ctx.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        },
        ctx,
      );
    case 'inspector':
      return { status: 404, body: { error: `No sandbox inspector endpoint ${ctx.method} ${ctx.path}` } };
    case 'sendgrid':
      return sendgridError(404, 'resource not found');
    default:
      return oauthError(404, 'not_found', `The sandbox's Entra ID has no endpoint ${ctx.method} ${ctx.path}.`);
  }
}

/** A service that this sandbox build does not host (its factory was not supplied). */
export function notHosted(ctx: ErrorContext): SandboxResponse {
  return {
    status: 501,
    body: { error: { code: 'notImplemented', message: `The sandbox was started without its ${ctx.service} service.` } },
  };
}
