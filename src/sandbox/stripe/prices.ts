// Products and Prices, and the line items that Checkout Sessions and Payment Links carry: a line
// names a `price`, or gives `price_data` from which Stripe makes an inline price (and product).

import { applyExpand } from './expand';
import { filterCreated, listPage, newestFirst } from './listing';
import { applyMetadata, type Params } from './params';
import type { ApiCall, CallInfo, Route, StripeRuntime } from './runtime';
import type { LineItem, Price, Product } from './state';
import { invalidValue, parameterMissing, resourceMissing } from './wire';

function addProduct(rt: StripeRuntime, call: CallInfo, params: Params): Product {
  const now = rt.now();
  const product: Product = {
    id: rt.id('prod_'),
    object: 'product',
    active: params.bool('active') ?? true,
    created: now,
    description: params.string('description') ?? null,
    livemode: false,
    metadata: applyMetadata({}, params.metadataPatch()),
    name: params.requiredString('name'),
    updated: now,
  };
  rt.state.products[product.id] = product;
  rt.emit(call, 'product.created', product);
  return product;
}

/** The product a price belongs to: `product` (an id) or `product_data` (a new product). */
function productFor(rt: StripeRuntime, call: CallInfo, params: Params): string {
  const productId = params.string('product');
  if (productId !== undefined) {
    if (rt.state.products[productId] === undefined)
      throw resourceMissing('product', productId, params.nameOf('product'));
    return productId;
  }
  const data = params.object('product_data');
  if (data === undefined) throw parameterMissing(params.nameOf('product'));
  return addProduct(rt, call, data).id;
}

/** Creates a one-time price from `currency`, `unit_amount` and a product (price create or price_data). */
export function addPrice(rt: StripeRuntime, call: CallInfo, params: Params, active = true): Price {
  const currency = params.currency('currency');
  if (currency === undefined) throw parameterMissing(params.nameOf('currency'));
  const decimal = params.string('unit_amount_decimal');
  const unitAmount = params.int('unit_amount') ?? (decimal === undefined ? undefined : Math.round(Number(decimal)));
  if (unitAmount === undefined || Number.isNaN(unitAmount)) throw parameterMissing(params.nameOf('unit_amount'));
  if (unitAmount < 0) throw invalidValue(params.nameOf('unit_amount'), 'Invalid non-negative integer');
  const price: Price = {
    id: rt.id('price_'),
    object: 'price',
    active: params.bool('active') ?? active,
    billing_scheme: 'per_unit',
    created: rt.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: params.string('lookup_key') ?? null,
    metadata: applyMetadata({}, params.metadataPatch()),
    nickname: params.string('nickname') ?? null,
    product: productFor(rt, call, params),
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
  rt.state.prices[price.id] = price;
  rt.emit(call, 'price.created', price);
  return price;
}

/** Reads `line_items[n][price|price_data]` + `quantity` into Checkout's line item objects, one currency. */
export function readLineItems(call: ApiCall, required: boolean): LineItem[] {
  const { params, rt } = call;
  const lines = params.objects('line_items');
  if (lines === undefined || lines.length === 0) {
    if (required) throw parameterMissing('line_items');
    return [];
  }
  const items = lines.map((line) => {
    const priceId = line.string('price');
    const priceData = line.object('price_data');
    let price: Price;
    if (priceId !== undefined) {
      const found = rt.state.prices[priceId];
      if (found === undefined) throw resourceMissing('price', priceId, line.nameOf('price'));
      price = found;
    } else if (priceData !== undefined) {
      // Stripe makes an inactive price for inline price_data so it cannot be reused by accident.
      price = addPrice(rt, call, priceData, false);
    } else {
      throw parameterMissing(line.nameOf('price'));
    }
    const quantity = line.int('quantity') ?? 1;
    if (quantity < 1) throw invalidValue(line.nameOf('quantity'), 'Quantity must be at least 1.');
    const amount = price.unit_amount * quantity;
    const item: LineItem = {
      id: rt.id('li_'),
      object: 'item',
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: rt.state.products[price.product]?.name ?? '',
      price: structuredClone(price),
      quantity,
    };
    return item;
  });
  const currencies = new Set(items.map((i) => i.currency));
  if (currencies.size > 1) throw invalidValue('line_items', 'All line items must use the same currency.');
  return items;
}

function createPrice(call: ApiCall): object {
  return applyExpand(call.rt.state, addPrice(call.rt, call, call.params), call.params.strings('expand'));
}

function createProduct(call: ApiCall): object {
  return applyExpand(call.rt.state, addProduct(call.rt, call, call.params), call.params.strings('expand'));
}

function retrieve<T extends object>(pick: (rt: StripeRuntime) => Record<string, T>, noun: string) {
  return (call: ApiCall): object => {
    const found = pick(call.rt)[call.path.id ?? ''];
    if (found === undefined) throw resourceMissing(noun, call.path.id ?? '', 'id');
    return applyExpand(call.rt.state, found, call.params.strings('expand'));
  };
}

function listPrices(call: ApiCall): object {
  const { params, rt } = call;
  const product = params.string('product');
  const active = params.bool('active');
  const items = filterCreated(newestFirst(rt.state.prices), params).filter(
    (p) => (product === undefined || p.product === product) && (active === undefined || p.active === active),
  );
  return applyExpand(rt.state, listPage(items, params, '/v1/prices', 'price'), params.strings('expand'));
}

export const priceRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/prices', handler: createPrice },
  { method: 'GET', pattern: '/v1/prices', handler: listPrices },
  { method: 'GET', pattern: '/v1/prices/:id', handler: retrieve((rt) => rt.state.prices, 'price') },
  { method: 'POST', pattern: '/v1/products', handler: createProduct },
  {
    method: 'GET',
    pattern: '/v1/products',
    handler: (call) =>
      listPage(filterCreated(newestFirst(call.rt.state.products), call.params), call.params, '/v1/products', 'product'),
  },
  { method: 'GET', pattern: '/v1/products/:id', handler: retrieve((rt) => rt.state.products, 'product') },
];
