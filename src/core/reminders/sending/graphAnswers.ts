// Graph answers as the sender needs them: each request goes out through the SDK with the raw Response
// kept (status, Retry-After and body), and a refusal becomes a typed error that says whether the request
// may have taken effect. A request whose answer never came (the connection broke) may have run: the
// sender looks before acting again, so such errors say `outcomeUnknown`.
import { GraphError, ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Clock } from '../../clock';
import {
  AuthenticationError,
  CancelledError,
  ExternalServiceError,
  NotFoundError,
  TransientError,
  ValidationError,
  type LifeCockpitError,
} from '../../errors';
import { parseRetryAfter } from '../../http';

export interface GraphAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface GraphCall {
  method: 'GET' | 'POST';
  path: string;
  /** What the call does, for messages: `creating the draft of reminder …`. */
  what: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** The Graph application role the call needs, named when Graph refuses it. */
  role: string;
  signal?: AbortSignal;
}

const errorBody = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });

/** Sends one request and returns its answer, whatever the status; throws only when no answer came. */
export async function graphRequest(graph: Client, call: GraphCall): Promise<GraphAnswer> {
  let request = graph.api(call.path).responseType(ResponseType.RAW);
  for (const [name, value] of Object.entries(call.headers ?? {})) request = request.header(name, value);
  if (call.query) request = request.query(call.query);
  if (call.signal) request = request.option('signal', call.signal);
  let response: Response;
  try {
    response = (await (call.method === 'GET' ? request.get() : request.post(call.body ?? null))) as Response;
  } catch (error) {
    throw noAnswer(error, call);
  }
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  return { status: response.status, headers, body: text === '' ? undefined : safeJson(text) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The request left (or may have): the connection broke, timed out, or was cancelled by the caller. */
function noAnswer(error: unknown, call: GraphCall): LifeCockpitError {
  // The SDK wraps whatever the fetch threw in a GraphError named after it (statusCode -1).
  const name = error instanceof GraphError ? error.code : error instanceof Error ? error.name : undefined;
  if (call.signal?.aborted || name === 'CancelledError' || name === 'AbortError') return new CancelledError();
  return new TransientError(
    `Graph: no answer while ${call.what}: ${error instanceof Error ? error.message : String(error)}`,
    { code: 'reminders.noAnswer', detail: { outcomeUnknown: true }, cause: error },
  );
}

/** The typed error for a refused request; undefined for a 2xx answer. */
export function refusal(answer: GraphAnswer, call: Pick<GraphCall, 'what' | 'role' | 'method'>, clock: Clock) {
  const { status } = answer;
  if (status >= 200 && status < 300) return undefined;
  const parsed = errorBody.safeParse(answer.body);
  const graphCode = parsed.success ? parsed.data.error.code : undefined;
  const said = parsed.success && parsed.data.error.message ? `: ${parsed.data.error.message}` : '';
  const message = `Graph answered ${status}${graphCode ? ` ${graphCode}` : ''} while ${call.what}${said}`;
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], clock.now());
  const detail = { status, graphCode, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 429 || status >= 500) {
    // A 429 is refused at the door; a 5xx to a write may have run before it failed.
    const outcomeUnknown = status >= 500 && call.method === 'POST';
    return new TransientError(message, {
      code: status === 429 ? 'graph.throttled' : 'graph.unavailable',
      detail: { ...detail, outcomeUnknown },
    });
  }
  if (status === 404) return new NotFoundError(message, { code: 'graph.notFound', detail });
  if (status === 401) return new AuthenticationError(message, { code: 'graph.unauthorized', detail });
  if (status === 403) {
    return new AuthenticationError(`${message}. The app needs the Graph application role ${call.role}.`, {
      code: 'graph.forbidden',
      detail: { ...detail, role: call.role },
    });
  }
  if (status === 400) return new ValidationError(message, { code: 'graph.badRequest', detail });
  return new ExternalServiceError(message, { code: 'graph.failed', detail });
}

/** Sends the request and returns the answer's body; a refusal throws its typed error. */
export async function graphCall(graph: Client, call: GraphCall, clock: Clock): Promise<unknown> {
  const answer = await graphRequest(graph, call);
  const error = refusal(answer, call, clock);
  if (error) throw error;
  return answer.body;
}

/** Whether the failed request may have taken effect, so the sender must look before doing it again. */
export function outcomeUnknown(error: unknown): boolean {
  return (error as LifeCockpitError | undefined)?.detail?.outcomeUnknown === true;
}
