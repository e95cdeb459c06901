// Send Test Event: a Stripe event of a chosen payment type about a chosen session, signed as Stripe signs
// (the stripe SDK's generateTestHeaderString, with the receiver's endpoint secret) and posted to the running
// receiver through the HTTP layer. The receiver treats it as any delivery: it verifies, stores and answers,
// then the handler re-reads the object from Stripe, so a test event changes a session only as far as the
// object it names (objectId: the session's invoice, Checkout Session or charge) really is paid or refunded.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import type { HttpClient } from '../http';
import { SESSION_ID_METADATA } from './stripePayments';

export const TEST_EVENT_TYPES = [
  'invoice.paid',
  'invoice.payment_failed',
  'checkout.session.completed',
  'charge.refunded',
] as const;
export type TestEventType = (typeof TEST_EVENT_TYPES)[number];

export interface TestEventInput {
  type: TestEventType;
  sessionId: string;
  /** The Stripe object the event is about (in_…, cs_…, ch_…); a made-up test id when left out. */
  objectId?: string;
  /** The receiver's endpoint secret (whsec_…). */
  secret: string;
  clock: Clock;
}

export interface SignedTestEvent {
  body: string;
  headers: Record<string, string>;
}

export function isTestEventType(type: string): type is TestEventType {
  return (TEST_EVENT_TYPES as readonly string[]).includes(type);
}

export function signedTestEvent(input: TestEventInput): SignedTestEvent {
  if (!isTestEventType(input.type)) {
    throw new ValidationError(
      `"${String(input.type)}" is not a test event type: use one of ${TEST_EVENT_TYPES.join(', ')}.`,
      {
        code: 'webhooks.unknownTestEventType',
      },
    );
  }
  if (input.secret === '') {
    throw new ValidationError(
      'No Stripe webhook secret to sign the test event with: set the endpoint secret (whsec_…).',
      {
        code: 'webhooks.noWebhookSecret',
      },
    );
  }
  const created = Math.floor(input.clock.now() / 1000);
  const event = {
    id: `evt_test_${randomBytes(12).toString('hex')}`,
    object: 'event',
    // No version claimed: the handler reads only id, type and data.object.id, and re-reads the object.
    api_version: null,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: input.type,
    data: { object: objectOf(input, created) },
  };
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: input.secret,
    timestamp: created,
  });
  return {
    body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
  };
}

function objectOf(input: TestEventInput, created: number): Record<string, unknown> {
  const metadata = { [SESSION_ID_METADATA]: input.sessionId };
  const id = (prefix: string) => input.objectId ?? `${prefix}_test_${randomBytes(12).toString('hex')}`;
  switch (input.type) {
    case 'invoice.paid':
    case 'invoice.payment_failed':
      return {
        id: id('in'),
        object: 'invoice',
        status: input.type === 'invoice.paid' ? 'paid' : 'open',
        created,
        livemode: false,
        metadata,
      };
    case 'checkout.session.completed':
      return { id: id('cs'), object: 'checkout.session', payment_status: 'paid', status: 'complete', metadata };
    case 'charge.refunded':
      return { id: id('ch'), object: 'charge', refunded: true, created, livemode: false, metadata };
  }
}

/** Posts a signed test event to the receiver (its base URL or its /stripe route); the receiver's status back. */
export async function sendTestEvent(
  http: HttpClient,
  receiverUrl: string,
  event: SignedTestEvent,
): Promise<{ status: number }> {
  const url = new URL(receiverUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/stripe';
  const response = await http.request({
    // The receiver is a local endpoint like the forward targets: no retry, nothing followed.
    service: 'forward',
    method: 'POST',
    url: url.href,
    headers: event.headers,
    body: event.body,
    idempotent: false,
  });
  await response.bytes();
  return { status: response.status };
}
