// Stripe's wire vocabulary shared by every route: the pinned API version, id prefixes, and the error
// shapes (`{"error":{type,code,message,param,doc_url,request_log_url}}`) with the statuses Stripe
// pairs them with, so stripe-node maps them to the same error classes it would against api.stripe.com.

/** The version stripe-node v23 pins (node_modules/stripe/cjs/apiVersion.js); used when no header is sent. */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Real ids are a prefix plus base62 characters; customers and products are shorter than the rest. */
export function randomToken(pick: (maxExclusive: number) => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pick(ALPHABET.length)];
  return out;
}

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  charge?: string;
  payment_intent?: unknown;
  doc_url?: string;
}

/** Thrown by route handlers; the dispatcher turns it into the error response. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

function invalid(status: number, code: string | undefined, message: string, param?: string): StripeApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (code !== undefined) {
    body.code = code;
    body.doc_url = docUrl(code);
  }
  if (param !== undefined) body.param = param;
  return new StripeApiError(status, body);
}

export function parameterMissing(param: string): StripeApiError {
  return invalid(400, 'parameter_missing', `Missing required param: ${param}.`, param);
}

export function parameterInvalidInteger(param: string, value: unknown): StripeApiError {
  return invalid(400, 'parameter_invalid_integer', `Invalid integer: ${String(value)}`, param);
}

export function parameterInvalidBoolean(param: string, value: unknown): StripeApiError {
  return invalid(400, 'parameter_invalid_string', `Invalid boolean: ${String(value)}`, param);
}

export function parameterInvalidEmpty(param: string): StripeApiError {
  return invalid(
    400,
    'parameter_invalid_empty',
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
  );
}

export function invalidValue(param: string, message: string): StripeApiError {
  return invalid(400, undefined, message, param);
}

export function invalidRequest(message: string, code?: string, param?: string): StripeApiError {
  return invalid(400, code, message, param);
}

/** Stripe names the resource in prose ("No such customer: 'cus_x'") and the param that carried the id. */
export function resourceMissing(noun: string, id: string, param = 'id'): StripeApiError {
  return invalid(404, 'resource_missing', `No such ${noun}: '${id}'`, param);
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return invalid(
    404,
    undefined,
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

export function idempotencyMismatch(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function idempotencyEndpointMismatch(key: string, firstPath: string, path: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${firstPath}' vs '${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

/** 401 for a wrong key keeps type invalid_request_error (stripe-node#361) and masks all but the last 4. */
export function invalidApiKey(key: string | undefined): StripeApiError {
  if (key === undefined || key === '') {
    return new StripeApiError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    });
  }
  const prefix = key.startsWith('sk_live_') ? 'sk_live_' : key.startsWith('sk_test_') ? 'sk_test_' : '';
  return new StripeApiError(401, {
    type: 'invalid_request_error',
    message: `Invalid API Key provided: ${prefix}****${key.slice(-4)}`,
  });
}

export interface Decline {
  code: string;
  declineCode?: string;
  message: string;
}

/** A 402 card_error as Stripe sends it for a declined charge, naming the charge it created. */
export function cardError(decline: Decline, chargeId: string, paymentIntent?: unknown): StripeApiError {
  const body: StripeErrorBody = {
    type: 'card_error',
    code: decline.code,
    message: decline.message,
    charge: chargeId,
    doc_url: docUrl(decline.code),
  };
  if (decline.declineCode !== undefined) body.decline_code = decline.declineCode;
  if (paymentIntent !== undefined) body.payment_intent = paymentIntent;
  return new StripeApiError(402, body);
}
