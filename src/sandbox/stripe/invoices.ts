// Invoices: create (collection method, due terms, pending items), update, retrieve, list, search,
// delete drafts, their lines, and the lifecycle actions (finalize, send, pay, void,
// mark_uncollectible) whose rules live in invoiceLifecycle.ts.

import { requireCustomer } from './customers';
import { applyExpand } from './expand';
import { finalizeInvoice, markUncollectible, payInvoice, sendInvoice, voidInvoice } from './invoiceLifecycle';
import { recomputeDraft, requireInvoice } from './invoiceItems';
import { filterCreated, listPage, newestFirst, searchPage } from './listing';
import { applyMetadata } from './params';
import type { ApiCall, CallInfo, Route, StripeRuntime } from './runtime';
import type { Invoice } from './state';
import { invalidRequest, invalidValue, parameterMissing } from './wire';

export interface NewInvoice {
  customer: string;
  collectionMethod: Invoice['collection_method'];
  daysUntilDue: number | null;
  dueDate: number | null;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  autoAdvance: boolean;
  defaultPaymentMethod: string | null;
  includePending: boolean;
}

/** Builds and stores a draft invoice, pulling in the customer's pending items when asked. */
export function addInvoice(rt: StripeRuntime, fields: NewInvoice): Invoice {
  const customer = requireCustomer(rt, fields.customer);
  const now = rt.now();
  const id = rt.id('in_');
  const invoice: Invoice = {
    id,
    object: 'invoice',
    account_country: 'DE',
    account_name: rt.state.accountName,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    attempt_count: 0,
    attempted: false,
    auto_advance: fields.autoAdvance,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_reason: 'manual',
    collection_method: fields.collectionMethod,
    created: now,
    currency: fields.currency,
    customer: customer.id,
    customer_email: customer.email,
    customer_name: customer.name,
    days_until_due: fields.daysUntilDue,
    default_payment_method: fields.defaultPaymentMethod,
    description: fields.description,
    due_date: fields.dueDate,
    effective_at: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    last_finalization_error: null,
    lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: fields.metadata,
    next_payment_attempt: null,
    number: null,
    parent: null,
    payments: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoice_payments` },
    period_end: now,
    period_start: now,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    total: 0,
    total_excluding_tax: 0,
    webhooks_delivered_at: null,
  };
  rt.state.invoices[id] = invoice;
  if (fields.includePending) {
    for (const item of Object.values(rt.state.invoiceItems)) {
      if (item.customer === customer.id && item.invoice === null && item.currency === invoice.currency)
        item.invoice = id;
    }
  }
  // A new invoice holds no items unless it took the pending ones: skip the scan of every item then.
  recomputeDraft(rt, invoice, fields.includePending ? undefined : []);
  return invoice;
}

/** The currency of an invoice: as given, else the customer's pending items', else the customer's. */
function invoiceCurrency(rt: StripeRuntime, customerId: string, given: string | undefined): string {
  if (given !== undefined) return given;
  const pending = Object.values(rt.state.invoiceItems).find((i) => i.customer === customerId && i.invoice === null);
  return pending?.currency ?? rt.state.customers[customerId]?.currency ?? 'eur';
}

function createInvoice(call: ApiCall): object {
  const { params, rt } = call;
  const customerId = params.string('customer');
  if (customerId === undefined || customerId === '') throw parameterMissing('customer');
  requireCustomer(rt, customerId);
  const collectionMethod =
    params.oneOf('collection_method', ['charge_automatically', 'send_invoice'] as const) ?? 'charge_automatically';
  const daysUntilDue = params.int('days_until_due') ?? null;
  const dueDate = params.int('due_date') ?? null;
  if (collectionMethod === 'send_invoice' && daysUntilDue === null && dueDate === null) {
    throw invalidRequest(
      'Invoices with `send_invoice` collection method require either `due_date` or `days_until_due`.',
      'parameter_missing',
      'days_until_due',
    );
  }
  if (collectionMethod === 'charge_automatically' && (daysUntilDue !== null || dueDate !== null)) {
    throw invalidValue(
      'days_until_due',
      'Invoices with `charge_automatically` collection method cannot have `due_date` or `days_until_due`.',
    );
  }
  const behavior = params.oneOf('pending_invoice_items_behavior', ['include', 'exclude'] as const) ?? 'exclude';
  const invoice = addInvoice(rt, {
    customer: customerId,
    collectionMethod,
    daysUntilDue,
    dueDate,
    currency: invoiceCurrency(rt, customerId, params.currency('currency')),
    description: params.string('description') ?? null,
    metadata: applyMetadata({}, params.metadataPatch()),
    autoAdvance: params.bool('auto_advance') ?? false,
    defaultPaymentMethod: params.string('default_payment_method') ?? null,
    includePending: behavior === 'include',
  });
  rt.emit(call, 'invoice.created', invoice);
  return applyExpand(rt.state, invoice, params.strings('expand'));
}

function updateInvoice(call: ApiCall): object {
  const { params, rt } = call;
  const invoice = requireInvoice(rt, call.path.id ?? '', 'id');
  const before = structuredClone(invoice);
  const description = params.string('description');
  if (description !== undefined) invoice.description = description === '' ? null : description;
  invoice.metadata = applyMetadata(invoice.metadata, params.metadataPatch());
  const autoAdvance = params.bool('auto_advance');
  if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
  const days = params.int('days_until_due');
  const method = params.oneOf('collection_method', ['charge_automatically', 'send_invoice'] as const);
  if ((days !== undefined || method !== undefined) && invoice.status !== 'draft') {
    throw invalidRequest(
      'Finalized invoices can only update metadata, description and auto_advance.',
      'invoice_not_editable',
    );
  }
  if (days !== undefined) invoice.days_until_due = days;
  if (method !== undefined) invoice.collection_method = method;
  const previous: Record<string, unknown> = {};
  for (const key of ['description', 'metadata', 'auto_advance', 'days_until_due', 'collection_method'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(invoice[key])) previous[key] = before[key];
  }
  if (Object.keys(previous).length > 0) rt.emit(call, 'invoice.updated', invoice, previous);
  return applyExpand(rt.state, invoice, params.strings('expand'));
}

function deleteInvoice(call: ApiCall): object {
  const { rt } = call;
  const invoice = requireInvoice(rt, call.path.id ?? '', 'id');
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `You can only delete draft invoices. Invoice ${invoice.id} is ${invoice.status}; void it instead.`,
      'invoice_not_editable',
    );
  }
  // The draft's items go back to pending, so the next invoice can include them.
  for (const item of Object.values(rt.state.invoiceItems)) if (item.invoice === invoice.id) item.invoice = null;
  delete rt.state.invoices[invoice.id];
  rt.emit(call, 'invoice.deleted', invoice);
  return { id: invoice.id, object: 'invoice', deleted: true };
}

function listInvoices(call: ApiCall): object {
  const { params, rt } = call;
  const customer = params.string('customer');
  const status = params.oneOf('status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
  const method = params.oneOf('collection_method', ['charge_automatically', 'send_invoice'] as const);
  const items = filterCreated(newestFirst(rt.state.invoices), params).filter(
    (inv) =>
      (customer === undefined || inv.customer === customer) &&
      (status === undefined || inv.status === status) &&
      (method === undefined || inv.collection_method === method),
  );
  return applyExpand(rt.state, listPage(items, params, '/v1/invoices', 'invoice'), params.strings('expand'));
}

function listLines(call: ApiCall): object {
  const invoice = requireInvoice(call.rt, call.path.id ?? '', 'invoice');
  return listPage([...invoice.lines.data], call.params, `/v1/invoices/${invoice.id}/lines`, 'line_item');
}

/** Wraps a lifecycle step as a route that answers with the invoice afterwards. */
function action(step: (rt: StripeRuntime, call: ApiCall, invoice: Invoice) => void) {
  return (call: ApiCall): object => {
    const invoice = requireInvoice(call.rt, call.path.id ?? '', 'invoice');
    step(call.rt, call, invoice);
    return applyExpand(call.rt.state, invoice, call.params.strings('expand'));
  };
}

function finalizeAction(rt: StripeRuntime, call: ApiCall, invoice: Invoice): void {
  const autoAdvance = call.params.bool('auto_advance');
  if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
  finalizeInvoice(rt, call as CallInfo, invoice);
}

export const invoiceRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/invoices', handler: createInvoice },
  { method: 'GET', pattern: '/v1/invoices', handler: listInvoices },
  {
    method: 'GET',
    pattern: '/v1/invoices/search',
    handler: (call) => searchPage(newestFirst(call.rt.state.invoices), call.params, '/v1/invoices/search'),
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id',
    handler: (call) =>
      applyExpand(call.rt.state, requireInvoice(call.rt, call.path.id ?? '', 'id'), call.params.strings('expand')),
  },
  { method: 'POST', pattern: '/v1/invoices/:id', handler: updateInvoice },
  { method: 'DELETE', pattern: '/v1/invoices/:id', handler: deleteInvoice },
  { method: 'GET', pattern: '/v1/invoices/:id/lines', handler: listLines },
  { method: 'POST', pattern: '/v1/invoices/:id/finalize', handler: action(finalizeAction) },
  { method: 'POST', pattern: '/v1/invoices/:id/send', handler: action((rt, call, inv) => sendInvoice(rt, call, inv)) },
  { method: 'POST', pattern: '/v1/invoices/:id/pay', handler: action((_rt, call, inv) => payInvoice(call, inv)) },
  { method: 'POST', pattern: '/v1/invoices/:id/void', handler: action((rt, call, inv) => voidInvoice(rt, call, inv)) },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/mark_uncollectible',
    handler: action((rt, call, inv) => markUncollectible(rt, call, inv)),
  },
];
