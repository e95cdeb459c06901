// Stripe's `expand[]` parameter: a field holding an object id is replaced by the object itself,
// along dotted paths (`payment_intent.latest_charge`, or `data.customer` on lists).

import type { StripeState } from './state';
import { invalidValue } from './wire';

const COLLECTIONS: [prefix: string, pick: (state: StripeState) => Record<string, object>][] = [
  ['cus_', (s) => s.customers],
  ['in_', (s) => s.invoices],
  ['ii_', (s) => s.invoiceItems],
  ['pi_', (s) => s.paymentIntents],
  ['ch_', (s) => s.charges],
  ['re_', (s) => s.refunds],
  ['price_', (s) => s.prices],
  ['prod_', (s) => s.products],
  ['cs_', (s) => s.checkoutSessions],
  ['plink_', (s) => s.paymentLinks],
  ['evt_', (s) => s.events],
];

export function findById(state: StripeState, id: string): object | undefined {
  for (const [prefix, pick] of COLLECTIONS) {
    if (id.startsWith(prefix)) return pick(state)[id];
  }
  return undefined;
}

function expandPath(state: StripeState, target: Record<string, unknown>, parts: string[], full: string): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  const value = target[head];
  if (head === 'data' && Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null) expandPath(state, item as Record<string, unknown>, rest, full);
    }
    return;
  }
  if (typeof value === 'string') {
    const found = findById(state, value);
    if (found === undefined) return;
    target[head] = structuredClone(found);
  } else if (value === undefined) {
    throw invalidValue('expand', `This property cannot be expanded (${full}).`);
  }
  const next = target[head];
  if (rest.length > 0 && typeof next === 'object' && next !== null) {
    expandPath(state, next as Record<string, unknown>, rest, full);
  }
}

/** Returns a copy of `object` with the requested paths expanded; the stored object is untouched. */
export function applyExpand<T extends object>(state: StripeState, object: T, paths: string[] | undefined): T {
  if (paths === undefined || paths.length === 0) return object;
  const copy = structuredClone(object);
  for (const path of paths) expandPath(state, copy as Record<string, unknown>, path.split('.'), path);
  return copy;
}
