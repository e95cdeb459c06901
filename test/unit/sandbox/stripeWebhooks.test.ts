// Webhook endpoints and deliveries: Stripe's signature verified by the real SDK, retries, inspect.

import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { createStripeService, type StripeSandboxService } from '../../../src/sandbox/stripe';
import { aPractice, fakeContext, stripeCall, waitFor, WEBHOOK_SECRET, type FakeContext } from './stripeFixtures';

interface Inspected {
  webhookDeliveries: { attempt: number; status: number | null; succeeded: boolean; error?: string }[];
  events: { id: string; pendingWebhooks: number }[];
}

describe('Stripe sandbox: webhooks', () => {
  let fake: FakeContext;
  let service: StripeSandboxService;

  beforeEach(() => {
    fake = fakeContext();
    // The SDK checks the signature's timestamp against the real time, so the clock follows it.
    fake.clock.ms = Date.now();
    service = createStripeService(fake.ctx, { delivery: { retryBaseMs: 5, maxAttempts: 3 } });
    service.load(aPractice());
  });
  afterEach(() => service.dispose?.());

  it('returns an endpoint’s secret only at creation', async () => {
    const created = await stripeCall(service, 'POST', '/v1/webhook_endpoints', {
      url: 'http://127.0.0.1:9/hook',
      enabled_events: ['invoice.paid'],
    });
    assert.match(created.body.id, /^we_/);
    assert.match(created.body.secret, /^whsec_/);
    const fetched = await stripeCall(service, 'GET', `/v1/webhook_endpoints/${created.body.id}`);
    assert.equal(fetched.body.secret, undefined);
    const removed = await stripeCall(service, 'DELETE', `/v1/webhook_endpoints/${created.body.id}`);
    assert.equal(removed.body.deleted, true);
  });

  it('signs deliveries so stripe.webhooks.constructEvent accepts them, and rejects a tampered payload', async () => {
    const endpoint = await stripeCall(service, 'POST', '/v1/_sandbox/webhook_endpoints', {
      url: 'http://127.0.0.1:9/stripe',
    });
    assert.equal(endpoint.body.secret, WEBHOOK_SECRET);
    const customer = await stripeCall(service, 'POST', '/v1/customers', { email: 'hook@example.test' });
    await service.webhooksIdle();
    assert.equal(fake.sent.length, 1);
    const delivery = fake.sent[0]!;
    assert.equal(delivery.url, 'http://127.0.0.1:9/stripe');
    const signature = delivery.headers['Stripe-Signature'] ?? '';
    assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    const event = Stripe.webhooks.constructEvent(delivery.body, signature, WEBHOOK_SECRET);
    assert.equal(event.type, 'customer.created');
    assert.equal((event.data.object as { id: string }).id, customer.body.id);
    assert.throws(
      () => Stripe.webhooks.constructEvent(delivery.body.replace('hook@', 'evil@'), signature, WEBHOOK_SECRET),
      (error: unknown) => error instanceof Stripe.errors.StripeSignatureVerificationError,
    );
    const inspected = service.inspect() as Inspected;
    const recorded = inspected.events.find((e) => e.id === event.id);
    assert.equal(recorded?.pendingWebhooks, 0);
  });

  it('delivers only the event types an endpoint enabled', async () => {
    await stripeCall(service, 'POST', '/v1/webhook_endpoints', {
      url: 'http://127.0.0.1:9/only-paid',
      enabled_events: ['invoice.paid'],
    });
    await stripeCall(service, 'POST', '/v1/customers', { email: 'quiet@example.test' });
    await service.webhooksIdle();
    assert.equal(fake.sent.length, 0);
  });

  it('retries a failed delivery with backoff until it succeeds, recording every attempt', async () => {
    fake.answers = ['connect ECONNREFUSED', 500, 200];
    await stripeCall(service, 'POST', '/v1/_sandbox/webhook_endpoints', { url: 'http://127.0.0.1:9/flaky' });
    await stripeCall(service, 'POST', '/v1/customers', { email: 'retry@example.test' });
    await waitFor(() => fake.sent.length === 3);
    await service.webhooksIdle();
    const deliveries = (service.inspect() as Inspected).webhookDeliveries;
    assert.deepEqual(
      deliveries.map((d) => [d.attempt, d.status, d.succeeded]),
      [
        [1, null, false],
        [2, 500, false],
        [3, 200, true],
      ],
    );
    assert.equal(deliveries[0]?.error, 'connect ECONNREFUSED');
    // Each attempt is signed afresh, and each still verifies.
    for (const sent of fake.sent) {
      Stripe.webhooks.constructEvent(sent.body, sent.headers['Stripe-Signature'] ?? '', WEBHOOK_SECRET);
    }
  });

  it('gives up after the configured attempts', async () => {
    fake.answers = [503];
    await stripeCall(service, 'POST', '/v1/_sandbox/webhook_endpoints', { url: 'http://127.0.0.1:9/down' });
    await stripeCall(service, 'POST', '/v1/customers', { email: 'down@example.test' });
    await service.webhooksIdle();
    assert.equal(fake.sent.length, 3);
  });

  it('stops pending retries on dispose', async () => {
    fake.answers = [500];
    service.dispose?.();
    service = createStripeService(fake.ctx, { delivery: { retryBaseMs: 60_000, maxAttempts: 5 } });
    service.load(aPractice());
    await stripeCall(service, 'POST', '/v1/_sandbox/webhook_endpoints', { url: 'http://127.0.0.1:9/later' });
    await stripeCall(service, 'POST', '/v1/customers', { email: 'later@example.test' });
    await waitFor(() => fake.sent.length === 1);
    service.dispose?.();
    await service.webhooksIdle();
    assert.equal(fake.sent.length, 1);
  });
});
