// Stripe's failures as the core's typed errors: stripe-node throws its own classes (mapped by HTTP status,
// see stripe-node's Error.ts), which the CLI and the editor would not know. A reused idempotency key with
// other parameters (`idempotency_error`) gets its own class, since it means "this was started before with
// other details" rather than "Stripe is broken".
import Stripe from 'stripe';
import {
  AuthenticationError,
  ConflictError,
  ExternalServiceError,
  LifeCockpitError,
  NotFoundError,
  TransientError,
  ValidationError,
  isAbortError,
  CancelledError,
  type ErrorOptions,
} from '../errors';

/** The same idempotency key was sent earlier with other parameters: Stripe refused, nothing new happened. */
export class StripeIdempotencyError extends ConflictError {
  constructor(message: string, options: ErrorOptions) {
    super(message, options);
  }
}

/** What the user was doing, for the message: "creating the invoice for session "X"". */
export function stripeFailure(error: unknown, doing: string): LifeCockpitError {
  if (error instanceof LifeCockpitError) return error;
  if (isAbortError(error)) return new CancelledError();
  if (!(error instanceof Stripe.errors.StripeError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ExternalServiceError(`Stripe failed while ${doing}: ${message}`, {
      code: 'stripe.unexpected',
      cause: error,
    });
  }
  // A failure without an answer: the HTTP layer's own typed error travels in `detail`.
  if (error instanceof Stripe.errors.StripeConnectionError && error.detail instanceof LifeCockpitError) {
    return error.detail;
  }
  const detail = { doing, stripeCode: error.code, requestId: error.requestId, status: error.statusCode };
  const options = { detail, cause: error };
  const said = error.message;
  if (error instanceof Stripe.errors.StripeIdempotencyError || error.rawType === 'idempotency_error') {
    return new StripeIdempotencyError(
      `Stripe refused ${doing}: the same request was made before with other details (the fee, the currency or the client changed since). Nothing new was charged. Look at the session's invoice or Checkout Session in the Stripe Dashboard before trying again.`,
      { code: 'stripe.idempotencyKeyReused', ...options },
    );
  }
  if (error instanceof Stripe.errors.StripeAuthenticationError || error.statusCode === 401) {
    return new AuthenticationError(
      `Stripe refused the secret key while ${doing}: ${said} Check LC_STRIPE_SECRET_KEY.`,
      {
        code: 'stripe.authentication',
        ...options,
      },
    );
  }
  if (error instanceof Stripe.errors.StripePermissionError) {
    return new AuthenticationError(`The Stripe key may not do this (${doing}): ${said}`, {
      code: 'stripe.permission',
      ...options,
    });
  }
  if (error instanceof Stripe.errors.StripeRateLimitError || error.statusCode === 409) {
    return new TransientError(`Stripe asked to slow down while ${doing}: ${said} Try again in a moment.`, {
      code: error.statusCode === 409 ? 'stripe.concurrentRequest' : 'stripe.rateLimited',
      ...options,
    });
  }
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return new TransientError(`Stripe could not be reached while ${doing}: ${said}`, {
      code: 'stripe.connection',
      ...options,
    });
  }
  if (error.code === 'resource_missing' || error.statusCode === 404) {
    return new NotFoundError(`Stripe does not know what was asked for while ${doing}: ${said}`, {
      code: 'stripe.resourceMissing',
      ...options,
    });
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
    return new ValidationError(`Stripe refused ${doing}: ${said}`, {
      code: `stripe.${error.code ?? 'invalidRequest'}`,
      ...options,
    });
  }
  return new ExternalServiceError(`Stripe failed while ${doing}: ${said}`, {
    code: 'stripe.apiError',
    retriable: (error.statusCode ?? 500) >= 500,
    ...options,
  });
}

/**
 * Runs one Stripe call, turning its failure into a typed error that says what was being done. The SDK takes no
 * AbortSignal, so a cancelled action stops before its next call.
 */
export async function stripeCall<T>(
  signal: AbortSignal | undefined,
  doing: string,
  call: () => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw new CancelledError();
  try {
    return await call();
  } catch (error) {
    throw stripeFailure(error, doing);
  }
}
