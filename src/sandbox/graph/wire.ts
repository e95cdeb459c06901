// The shapes every Graph answer shares: the internal call/result types the routes speak, the error
// body (`{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`), the
// request-id headers and the OData JSON content type.

import type { AccessTokenClaims } from '../types';

/** One Graph request after auth, whether it came over HTTP or from inside a `$batch`. */
export interface GraphCall {
  method: string;
  /** Decoded segments below `/v1.0` (e.g. ['users', 'x@y', 'sendMail']). */
  segments: string[];
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  claims: AccessTokenClaims;
  requestId: string;
  clientRequestId: string;
}

export interface GraphResult {
  status: number;
  headers: Record<string, string>;
  body?: object | string;
}

/** Graph sends the full OData content type on JSON payloads. */
export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function graphHeaders(call: Pick<GraphCall, 'requestId' | 'clientRequestId'>): Record<string, string> {
  return { 'request-id': call.requestId, 'client-request-id': call.clientRequestId };
}

export function ok(call: Pick<GraphCall, 'requestId' | 'clientRequestId'>, body: object, status = 200): GraphResult {
  return { status, headers: { ...graphHeaders(call), 'content-type': ODATA_JSON }, body };
}

export function noContent(call: Pick<GraphCall, 'requestId' | 'clientRequestId'>, status = 204): GraphResult {
  return { status, headers: graphHeaders(call) };
}

/** `date` in innerError has no zone suffix and no fraction, as real captures show. */
function innerErrorDate(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 19);
}

export interface GraphErrorSpec {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

export function graphError(
  call: Pick<GraphCall, 'requestId' | 'clientRequestId'>,
  nowMs: number,
  spec: GraphErrorSpec,
): GraphResult {
  return {
    status: spec.status,
    headers: { ...graphHeaders(call), 'content-type': 'application/json', ...spec.headers },
    body: {
      error: {
        code: spec.code,
        message: spec.message,
        innerError: {
          date: innerErrorDate(nowMs),
          'request-id': call.requestId,
          'client-request-id': call.clientRequestId,
        },
      },
    },
  };
}

/** Errors the routes raise; the dispatcher turns them into a Graph error body. */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphFault';
  }
}

export const faults = {
  badRequest: (message: string) => new GraphFault(400, 'BadRequest', message),
  invalidJson: () =>
    new GraphFault(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  /** Outlook's answer to an item id it does not hold. */
  itemNotFound: () => new GraphFault(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
  /** Outlook's answer to a mailbox it cannot resolve. */
  invalidUser: (user: string) => new GraphFault(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`),
  /** The directory's not-found text. */
  directoryNotFound: (id: string) =>
    new GraphFault(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
};

/** Parses a JSON body or raises the payload error Graph answers with. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (text === '') throw faults.invalidJson();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw faults.invalidJson();
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Graph's ISO form for Outlook timestamps: seconds precision, `Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}
