// Refresh Payment Status: reads each invoiced session's invoice (or Checkout Session) from Stripe and records
// what it says, for when webhooks were missed (the receiver was down, or Stripe gave up retrying). The invoice
// is the truth: paid → paid, open → invoiced (failed once a collection attempt failed), uncollectible →
// failed, void → unpaid (the fee is owed again). A Checkout Session: complete and paid → paid, open →
// invoiced, expired → unpaid (the link ran out; Charge Session makes a new one). A session already recorded
// refunded stays refunded.
import type Stripe from 'stripe';
import { filters } from '../dataverse';
import { PAYMENT_STATUS } from '../practice';
import type { PaymentState } from '../sessions';
import { stripeCall } from './errors';
import { readPaymentSession, type PaymentDeps, type PaymentSession } from './paymentDeps';
import { recordPayment } from './recordPayment';

export interface RefreshedPayment {
  sessionId: string;
  subject: string;
  invoiceId: string | null;
  invoiceStatus: Stripe.Invoice.Status | null;
  /** For a session charged by a Checkout link. */
  checkoutSessionId: string | null;
  checkoutStatus: Stripe.Checkout.Session.Status | null;
  before: PaymentState;
  after: PaymentState;
  changed: boolean;
}

/** The session's payment state an invoice implies; undefined for a draft (a charge that did not finish). */
export function paymentStateOf(
  invoice: Pick<Stripe.Invoice, 'status' | 'attempt_count'>,
  recorded: PaymentState,
): PaymentState | undefined {
  switch (invoice.status) {
    case 'paid':
      return recorded === 'refunded' ? 'refunded' : 'paid';
    case 'open':
      return invoice.attempt_count > 0 ? 'failed' : 'invoiced';
    case 'uncollectible':
      return 'failed';
    case 'void':
      return 'unpaid';
    default:
      return undefined;
  }
}

/** The session's payment state a Checkout Session implies. */
export function paymentStateOfCheckout(
  checkout: Pick<Stripe.Checkout.Session, 'status' | 'payment_status'>,
  recorded: PaymentState,
): PaymentState | undefined {
  switch (checkout.status) {
    case 'complete':
      if (checkout.payment_status === 'unpaid') return 'invoiced';
      return recorded === 'refunded' ? 'refunded' : 'paid';
    case 'open':
      return 'invoiced';
    case 'expired':
      return 'unpaid';
    default:
      return undefined;
  }
}

/** Reconciles one session with its invoice or Checkout Session; a session without either is reported unchanged. */
export async function refreshPaymentStatus(
  deps: PaymentDeps,
  sessionId: string,
  options: { signal?: AbortSignal } = {},
): Promise<RefreshedPayment> {
  return reconcile(deps, await readPaymentSession(deps, sessionId, options.signal), options.signal);
}

/** Reconciles every session recorded invoiced or failed that has an invoice, one after the other. */
export async function refreshAllPaymentStatuses(
  deps: PaymentDeps,
  options: { signal?: AbortSignal } = {},
): Promise<RefreshedPayment[]> {
  const t = deps.tables.session;
  const c = t.columns;
  const rows = await deps.dataverse.list(t.entitySet, {
    select: [t.primaryId],
    // Paid and refunded sessions are settled; a later refund reaches them through the webhook receiver.
    filter: filters.and(
      filters.or(filters.isNotNull(c.stripeInvoiceId), filters.isNotNull(c.stripeCheckoutSessionId)),
      filters.oneOf(c.paymentStatus, [PAYMENT_STATUS.invoiced, PAYMENT_STATUS.failed, PAYMENT_STATUS.unpaid]),
    ),
    signal: options.signal,
  });
  const results: RefreshedPayment[] = [];
  for (const row of rows) {
    const id = String(row[t.primaryId]);
    results.push(await reconcile(deps, await readPaymentSession(deps, id, options.signal), options.signal));
  }
  return results;
}

async function reconcile(deps: PaymentDeps, stored: PaymentSession, signal?: AbortSignal): Promise<RefreshedPayment> {
  const { session, invoiceId, checkoutSessionId } = stored;
  const unchanged = {
    sessionId: session.id,
    subject: session.subject,
    invoiceId: invoiceId ?? null,
    checkoutSessionId: checkoutSessionId ?? null,
    checkoutStatus: null,
    before: session.payment,
    after: session.payment,
    changed: false,
  };
  if (invoiceId === undefined && checkoutSessionId !== undefined) {
    return reconcileCheckout(deps, stored, checkoutSessionId, unchanged, signal);
  }
  if (invoiceId === undefined) return { ...unchanged, invoiceStatus: null };
  const invoice = await stripeCall(signal, `reading the invoice of "${session.subject}"`, () =>
    deps.stripe.invoices.retrieve(invoiceId),
  );
  const after = paymentStateOf(invoice, session.payment) ?? session.payment;
  if (after === session.payment) return { ...unchanged, invoiceStatus: invoice.status };
  await recordPayment(deps, session.id, { status: after, invoiceId }, { signal });
  return { ...unchanged, invoiceStatus: invoice.status, after, changed: true };
}

async function reconcileCheckout(
  deps: PaymentDeps,
  stored: PaymentSession,
  checkoutSessionId: string,
  unchanged: Omit<RefreshedPayment, 'invoiceStatus'>,
  signal?: AbortSignal,
): Promise<RefreshedPayment> {
  const { session } = stored;
  const checkout = await stripeCall(signal, `reading the Checkout Session of "${session.subject}"`, () =>
    deps.stripe.checkout.sessions.retrieve(checkoutSessionId),
  );
  const seen = { ...unchanged, invoiceStatus: null, checkoutStatus: checkout.status };
  const after = paymentStateOfCheckout(checkout, session.payment) ?? session.payment;
  if (after === session.payment) return seen;
  await recordPayment(deps, session.id, { status: after, checkoutSessionId }, { signal });
  return { ...seen, after, changed: true };
}
