// Customers: create, retrieve, update, delete, list (filter `email`, case-sensitive as Stripe's list
// is) and search (`email:'x'`, `metadata['contactId']:'…'`, case-insensitive as Stripe's search is).

import { applyExpand } from './expand';
import { filterCreated, listPage, newestFirst, searchPage } from './listing';
import { applyMetadata, type Params } from './params';
import { checkPaymentMethod } from './paymentMethods';
import type { ApiCall, Route, StripeRuntime } from './runtime';
import type { Customer } from './state';
import { resourceMissing } from './wire';

export interface NewCustomer {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  preferredLocales?: string[];
  defaultPaymentMethod?: string | null;
}

/** Builds and stores a customer; the seed uses it with a fixed id. */
export function addCustomer(rt: StripeRuntime, fields: NewCustomer, id = rt.id('cus_')): Customer {
  const customer: Customer = {
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: rt.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    // Stripe gives each customer an 8-character uppercase hex prefix for invoice numbers (`0759376C`).
    invoice_prefix: rt.hex(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: fields.defaultPaymentMethod ?? null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: fields.phone ?? null,
    preferred_locales: fields.preferredLocales ?? [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  rt.state.customers[id] = customer;
  return customer;
}

/** The customer named by a param, or Stripe's 404 naming that param. */
export function requireCustomer(rt: StripeRuntime, id: string, param = 'customer'): Customer {
  const customer = rt.state.customers[id];
  if (customer === undefined) throw resourceMissing('customer', id, param);
  return customer;
}

function nullable(params: Params, key: string): string | null | undefined {
  const value = params.string(key);
  if (value === undefined) return undefined;
  return value === '' ? null : value;
}

function createCustomer(call: ApiCall): object {
  const { params, rt } = call;
  const paymentMethod = params.string('payment_method');
  if (paymentMethod !== undefined) checkPaymentMethod(paymentMethod, 'payment_method');
  const defaultPm = params.object('invoice_settings')?.string('default_payment_method');
  if (defaultPm !== undefined) checkPaymentMethod(defaultPm, 'invoice_settings[default_payment_method]');
  const customer = addCustomer(rt, {
    email: nullable(params, 'email'),
    name: nullable(params, 'name'),
    phone: nullable(params, 'phone'),
    description: nullable(params, 'description'),
    metadata: applyMetadata({}, params.metadataPatch()),
    preferredLocales: params.strings('preferred_locales'),
    defaultPaymentMethod: defaultPm ?? null,
  });
  rt.emit(call, 'customer.created', customer);
  return applyExpand(rt.state, customer, params.strings('expand'));
}

function retrieveCustomer(call: ApiCall): object {
  const id = call.path.id ?? '';
  // A deleted customer still answers 200, as a stub with `deleted: true`.
  if (call.rt.state.deletedCustomers.includes(id)) return { id, object: 'customer', deleted: true };
  return applyExpand(call.rt.state, requireCustomer(call.rt, id, 'id'), call.params.strings('expand'));
}

function updateCustomer(call: ApiCall): object {
  const { params, rt } = call;
  const customer = requireCustomer(rt, call.path.id ?? '', 'id');
  const before = structuredClone(customer);
  const email = nullable(params, 'email');
  if (email !== undefined) customer.email = email;
  const name = nullable(params, 'name');
  if (name !== undefined) customer.name = name;
  const phone = nullable(params, 'phone');
  if (phone !== undefined) customer.phone = phone;
  const description = nullable(params, 'description');
  if (description !== undefined) customer.description = description;
  const locales = params.strings('preferred_locales');
  if (locales !== undefined) customer.preferred_locales = locales;
  const defaultPm = params.object('invoice_settings')?.string('default_payment_method');
  if (defaultPm !== undefined) {
    if (defaultPm !== '') checkPaymentMethod(defaultPm, 'invoice_settings[default_payment_method]');
    customer.invoice_settings.default_payment_method = defaultPm === '' ? null : defaultPm;
  }
  customer.metadata = applyMetadata(customer.metadata, params.metadataPatch());
  const previous = changedAttributes(before, customer);
  if (Object.keys(previous).length > 0) rt.emit(call, 'customer.updated', customer, previous);
  return applyExpand(rt.state, customer, params.strings('expand'));
}

/** `previous_attributes` of an *.updated event: the old values of the top-level fields that changed. */
export function changedAttributes(before: object, after: object): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  const old = before as Record<string, unknown>;
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(old[key]) !== JSON.stringify(value)) previous[key] = old[key] ?? null;
  }
  return previous;
}

function deleteCustomer(call: ApiCall): object {
  const id = call.path.id ?? '';
  const customer = requireCustomer(call.rt, id, 'id');
  delete call.rt.state.customers[id];
  call.rt.state.deletedCustomers.push(id);
  call.rt.emit(call, 'customer.deleted', customer);
  return { id, object: 'customer', deleted: true };
}

function listCustomers(call: ApiCall): object {
  const { params, rt } = call;
  let items = filterCreated(newestFirst(rt.state.customers), params);
  const email = params.string('email');
  if (email !== undefined) items = items.filter((c) => c.email === email);
  const page = listPage(items, params, '/v1/customers', 'customer');
  return applyExpand(rt.state, page, params.strings('expand'));
}

function searchCustomers(call: ApiCall): object {
  const result = searchPage(newestFirst(call.rt.state.customers), call.params, '/v1/customers/search');
  return applyExpand(call.rt.state, result, call.params.strings('expand'));
}

export const customerRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/customers', handler: createCustomer },
  { method: 'GET', pattern: '/v1/customers', handler: listCustomers },
  { method: 'GET', pattern: '/v1/customers/search', handler: searchCustomers },
  { method: 'GET', pattern: '/v1/customers/:id', handler: retrieveCustomer },
  { method: 'POST', pattern: '/v1/customers/:id', handler: updateCustomer },
  { method: 'DELETE', pattern: '/v1/customers/:id', handler: deleteCustomer },
];
