// The one error vocabulary of the core: every module throws a subclass of LifeCockpitError with a
// class (what kind of failure), a code (what exactly), a message a person can act on, and whether a
// retry may help. The editor shows them once (src/vscode/showError.ts) and the CLI maps them to exit
// codes (exitCodeFor) — nothing else inspects error text.

export type ErrorClass =
  'validation' | 'policy' | 'authentication' | 'transient' | 'external' | 'conflict' | 'notFound' | 'cancelled';

export interface ErrorOptions {
  /** A stable machine code, e.g. `config.invalidValue`, `auth.AADSTS7000215`. */
  code: string;
  retriable?: boolean;
  /** Extra structured detail for the log (already free of secrets). */
  detail?: Record<string, unknown>;
  cause?: unknown;
}

export class LifeCockpitError extends Error {
  readonly errorClass: ErrorClass;
  readonly code: string;
  readonly retriable: boolean;
  readonly detail: Record<string, unknown> | undefined;

  constructor(errorClass: ErrorClass, message: string, options: ErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorClass = errorClass;
    this.code = options.code;
    this.retriable = options.retriable ?? errorClass === 'transient';
    this.detail = options.detail;
  }
}

export class ValidationError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('validation', message, options);
  }
}

export class PolicyError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('policy', message, options);
  }
}

export class AuthenticationError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('authentication', message, options);
  }
}

export class TransientError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('transient', message, { retriable: true, ...options });
  }
}

export class ExternalServiceError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('external', message, options);
  }
}

export class ConflictError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('conflict', message, options);
  }
}

export class NotFoundError extends LifeCockpitError {
  constructor(message: string, options: ErrorOptions) {
    super('notFound', message, options);
  }
}

export class CancelledError extends LifeCockpitError {
  constructor(message = 'Cancelled.', options: ErrorOptions = { code: 'cancelled' }) {
    super('cancelled', message, options);
  }
}

/** Exit codes fixed by ../shared/INTERFACES.md §3 (the practice's own tooling settled on them). */
export const EXIT_CODES: Readonly<Record<ErrorClass, number>> = {
  validation: 10,
  policy: 11,
  authentication: 12,
  transient: 12,
  external: 13,
  notFound: 13,
  conflict: 14,
  cancelled: 12,
};

export function exitCodeFor(error: unknown): number {
  return error instanceof LifeCockpitError ? EXIT_CODES[error.errorClass] : 13;
}

/** Turns anything thrown into a LifeCockpitError without losing the original as `cause`. */
export function toLifeCockpitError(error: unknown): LifeCockpitError {
  if (error instanceof LifeCockpitError) return error;
  if (isAbortError(error)) return new CancelledError();
  const message = error instanceof Error ? error.message : String(error);
  return new ExternalServiceError(`Unexpected failure: ${message}`, { code: 'unexpected', cause: error });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
