// Refund Session: all of what is left of a paid session's payment (by invoice or by Checkout link), or part of it. The amount is checked
// against what was paid and not yet refunded before the refund is asked for, and the refund's key derives
// from the session, the amount already refunded and the amount asked, so a double click refunds once while
// a second, later partial refund is a new request.
import type Stripe from 'stripe';
import { ConflictError, ValidationError } from '../errors';
import type { PaymentState } from '../sessions';
import { stripeCall } from './errors';
import { idempotencyKey, readPaymentSession, type PaymentDeps } from './paymentDeps';
import { recordPayment } from './recordPayment';

export interface RefundOptions {
  /** In the currency's smallest unit; default: everything not yet refunded. */
  amountCents?: number;
  signal?: AbortSignal;
}

export interface RefundedSession {
  sessionId: string;
  refundId: string;
  amountCents: number;
  /** Refunded in all, this refund included. */
  refundedCents: number;
  paidCents: number;
  currency: string;
  payment: PaymentState;
}

export interface RefundableAmount {
  paymentIntentId: string;
  paidCents: number;
  refundedCents: number;
  currency: string;
}

/** What the session's payment could still give back, or a ConflictError saying why nothing can be refunded. */
export async function refundableAmount(
  deps: PaymentDeps,
  sessionId: string,
  signal?: AbortSignal,
): Promise<RefundableAmount & { subject: string; invoiceId: string | undefined; checkoutSessionId?: string }> {
  const { session, invoiceId, checkoutSessionId } = await readPaymentSession(deps, sessionId, signal);
  const settled = session.payment === 'paid' || session.payment === 'refunded';
  if (settled && invoiceId === undefined && checkoutSessionId !== undefined) {
    // Paid through a Checkout link: its payment intent is the one to refund.
    const checkout = await stripeCall(signal, `reading the Checkout Session of "${session.subject}"`, () =>
      deps.stripe.checkout.sessions.retrieve(checkoutSessionId),
    );
    const intentId =
      typeof checkout.payment_intent === 'string' ? checkout.payment_intent : checkout.payment_intent?.id;
    if (checkout.payment_status !== 'paid' || intentId === undefined) {
      throw new ConflictError(
        `The Checkout link of "${session.subject}" was not paid through Stripe (it is ${checkout.status ?? 'unknown'}, ${checkout.payment_status}), so it cannot be refunded from here.`,
        { code: 'stripe.notRefundable', detail: { sessionId, checkoutSessionId, status: checkout.status } },
      );
    }
    return {
      subject: session.subject,
      invoiceId: undefined,
      checkoutSessionId,
      ...(await paidAmount(deps, session.subject, intentId, signal)),
    };
  }
  if (invoiceId === undefined || !settled) {
    throw new ConflictError(`The session "${session.subject}" has no paid invoice, so there is nothing to refund.`, {
      code: 'stripe.notPaid',
      detail: { sessionId, payment: session.payment },
    });
  }
  const invoice = await stripeCall(signal, `reading the invoice of "${session.subject}"`, () =>
    deps.stripe.invoices.retrieve(invoiceId, { expand: ['payments'] }),
  );
  const paymentIntentId = paidIntentOf(invoice);
  if (invoice.status !== 'paid' || paymentIntentId === undefined) {
    throw new ConflictError(
      `The invoice of "${session.subject}" was not paid through Stripe (it is ${invoice.status ?? 'unknown'}), so it cannot be refunded from here.`,
      { code: 'stripe.notRefundable', detail: { sessionId, invoiceId, status: invoice.status } },
    );
  }
  return { subject: session.subject, invoiceId, ...(await paidAmount(deps, session.subject, paymentIntentId, signal)) };
}

/** What a payment intent took and how much of it went back already. */
async function paidAmount(
  deps: PaymentDeps,
  subject: string,
  paymentIntentId: string,
  signal?: AbortSignal,
): Promise<RefundableAmount> {
  const intent = await stripeCall(signal, `reading the payment of "${subject}"`, () =>
    deps.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] }),
  );
  const charge = intent.latest_charge;
  const refundedCents = typeof charge === 'object' && charge !== null ? charge.amount_refunded : 0;
  const paidCents = typeof charge === 'object' && charge !== null ? charge.amount : intent.amount_received;
  return { paymentIntentId, paidCents, refundedCents, currency: intent.currency };
}

export async function refundSession(
  deps: PaymentDeps,
  sessionId: string,
  options: RefundOptions = {},
): Promise<RefundedSession> {
  const { signal } = options;
  const { amountCents: asked } = options;
  if (asked !== undefined && (!Number.isInteger(asked) || asked <= 0)) {
    throw new ValidationError('A refund amount must be a positive amount in cents.', {
      code: 'stripe.invalidRefundAmount',
      detail: { sessionId, amountCents: asked },
    });
  }
  const refundable = await refundableAmount(deps, sessionId, signal);
  const remaining = refundable.paidCents - refundable.refundedCents;
  const amountCents = asked ?? remaining;
  if (remaining <= 0) {
    throw new ConflictError(`The payment of "${refundable.subject}" is already refunded in full.`, {
      code: 'stripe.alreadyRefunded',
      detail: { sessionId },
    });
  }
  if (amountCents > remaining) {
    throw new ValidationError(
      `A refund of ${money(amountCents, refundable.currency)} is more than the ${money(remaining, refundable.currency)} of "${refundable.subject}" still refundable (paid ${money(refundable.paidCents, refundable.currency)}). Nothing was refunded.`,
      { code: 'stripe.refundTooLarge', detail: { sessionId, amountCents, remaining } },
    );
  }
  const refund = await stripeCall(signal, `refunding "${refundable.subject}"`, () =>
    deps.stripe.refunds.create(
      { payment_intent: refundable.paymentIntentId, amount: amountCents, metadata: { session_id: sessionId } },
      { idempotencyKey: idempotencyKey(sessionId, `refund-${refundable.refundedCents}-${amountCents}`) },
    ),
  );
  const refundedCents = refundable.refundedCents + amountCents;
  const payment: PaymentState = refundedCents >= refundable.paidCents ? 'refunded' : 'paid';
  await recordPayment(
    deps,
    sessionId,
    {
      status: payment,
      ...(refundable.invoiceId === undefined ? {} : { invoiceId: refundable.invoiceId }),
      ...(refundable.checkoutSessionId === undefined ? {} : { checkoutSessionId: refundable.checkoutSessionId }),
    },
    { signal },
  );
  deps.log.info('session refunded', { sessionId, refundId: refund.id, amountCents, refundedCents });
  return {
    sessionId,
    refundId: refund.id,
    amountCents,
    refundedCents,
    paidCents: refundable.paidCents,
    currency: refundable.currency,
    payment,
  };
}

/** The payment intent that paid the invoice (invoices paid out of band have none). */
function paidIntentOf(invoice: Stripe.Invoice): string | undefined {
  for (const entry of invoice.payments?.data ?? []) {
    if (entry.status !== 'paid') continue;
    const intent = entry.payment.payment_intent;
    if (typeof intent === 'string') return intent;
    if (intent) return intent.id;
  }
  return undefined;
}

/** 12.50 EUR: the amount a confirmation and an error name. */
export function money(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
}
