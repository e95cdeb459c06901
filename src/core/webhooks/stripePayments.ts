// Applies Stripe's payment events to the session they concern. Stripe does not promise order and does
// send duplicates, so the event is only a hint: the object is read again from Stripe and the session is
// given the state the object is in now (an old invoice.payment_failed that arrives after the payment
// records "paid"). The session is named by `metadata.session_id`, as charging sets it on the invoice,
// the Checkout Session and its payment intent. Other event types are acknowledged and ignored.
import type Stripe from 'stripe';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { PaymentState } from '../sessions';
import type { HandlerResult, WebhookHandler } from './processor';

/** The metadata key that ties a Stripe object to its session (agreed with src/core/stripe's charging). */
export const SESSION_ID_METADATA = 'session_id';

export const HANDLED_STRIPE_EVENTS = [
  'invoice.paid',
  'invoice.payment_failed',
  'checkout.session.completed',
  'charge.refunded',
] as const;

export interface PaymentUpdate {
  status: PaymentState;
  invoiceId?: string;
  checkoutSessionId?: string;
}

const metadataSchema = z.record(z.string(), z.string()).nullish();
const invoiceSchema = z.object({ id: z.string(), status: z.string().nullish(), metadata: metadataSchema });
const checkoutSchema = z.object({
  id: z.string(),
  payment_status: z.string(),
  invoice: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  metadata: metadataSchema,
});
const chargeSchema = z.object({
  id: z.string(),
  amount: z.number(),
  amount_refunded: z.number(),
  refunded: z.boolean(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  metadata: metadataSchema,
});
const paymentIntentSchema = z.object({ id: z.string(), metadata: metadataSchema });

/** The reads the handler makes, so tests can answer them without Stripe. */
export interface StripeObjectReader {
  invoice(id: string): Promise<unknown>;
  checkoutSession(id: string): Promise<unknown>;
  charge(id: string): Promise<unknown>;
  paymentIntent(id: string): Promise<unknown>;
}

/** The reader over the stripe SDK (give it a client configured with the HTTP layer's stripeSdkOptions). */
export function stripeObjectReader(stripe: Stripe): StripeObjectReader {
  return {
    invoice: (id) => stripe.invoices.retrieve(id),
    checkoutSession: (id) => stripe.checkout.sessions.retrieve(id),
    charge: (id) => stripe.charges.retrieve(id),
    paymentIntent: (id) => stripe.paymentIntents.retrieve(id),
  };
}

export interface StripePaymentDeps {
  objects: StripeObjectReader;
  /** Writes the session's payment state: src/core/stripe's recordPayment in the product. */
  recordPayment: (sessionId: string, update: PaymentUpdate) => Promise<void>;
}

const eventSchema = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({ object: z.object({ id: z.string() }).loose() }),
});

export function stripePaymentHandler(deps: StripePaymentDeps): WebhookHandler {
  return async (body) => {
    const parsed = eventSchema.safeParse(JSON.parse(body.toString('utf8')));
    if (!parsed.success) {
      throw new ValidationError('A stored Stripe event is not an event.', { code: 'webhooks.notAnEvent' });
    }
    const { type, data } = parsed.data;
    const objectId = data.object.id;
    switch (type) {
      case 'invoice.paid':
      case 'invoice.payment_failed':
        return applyInvoice(deps, objectId, type);
      case 'checkout.session.completed':
        return applyCheckout(deps, objectId);
      case 'charge.refunded':
        return applyRefund(deps, objectId);
      default:
        return { outcome: 'ignored', detail: `${type} is not a payment event Life Cockpit follows` };
    }
  };
}

async function applyInvoice(deps: StripePaymentDeps, id: string, type: string): Promise<HandlerResult> {
  const invoice = invoiceSchema.parse(await deps.objects.invoice(id));
  const status: PaymentState | undefined =
    invoice.status === 'paid'
      ? 'paid'
      : invoice.status === 'uncollectible' || (invoice.status === 'open' && type === 'invoice.payment_failed')
        ? 'failed'
        : undefined;
  if (status === undefined)
    return { outcome: 'ignored', detail: `invoice ${id} is ${invoice.status ?? 'unknown'} now` };
  return record(deps, invoice.metadata, { status, invoiceId: invoice.id }, `invoice ${id}`);
}

async function applyCheckout(deps: StripePaymentDeps, id: string): Promise<HandlerResult> {
  const session = checkoutSchema.parse(await deps.objects.checkoutSession(id));
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') {
    return { outcome: 'ignored', detail: `Checkout Session ${id} is ${session.payment_status} now` };
  }
  return record(deps, session.metadata, { status: 'paid', checkoutSessionId: session.id }, `Checkout Session ${id}`);
}

async function applyRefund(deps: StripePaymentDeps, id: string): Promise<HandlerResult> {
  const charge = chargeSchema.parse(await deps.objects.charge(id));
  if (!charge.refunded) {
    // A partial refund leaves the session paid; the amount shows in Stripe.
    return { outcome: 'ignored', detail: `charge ${id} is refunded ${charge.amount_refunded} of ${charge.amount}` };
  }
  let metadata = charge.metadata;
  const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  if (metadata?.[SESSION_ID_METADATA] === undefined && intent) {
    metadata = paymentIntentSchema.parse(await deps.objects.paymentIntent(intent)).metadata;
  }
  return record(deps, metadata, { status: 'refunded' }, `charge ${id}`);
}

async function record(
  deps: StripePaymentDeps,
  metadata: Record<string, string> | null | undefined,
  update: PaymentUpdate,
  what: string,
): Promise<HandlerResult> {
  const sessionId = metadata?.[SESSION_ID_METADATA];
  if (sessionId === undefined || sessionId === '') {
    return { outcome: 'ignored', detail: `${what} names no session (no metadata.${SESSION_ID_METADATA})` };
  }
  await deps.recordPayment(sessionId, update);
  return { outcome: 'applied', detail: `session ${sessionId} ${update.status}` };
}
