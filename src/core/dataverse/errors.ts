// Dataverse's `{"error":{"code","message"}}` answers turned into the core's typed errors, by status as
// compose-http-requests-handle-errors documents it: 400 bad input, 401/403 sign-in or privilege, 404
// missing, 412 ConcurrencyVersionMismatch (or DuplicateRecord), 429 service protection, 5xx the service.
import {
  AuthenticationError,
  ConflictError,
  ExternalServiceError,
  NotFoundError,
  TransientError,
  ValidationError,
  type ErrorOptions,
  type LifeCockpitError,
} from '../errors';
import { UNKNOWN_RESOURCE_CODE, unknownSegmentOf } from './unknownEntitySet';

export interface DataverseErrorBody {
  code: string;
  message: string;
}

/** What was being done, for messages ("updating contacts(…)") and the log. */
export interface ErrorContext {
  operation: string;
  retryAfterMs?: number;
  /** For 414: how long the URL was that Dataverse refused. */
  urlLength?: number;
  /** For 412: who changed the row and when, when the client could find out. */
  changedBy?: string;
  changedOn?: string;
}

/** 429 from service protection: how long Dataverse asked us to wait. */
export class DataverseThrottledError extends TransientError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryAfterMs: number | undefined, options: ErrorOptions) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

const DUPLICATE_RECORD = '0x80040237';

/** query/overview "URL length limitations": a GET's URL is limited to 32 KB (32,768 characters). */
export const MAX_URL_LENGTH = 32_768;

/** Reads the error body whatever shape it came in (JSON object, text, nothing). */
export function readErrorBody(body: unknown): DataverseErrorBody {
  const inner = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    code: typeof inner?.code === 'string' ? inner.code : '',
    message: typeof inner?.message === 'string' ? inner.message : '',
  };
}

function codeFor(status: number, error: DataverseErrorBody): string {
  return `dataverse.${error.code || status}`;
}

/** The privilege named in a 403 such as "Principal user (Id=…) is missing prvReadContact privilege (Id=…)". */
export function missingPrivilege(message: string): string | undefined {
  return /missing (prv[A-Za-z0-9_]+) privilege/i.exec(message)?.[1];
}

function forbiddenMessage(error: DataverseErrorBody, context: ErrorContext): string {
  const privilege = missingPrivilege(error.message);
  if (privilege) {
    return `Dataverse refused ${context.operation}: the app's security role lacks the ${privilege} privilege. Add it to the application user's role in the Power Platform admin center.`;
  }
  if (/roleCount=0/i.test(error.message)) {
    return `Dataverse refused ${context.operation}: the application user has no security role. Assign one in the Power Platform admin center.`;
  }
  if (/not a member of the organization/i.test(error.message)) {
    return `Dataverse refused ${context.operation}: the app is not an application user of this environment. Add it under Settings → Users + permissions → Application users.`;
  }
  return `Dataverse refused ${context.operation}: ${error.message || 'permission denied'}.`;
}

function conflictMessage(error: DataverseErrorBody, context: ErrorContext): string {
  if (error.code === DUPLICATE_RECORD || /matching key values already exists/i.test(error.message)) {
    return `Dataverse refused ${context.operation}: a record with matching key values already exists.`;
  }
  const who = context.changedBy ? ` by ${context.changedBy}` : '';
  const when = context.changedOn ? ` at ${context.changedOn}` : '';
  const changed = who || when ? `changed${who}${when}` : 'changed by someone else';
  return `The record was ${changed} since you read it, so ${context.operation} was not applied. Reload it and try again.`;
}

/** The typed error for a non-2xx Dataverse answer. */
export function dataverseError(status: number, body: unknown, context: ErrorContext): LifeCockpitError {
  const error = readErrorBody(body);
  const options: ErrorOptions = {
    code: codeFor(status, error),
    detail: { status, dataverseCode: error.code, operation: context.operation },
  };
  const said = error.message ? `: ${error.message}` : '';
  if (status === 400) return new ValidationError(`Dataverse rejected ${context.operation}${said}`, options);
  if (status === 401) {
    return new AuthenticationError(`Dataverse did not accept the sign-in for ${context.operation}${said}`, options);
  }
  if (status === 403) return new AuthenticationError(forbiddenMessage(error, context), options);
  if (status === 404 && unknownSegmentOf(error.message) !== undefined) {
    // A path segment the service does not know (a mistyped entity set): the caller's input, not a missing row.
    return new ValidationError(`Dataverse has no such resource while ${context.operation}${said}`, {
      ...options,
      code: UNKNOWN_RESOURCE_CODE,
    });
  }
  if (status === 404) return new NotFoundError(`Not found while ${context.operation}${said}`, options);
  if (status === 412) {
    const code = error.code === DUPLICATE_RECORD ? 'dataverse.duplicateRecord' : 'dataverse.concurrencyMismatch';
    return new ConflictError(conflictMessage(error, context), { ...options, code });
  }
  if (status === 429) {
    const wait = context.retryAfterMs === undefined ? '' : ` Try again in ${Math.ceil(context.retryAfterMs / 1000)} s.`;
    return new DataverseThrottledError(
      `Dataverse is throttling requests (service protection limits) while ${context.operation}${said}.${wait}`,
      context.retryAfterMs,
      { ...options, detail: { ...options.detail, retryAfterMs: context.retryAfterMs } },
    );
  }
  if (status === 503) {
    // Busy, not broken: Dataverse answers 503 for requests it did not run (README maps it to exit 12).
    const wait = context.retryAfterMs === undefined ? '' : ` Try again in ${Math.ceil(context.retryAfterMs / 1000)} s.`;
    return new TransientError(`Dataverse is unavailable for now while ${context.operation}${said}.${wait}`, {
      ...options,
      detail: { ...options.detail, retryAfterMs: context.retryAfterMs },
    });
  }
  if (status >= 500) {
    return new ExternalServiceError(`Dataverse failed while ${context.operation} (HTTP ${status})${said}`, {
      ...options,
      retriable: status === 502 || status === 503 || status === 504,
    });
  }
  if (status === 414 || status === 431) {
    const length =
      context.urlLength === undefined ? '' : ` (this one has ${context.urlLength.toLocaleString('en-US')})`;
    return new ValidationError(
      `Dataverse refused ${context.operation}: its URL is too long${length}. A GET's URL may be at most ${MAX_URL_LENGTH.toLocaleString('en-US')} characters; narrow the filter or split the query into several.`,
      { ...options, code: 'dataverse.urlTooLong', detail: { ...options.detail, urlLength: context.urlLength } },
    );
  }
  if (status === 405 || status === 413) {
    return new ValidationError(`Dataverse rejected ${context.operation} (HTTP ${status})${said}`, options);
  }
  return new ExternalServiceError(`Dataverse answered HTTP ${status} while ${context.operation}${said}`, options);
}
