// An invoice's life: draft → finalize (number, hosted page, due date) → send → pay (out of band or by
// a test payment method; a decline leaves it open and answers 402) → or void / mark uncollectible.
// Each step records the events Stripe sends for it.

import { attemptPayment, throwDecline, type PaymentOutcome } from './payments';
import { checkPaymentMethod } from './paymentMethods';
import type { ApiCall, CallInfo, StripeRuntime } from './runtime';
import type { Invoice, InvoicePayment } from './state';
import { invalidRequest } from './wire';

const DAY = 86_400;

/** Fixes the invoice: number, URLs, due date; a zero amount is paid at once, as Stripe does. */
export function finalizeInvoice(rt: StripeRuntime, call: CallInfo, invoice: Invoice): void {
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
      'invoice_not_editable',
    );
  }
  const customer = rt.state.customers[invoice.customer];
  const now = rt.now();
  const sequence = customer?.next_invoice_sequence ?? 1;
  if (customer !== undefined) customer.next_invoice_sequence = sequence + 1;
  invoice.number = `${customer?.invoice_prefix ?? 'SANDBOX0'}-${String(sequence).padStart(4, '0')}`;
  invoice.status = 'open';
  invoice.status_transitions.finalized_at = now;
  invoice.effective_at = now;
  invoice.hosted_invoice_url = `${rt.urls.stripeUrl}/v1/_sandbox/pages/invoices/${invoice.id}`;
  invoice.invoice_pdf = `${rt.urls.stripeUrl}/v1/_sandbox/pages/invoices/${invoice.id}/pdf`;
  if (invoice.collection_method === 'send_invoice') {
    invoice.due_date ??= now + (invoice.days_until_due ?? 30) * DAY;
  }
  if (invoice.collection_method === 'charge_automatically' && invoice.auto_advance) {
    // Stripe attempts automatic collection about an hour after finalization.
    invoice.next_payment_attempt = now + 3600;
  }
  rt.emit(call, 'invoice.finalized', invoice);
  if (invoice.amount_due === 0) markPaid(rt, call, invoice, { type: 'out_of_band_payment' }, 0);
}

function markPaid(
  rt: StripeRuntime,
  call: CallInfo,
  invoice: Invoice,
  payment: InvoicePayment['payment'],
  amount: number,
): void {
  const now = rt.now();
  invoice.payments.data.push(invoicePayment(rt, invoice, payment, amount, 'paid'));
  invoice.payments.total_count = invoice.payments.data.length;
  invoice.amount_paid += amount;
  invoice.amount_remaining = 0;
  invoice.status = 'paid';
  invoice.status_transitions.paid_at = now;
  invoice.next_payment_attempt = null;
  if (payment.type === 'payment_intent') rt.emit(call, 'invoice.payment_succeeded', invoice);
  rt.emit(call, 'invoice.paid', invoice);
}

function invoicePayment(
  rt: StripeRuntime,
  invoice: Invoice,
  payment: InvoicePayment['payment'],
  amount: number,
  status: InvoicePayment['status'],
): InvoicePayment {
  const now = rt.now();
  return {
    id: rt.id('inpay_'),
    object: 'invoice_payment',
    amount_paid: status === 'paid' ? amount : null,
    amount_requested: invoice.amount_remaining,
    created: now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: invoice.payments.data.length === 0,
    livemode: false,
    payment,
    status,
    status_transitions: { canceled_at: null, paid_at: status === 'paid' ? now : null },
  };
}

function requirePayable(invoice: Invoice): void {
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', 'invoice_not_editable');
  if (invoice.status === 'void') {
    throw invalidRequest(
      `This invoice (${invoice.id}) has been voided and can no longer be paid.`,
      'invoice_not_editable',
    );
  }
}

/** POST /v1/invoices/:id/pay — finalizes a draft first, as Stripe does. */
export function payInvoice(call: ApiCall, invoice: Invoice): void {
  const { params, rt } = call;
  requirePayable(invoice);
  const outOfBand = params.bool('paid_out_of_band') ?? false;
  const forgive = params.bool('forgive') ?? false;
  const paymentMethod = params.string('payment_method') ?? params.string('source');
  if (paymentMethod !== undefined) checkPaymentMethod(paymentMethod, 'payment_method');
  if (invoice.status === 'draft') finalizeInvoice(rt, call, invoice);
  if (invoice.status === 'paid') return;
  if (outOfBand || forgive) {
    markPaid(rt, call, invoice, { type: 'out_of_band_payment' }, invoice.amount_remaining);
    return;
  }
  const customer = rt.state.customers[invoice.customer];
  const method = paymentMethod ?? invoice.default_payment_method ?? customer?.invoice_settings.default_payment_method;
  if (method === undefined || method === null) {
    throw invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
      'invoice_no_payment_method_types',
    );
  }
  chargeInvoice(rt, call, invoice, method);
}

/** One collection attempt with a payment method; a decline records invoice.payment_failed and answers 402. */
export function chargeInvoice(
  rt: StripeRuntime,
  call: CallInfo,
  invoice: Invoice,
  paymentMethod: string,
): PaymentOutcome {
  const customer = rt.state.customers[invoice.customer];
  const outcome = attemptPayment(rt, call, {
    amount: invoice.amount_remaining,
    currency: invoice.currency,
    customer: invoice.customer,
    paymentMethod,
    description: invoice.number === null ? null : `Invoice ${invoice.number}`,
    metadata: {},
    billing: { email: customer?.email ?? null, name: customer?.name ?? null },
  });
  invoice.attempt_count += 1;
  invoice.attempted = true;
  const payment = { type: 'payment_intent' as const, payment_intent: outcome.paymentIntent.id };
  if (outcome.decline === undefined) {
    markPaid(rt, call, invoice, payment, outcome.paymentIntent.amount_received);
    return outcome;
  }
  invoice.payments.data.push(invoicePayment(rt, invoice, payment, 0, 'open'));
  invoice.payments.total_count = invoice.payments.data.length;
  rt.emit(call, 'invoice.payment_failed', invoice);
  return throwDecline({ ...outcome, decline: outcome.decline });
}

/** Records that the invoice went out; sending a draft finalizes it first. */
export function sendInvoice(rt: StripeRuntime, call: CallInfo, invoice: Invoice): void {
  if (invoice.collection_method !== 'send_invoice') {
    throw invalidRequest(
      "You can only manually send an invoice if its collection method is 'send_invoice'.",
      'invoice_not_editable',
    );
  }
  if (invoice.status === 'draft') finalizeInvoice(rt, call, invoice);
  if (invoice.status !== 'open') {
    throw invalidRequest(
      `You can only send an invoice that is open. This invoice is ${invoice.status}.`,
      'invoice_not_editable',
    );
  }
  rt.emit(call, 'invoice.sent', invoice);
}

export function voidInvoice(rt: StripeRuntime, call: CallInfo, invoice: Invoice): void {
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    throw invalidRequest(
      `You can only void invoices that are open or uncollectible (${invoice.id} is ${invoice.status}). Delete draft invoices instead.`,
      'invoice_not_editable',
    );
  }
  invoice.status = 'void';
  invoice.status_transitions.voided_at = rt.now();
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  rt.emit(call, 'invoice.voided', invoice);
}

export function markUncollectible(rt: StripeRuntime, call: CallInfo, invoice: Invoice): void {
  if (invoice.status !== 'open') {
    throw invalidRequest(
      `You can only mark open invoices as uncollectible (${invoice.id} is ${invoice.status}).`,
      'invoice_not_editable',
    );
  }
  invoice.status = 'uncollectible';
  invoice.status_transitions.marked_uncollectible_at = rt.now();
  rt.emit(call, 'invoice.marked_uncollectible', invoice);
}
