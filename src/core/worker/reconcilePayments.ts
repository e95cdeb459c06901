// The worker's payment reconciliation: every session charged through Stripe and not yet settled, whose
// session started on or after `since`, is read back from Stripe (refreshPaymentStatus) and recorded as its
// invoice says, for when webhooks were missed. Safe to run on several instances: each record is the
// invoice's state, so two instances write the same thing.
import { filters } from '../dataverse';
import { PAYMENT_STATUS } from '../practice';
import { refreshPaymentStatus, type PaymentDeps, type RefreshedPayment } from '../stripe';

export interface PaymentsReconciled {
  since: string;
  /** Sessions read back from Stripe. */
  checked: number;
  /** Of them, those whose recorded payment state changed. */
  changed: number;
  results: RefreshedPayment[];
}

export async function reconcilePayments(
  deps: PaymentDeps,
  options: { since: Date; signal?: AbortSignal },
): Promise<PaymentsReconciled> {
  const t = deps.tables.session;
  const c = t.columns;
  const rows = await deps.dataverse.list(t.entitySet, {
    select: [t.primaryId],
    // Paid and refunded sessions are settled; a later refund reaches them through the webhook receiver.
    filter: filters.and(
      // Charged by an invoice, or by a Checkout link (refreshPaymentStatus reads either back).
      filters.or(filters.isNotNull(c.stripeInvoiceId), filters.isNotNull(c.stripeCheckoutSessionId)),
      filters.oneOf(c.paymentStatus, [PAYMENT_STATUS.invoiced, PAYMENT_STATUS.failed, PAYMENT_STATUS.unpaid]),
      filters.onOrAfter(c.start, options.since),
    ),
    signal: options.signal,
  });
  const results: RefreshedPayment[] = [];
  for (const row of rows) {
    const id = String(row[t.primaryId]);
    results.push(await refreshPaymentStatus(deps, id, options.signal ? { signal: options.signal } : {}));
  }
  return {
    since: options.since.toISOString(),
    checked: results.length,
    changed: results.filter((r) => r.changed).length,
    results,
  };
}
