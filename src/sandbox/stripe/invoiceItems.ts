// Invoice items: amounts a customer owes, either pending (picked up by the next invoice created with
// `pending_invoice_items_behavior=include`) or attached to a draft invoice with `invoice`. Attaching,
// changing or deleting an item recomputes its draft invoice's lines and totals.

import { applyExpand } from './expand';
import { filterCreated, listPage, newestFirst } from './listing';
import { applyMetadata, type Params } from './params';
import { requireCustomer } from './customers';
import type { ApiCall, Route, StripeRuntime } from './runtime';
import type { Invoice, InvoiceItem, InvoiceLine, Pricing } from './state';
import { invalidRequest, invalidValue, parameterMissing, resourceMissing } from './wire';

export function requireInvoice(rt: StripeRuntime, id: string, param = 'invoice'): Invoice {
  const invoice = rt.state.invoices[id];
  if (invoice === undefined) throw resourceMissing('invoice', id, param);
  return invoice;
}

function lineFor(item: InvoiceItem, invoiceId: string): InvoiceLine {
  return {
    // Derived from the item id so a line keeps its id across recomputations.
    id: `il_${item.id.slice(3)}`,
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata,
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: {
        invoice_item: item.id,
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  };
}

/** Rebuilds a draft invoice's lines and amounts from its invoice items. */
/** `knownItems`: the invoice's items when the caller has them (seeding), to skip a scan of every item. */
export function recomputeDraft(rt: StripeRuntime, invoice: Invoice, knownItems?: readonly InvoiceItem[]): void {
  const items = knownItems ?? Object.values(rt.state.invoiceItems).filter((item) => item.invoice === invoice.id);
  const lines = items.map((item) => lineFor(item, invoice.id));
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  invoice.lines = {
    object: 'list',
    data: lines,
    has_more: false,
    total_count: lines.length,
    url: `/v1/invoices/${invoice.id}/lines`,
  };
  invoice.subtotal = total;
  invoice.subtotal_excluding_tax = total;
  invoice.total = total;
  invoice.total_excluding_tax = total;
  // A negative total owes nothing (Stripe credits the customer's balance instead).
  invoice.amount_due = Math.max(0, total);
  invoice.amount_remaining = Math.max(0, invoice.amount_due - invoice.amount_paid);
}

function requireDraft(invoice: Invoice, param: string): void {
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `You can only add invoice items to draft invoices. Invoice ${invoice.id} is ${invoice.status}.`,
      'invoice_not_editable',
      param,
    );
  }
}

interface Amount {
  amount: number;
  quantity: number;
  currency: string | undefined;
  pricing: Pricing | null;
}

/** Stripe accepts `amount`, or a unit price (`unit_amount_decimal`, `price_data`, `pricing[price]`) × `quantity`. */
function readAmount(call: ApiCall, params: Params): Amount | undefined {
  const quantity = params.int('quantity') ?? 1;
  if (quantity < 0) throw invalidValue('quantity', 'Invalid non-negative integer');
  const amount = params.int('amount');
  if (amount !== undefined) return { amount, quantity: 1, currency: params.currency('currency'), pricing: null };
  const unitDecimal = params.string('unit_amount_decimal') ?? params.string('unit_amount');
  if (unitDecimal !== undefined) {
    const unit = Number(unitDecimal);
    if (!Number.isFinite(unit)) throw invalidValue('unit_amount_decimal', `Invalid decimal: ${unitDecimal}`);
    return { amount: Math.round(unit * quantity), quantity, currency: params.currency('currency'), pricing: null };
  }
  const priceId = params.object('pricing')?.string('price') ?? params.string('price');
  if (priceId !== undefined) {
    const price = call.rt.state.prices[priceId];
    if (price === undefined) throw resourceMissing('price', priceId, 'pricing[price]');
    return {
      amount: price.unit_amount * quantity,
      quantity,
      currency: price.currency,
      pricing: {
        type: 'price_details',
        price_details: { price: price.id, product: price.product },
        unit_amount_decimal: price.unit_amount_decimal,
      },
    };
  }
  const priceData = params.object('price_data');
  if (priceData !== undefined) {
    const unit = priceData.int('unit_amount') ?? Number(priceData.requiredString('unit_amount_decimal'));
    const currency = priceData.currency('currency');
    if (currency === undefined) throw parameterMissing('price_data[currency]');
    return { amount: Math.round(unit * quantity), quantity, currency, pricing: null };
  }
  return undefined;
}

function createInvoiceItem(call: ApiCall): object {
  const { params, rt } = call;
  const invoiceId = params.string('invoice');
  const invoice = invoiceId === undefined ? undefined : requireInvoice(rt, invoiceId);
  if (invoice !== undefined) requireDraft(invoice, 'invoice');
  const customerId = params.string('customer') ?? invoice?.customer;
  if (customerId === undefined) throw parameterMissing('customer');
  const customer = requireCustomer(rt, customerId);
  if (invoice !== undefined && invoice.customer !== customer.id) {
    throw invalidValue('invoice', `Invoice ${invoice.id} belongs to a different customer than ${customer.id}.`);
  }
  const amount = readAmount(call, params);
  if (amount === undefined) throw parameterMissing('amount');
  const currency = amount.currency ?? invoice?.currency ?? customer.currency;
  if (currency === undefined || currency === null) throw parameterMissing('currency');
  if (invoice !== undefined && invoice.currency !== currency) {
    throw invalidValue(
      'currency',
      `The currency of the invoice item (${currency}) must match the invoice's (${invoice.currency}).`,
    );
  }
  const now = rt.now();
  const item: InvoiceItem = {
    id: rt.id('ii_'),
    object: 'invoiceitem',
    amount: amount.amount,
    currency,
    customer: customer.id,
    date: now,
    description: params.string('description') ?? null,
    discountable: params.bool('discountable') ?? true,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: false,
    metadata: applyMetadata({}, params.metadataPatch()),
    parent: null,
    period: { end: now, start: now },
    pricing: amount.pricing,
    proration: false,
    quantity: amount.quantity,
    tax_rates: [],
    test_clock: null,
  };
  rt.state.invoiceItems[item.id] = item;
  if (customer.currency === null) customer.currency = currency;
  if (invoice !== undefined) recomputeDraft(rt, invoice);
  rt.emit(call, 'invoiceitem.created', item);
  return applyExpand(rt.state, item, params.strings('expand'));
}

function requireItem(rt: StripeRuntime, id: string): InvoiceItem {
  const item = rt.state.invoiceItems[id];
  if (item === undefined) throw resourceMissing('invoiceitem', id, 'id');
  return item;
}

function editableItem(rt: StripeRuntime, id: string): InvoiceItem {
  const item = requireItem(rt, id);
  const invoice = item.invoice === null ? undefined : rt.state.invoices[item.invoice];
  if (invoice !== undefined && invoice.status !== 'draft') {
    throw invalidRequest(
      `Invoice item ${id} is attached to a finalized invoice and cannot be changed.`,
      'invoice_not_editable',
    );
  }
  return item;
}

function updateInvoiceItem(call: ApiCall): object {
  const { params, rt } = call;
  const item = editableItem(rt, call.path.id ?? '');
  const amount = readAmount(call, params);
  if (amount !== undefined) {
    item.amount = amount.amount;
    item.quantity = amount.quantity;
    item.pricing = amount.pricing;
  }
  const description = params.string('description');
  if (description !== undefined) item.description = description === '' ? null : description;
  item.metadata = applyMetadata(item.metadata, params.metadataPatch());
  const invoice = item.invoice === null ? undefined : rt.state.invoices[item.invoice];
  if (invoice !== undefined) recomputeDraft(rt, invoice);
  rt.emit(call, 'invoiceitem.updated', item);
  return applyExpand(rt.state, item, params.strings('expand'));
}

function deleteInvoiceItem(call: ApiCall): object {
  const { rt } = call;
  const item = editableItem(rt, call.path.id ?? '');
  delete rt.state.invoiceItems[item.id];
  const invoice = item.invoice === null ? undefined : rt.state.invoices[item.invoice];
  if (invoice !== undefined) recomputeDraft(rt, invoice);
  rt.emit(call, 'invoiceitem.deleted', item);
  return { id: item.id, object: 'invoiceitem', deleted: true };
}

function listInvoiceItems(call: ApiCall): object {
  const { params, rt } = call;
  const customer = params.string('customer');
  const invoice = params.string('invoice');
  const pending = params.bool('pending');
  const items = filterCreated(
    newestFirst(rt.state.invoiceItems).map((i) => ({ ...i, created: i.date })),
    params,
  ).filter(
    (item) =>
      (customer === undefined || item.customer === customer) &&
      (invoice === undefined || item.invoice === invoice) &&
      (pending === undefined || (item.invoice === null) === pending),
  );
  const page = listPage(items, params, '/v1/invoiceitems', 'invoiceitem');
  // `created` was only borrowed for filtering: invoice items carry `date` instead.
  const data = page.data.map(({ created: _created, ...item }) => item);
  return applyExpand(rt.state, { ...page, data }, params.strings('expand'));
}

export const invoiceItemRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/invoiceitems', handler: createInvoiceItem },
  { method: 'GET', pattern: '/v1/invoiceitems', handler: listInvoiceItems },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems/:id',
    handler: (call) =>
      applyExpand(call.rt.state, requireItem(call.rt, call.path.id ?? ''), call.params.strings('expand')),
  },
  { method: 'POST', pattern: '/v1/invoiceitems/:id', handler: updateInvoiceItem },
  { method: 'DELETE', pattern: '/v1/invoiceitems/:id', handler: deleteInvoiceItem },
];
