// Money movement: a payment is a PaymentIntent plus the Charge that attempted it (test payment
// methods decide success), and Refunds against a charge or payment intent. Invoices and Checkout
// call `attemptPayment`; the routes here expose charges, payment intents and refunds as Stripe does.

import { applyExpand } from './expand';
import { filterCreated, listPage, newestFirst } from './listing';
import { applyMetadata } from './params';
import { checkPaymentMethod, declineFor } from './paymentMethods';
import type { ApiCall, CallInfo, Route, StripeRuntime } from './runtime';
import type { Charge, PaymentIntent, Refund } from './state';
import { cardError, invalidRequest, parameterMissing, resourceMissing, type Decline } from './wire';

export interface PaymentRequest {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string;
  description: string | null;
  metadata: Record<string, string>;
  billing?: { email: string | null; name: string | null };
}

export interface PaymentOutcome {
  paymentIntent: PaymentIntent;
  charge: Charge;
  decline?: Decline;
}

function newCharge(rt: StripeRuntime, request: PaymentRequest, piId: string, decline: Decline | undefined): Charge {
  const id = rt.id('ch_');
  return {
    id,
    object: 'charge',
    amount: request.amount,
    amount_captured: decline === undefined ? request.amount : 0,
    amount_refunded: 0,
    balance_transaction: decline === undefined ? rt.id('txn_') : null,
    billing_details: request.billing ?? { email: null, name: null },
    captured: decline === undefined,
    created: rt.now(),
    currency: request.currency,
    customer: request.customer,
    description: request.description,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    livemode: false,
    metadata: request.metadata,
    outcome:
      decline === undefined
        ? {
            network_status: 'approved_by_network',
            reason: null,
            risk_level: 'normal',
            seller_message: 'Payment complete.',
            type: 'authorized',
          }
        : {
            network_status: 'declined_by_network',
            reason: decline.declineCode ?? decline.code,
            risk_level: 'normal',
            seller_message: 'The bank did not return any further details with this decline.',
            type: 'issuer_declined',
          },
    paid: decline === undefined,
    payment_intent: piId,
    payment_method: request.paymentMethod,
    receipt_url: `${rt.urls.stripeUrl}/v1/_sandbox/pages/receipts/${id}`,
    refunded: false,
    status: decline === undefined ? 'succeeded' : 'failed',
  };
}

/** Creates and confirms a PaymentIntent with a test payment method, recording Stripe's events. */
export function attemptPayment(rt: StripeRuntime, call: CallInfo, request: PaymentRequest): PaymentOutcome {
  const decline = declineFor(request.paymentMethod);
  const piId = rt.id('pi_');
  const charge = newCharge(rt, request, piId, decline);
  const paymentIntent: PaymentIntent = {
    id: piId,
    object: 'payment_intent',
    amount: request.amount,
    amount_capturable: 0,
    amount_received: decline === undefined ? request.amount : 0,
    capture_method: 'automatic',
    client_secret: `${piId}_secret_${rt.id('').slice(0, 24)}`,
    confirmation_method: 'automatic',
    created: rt.now(),
    currency: request.currency,
    customer: request.customer,
    description: request.description,
    last_payment_error:
      decline === undefined
        ? null
        : {
            type: 'card_error',
            code: decline.code,
            decline_code: decline.declineCode,
            message: decline.message,
            charge: charge.id,
          },
    latest_charge: charge.id,
    livemode: false,
    metadata: request.metadata,
    payment_method: decline === undefined ? request.paymentMethod : null,
    payment_method_types: ['card'],
    status: decline === undefined ? 'succeeded' : 'requires_payment_method',
  };
  rt.state.paymentIntents[piId] = paymentIntent;
  rt.state.charges[charge.id] = charge;
  if (decline === undefined) {
    rt.emit(call, 'charge.succeeded', charge);
    rt.emit(call, 'payment_intent.succeeded', paymentIntent);
    return { paymentIntent, charge };
  }
  rt.emit(call, 'charge.failed', charge);
  rt.emit(call, 'payment_intent.payment_failed', paymentIntent);
  return { paymentIntent, charge, decline };
}

function requireCharge(rt: StripeRuntime, id: string, param: string): Charge {
  const charge = rt.state.charges[id];
  if (charge === undefined) throw resourceMissing('charge', id, param);
  return charge;
}

function requirePaymentIntent(rt: StripeRuntime, id: string, param: string): PaymentIntent {
  const pi = rt.state.paymentIntents[id];
  if (pi === undefined) throw resourceMissing('payment_intent', id, param);
  return pi;
}

/** The charge a refund targets: `charge`, or the latest charge of `payment_intent`. */
function refundTarget(call: ApiCall): Charge {
  const { params, rt } = call;
  const chargeId = params.string('charge');
  if (chargeId !== undefined && chargeId !== '') return requireCharge(rt, chargeId, 'charge');
  const piId = params.string('payment_intent');
  if (piId === undefined || piId === '') throw parameterMissing('charge');
  const pi = requirePaymentIntent(rt, piId, 'payment_intent');
  if (pi.status !== 'succeeded' || pi.latest_charge === null) {
    throw invalidRequest(
      `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      'charge_not_refundable',
      'payment_intent',
    );
  }
  return requireCharge(rt, pi.latest_charge, 'payment_intent');
}

function formatAmount(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function createRefund(call: ApiCall): object {
  const { params, rt } = call;
  const charge = refundTarget(call);
  if (charge.status !== 'succeeded') {
    throw invalidRequest(
      `Charge ${charge.id} cannot be refunded because it has not succeeded.`,
      'charge_not_refundable',
    );
  }
  if (charge.refunded) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
  }
  const remaining = charge.amount - charge.amount_refunded;
  const amount = params.int('amount') ?? remaining;
  if (amount < 1) throw invalidRequest('Invalid positive integer', 'parameter_invalid_integer', 'amount');
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      'amount_too_large',
      'amount',
    );
  }
  const refund: Refund = {
    id: rt.id('re_'),
    object: 'refund',
    amount,
    balance_transaction: rt.id('txn_'),
    charge: charge.id,
    created: rt.now(),
    currency: charge.currency,
    metadata: applyMetadata({}, params.metadataPatch()),
    payment_intent: charge.payment_intent,
    reason: params.oneOf('reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null,
    receipt_number: null,
    status: 'succeeded',
  };
  rt.state.refunds[refund.id] = refund;
  const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  rt.emit(call, 'refund.created', refund);
  rt.emit(call, 'charge.refunded', charge, before);
  return applyExpand(rt.state, refund, params.strings('expand'));
}

function listOf<T extends { id: string; created: number }>(
  records: (rt: StripeRuntime) => Record<string, T>,
  url: string,
  noun: string,
  filter: (item: T, call: ApiCall) => boolean = () => true,
) {
  return (call: ApiCall): object => {
    const items = filterCreated(newestFirst(records(call.rt)), call.params).filter((item) => filter(item, call));
    return applyExpand(call.rt.state, listPage(items, call.params, url, noun), call.params.strings('expand'));
  };
}

function byCustomerAndIntent(
  item: { customer?: string | null; payment_intent?: string | null },
  call: ApiCall,
): boolean {
  const customer = call.params.string('customer');
  const pi = call.params.string('payment_intent');
  return (customer === undefined || item.customer === customer) && (pi === undefined || item.payment_intent === pi);
}

function createPaymentIntent(call: ApiCall): object {
  const { params, rt } = call;
  const amount = params.requiredInt('amount');
  const currency = params.currency('currency');
  if (currency === undefined) throw parameterMissing('currency');
  const customer = params.string('customer');
  if (customer !== undefined) {
    if (rt.state.customers[customer] === undefined) throw resourceMissing('customer', customer, 'customer');
  }
  const paymentMethod = params.string('payment_method');
  if (params.bool('confirm') !== true || paymentMethod === undefined) {
    throw invalidRequest(
      'The sandbox only supports PaymentIntents created with confirm=true and a test payment_method.',
      'parameter_missing',
      'payment_method',
    );
  }
  checkPaymentMethod(paymentMethod, 'payment_method');
  const outcome = attemptPayment(rt, call, {
    amount,
    currency,
    customer: customer ?? null,
    paymentMethod,
    description: params.string('description') ?? null,
    metadata: applyMetadata({}, params.metadataPatch()),
  });
  if (outcome.decline !== undefined) throwDecline({ ...outcome, decline: outcome.decline });
  return applyExpand(rt.state, outcome.paymentIntent, params.strings('expand'));
}

/** Throws the 402 Stripe answers a declined confirmation with (it carries the failed PaymentIntent). */
export function throwDecline(outcome: PaymentOutcome & { decline: Decline }): never {
  throw cardError(outcome.decline, outcome.charge.id, structuredClone(outcome.paymentIntent));
}

export const paymentRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/refunds', handler: createRefund },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    handler: listOf(
      (rt) => rt.state.refunds,
      '/v1/refunds',
      'refund',
      (r, c) =>
        byCustomerAndIntent({ payment_intent: r.payment_intent }, c) &&
        (c.params.string('charge') === undefined || r.charge === c.params.string('charge')),
    ),
  },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    handler: (call) => {
      const refund = call.rt.state.refunds[call.path.id ?? ''];
      if (refund === undefined) throw resourceMissing('refund', call.path.id ?? '', 'id');
      return applyExpand(call.rt.state, refund, call.params.strings('expand'));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges',
    handler: listOf(
      (rt) => rt.state.charges,
      '/v1/charges',
      'charge',
      (c, call) => byCustomerAndIntent(c, call),
    ),
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    handler: (call) =>
      applyExpand(call.rt.state, requireCharge(call.rt, call.path.id ?? '', 'id'), call.params.strings('expand')),
  },
  { method: 'POST', pattern: '/v1/payment_intents', handler: createPaymentIntent },
  {
    method: 'GET',
    pattern: '/v1/payment_intents',
    handler: listOf(
      (rt) => rt.state.paymentIntents,
      '/v1/payment_intents',
      'payment_intent',
      (pi, c) => byCustomerAndIntent({ customer: pi.customer }, c),
    ),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    handler: (call) =>
      applyExpand(
        call.rt.state,
        requirePaymentIntent(call.rt, call.path.id ?? '', 'intent'),
        call.params.strings('expand'),
      ),
  },
];
