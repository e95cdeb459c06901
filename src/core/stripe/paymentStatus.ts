// Refresh Payment Status: reads each invoiced session's invoice from Stripe and records what it says, for
// when webhooks were missed (the receiver was down, or Stripe gave up retrying). The invoice is the truth:
// paid → paid, open → invoiced (failed once a collection attempt failed), uncollectible → failed,
// void → unpaid (the fee is owed again). A session already recorded refunded stays refunded.
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

/** Reconciles one session with its invoice; a session without one is reported unchanged. */
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
      filters.isNotNull(c.stripeInvoiceId),
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
  const { session, invoiceId } = stored;
  const unchanged = {
    sessionId: session.id,
    subject: session.subject,
    invoiceId: invoiceId ?? null,
    before: session.payment,
    after: session.payment,
    changed: false,
  };
  if (invoiceId === undefined) return { ...unchanged, invoiceStatus: null };
  const invoice = await stripeCall(signal, `reading the invoice of "${session.subject}"`, () =>
    deps.stripe.invoices.retrieve(invoiceId),
  );
  const after = paymentStateOf(invoice, session.payment) ?? session.payment;
  if (after === session.payment) return { ...unchanged, invoiceStatus: invoice.status };
  await recordPayment(deps, session.id, { status: after, invoiceId }, { signal });
  return { ...unchanged, invoiceStatus: invoice.status, after, changed: true };
}
