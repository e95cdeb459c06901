// Stripe's idempotent requests in the sandbox: replay, parameter mismatch, endpoint mismatch, expiry.

import assert from 'node:assert/strict';
import { createStripeService, type StripeSandboxService } from '../../../src/sandbox/stripe';
import { aPractice, fakeContext, stripeCall, type FakeContext } from './stripeFixtures';

describe('Stripe sandbox: idempotency', () => {
  let fake: FakeContext;
  let service: StripeSandboxService;

  beforeEach(() => {
    fake = fakeContext();
    service = createStripeService(fake.ctx);
    service.load(aPractice());
  });
  afterEach(() => service.dispose?.());

  async function customerCount(): Promise<number> {
    return (await stripeCall(service, 'GET', '/v1/customers', { limit: 100 })).body.data.length;
  }

  it('replays the saved response for the same key and params without creating twice', async () => {
    const before = await customerCount();
    const key = { 'Idempotency-Key': 'stripe-node-retry-1f0e' };
    const first = await stripeCall(service, 'POST', '/v1/customers', { email: 'once@example.test' }, key);
    const second = await stripeCall(service, 'POST', '/v1/customers', { email: 'once@example.test' }, key);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['Idempotent-Replayed'], 'true');
    assert.equal(second.headers['Original-Request'], first.headers['Request-Id']);
    assert.equal(first.headers['Idempotent-Replayed'], undefined);
    assert.equal(await customerCount(), before + 1);
  });

  it('replays a saved 402 as well, since the payment attempt ran', async () => {
    const draft = await stripeCall(service, 'POST', '/v1/invoices', { customer: 'cus_Seed00000000A1' });
    await stripeCall(service, 'POST', '/v1/invoiceitems', {
      customer: 'cus_Seed00000000A1',
      invoice: draft.body.id,
      amount: 100,
      currency: 'eur',
    });
    const key = { 'Idempotency-Key': 'pay-once' };
    const first = await stripeCall(
      service,
      'POST',
      `/v1/invoices/${draft.body.id}/pay`,
      { payment_method: 'pm_card_chargeDeclined' },
      key,
    );
    const again = await stripeCall(
      service,
      'POST',
      `/v1/invoices/${draft.body.id}/pay`,
      { payment_method: 'pm_card_chargeDeclined' },
      key,
    );
    assert.equal(again.status, 402);
    assert.equal(again.body.error.charge, first.body.error.charge);
    const invoice = await stripeCall(service, 'GET', `/v1/invoices/${draft.body.id}`);
    assert.equal(invoice.body.attempt_count, 1);
  });

  it('refuses the same key with different params with 400 idempotency_error', async () => {
    const key = { 'Idempotency-Key': 'key-a' };
    await stripeCall(service, 'POST', '/v1/customers', { email: 'a@example.test' }, key);
    const res = await stripeCall(service, 'POST', '/v1/customers', { email: 'b@example.test' }, key);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.type, 'idempotency_error');
    assert.equal(
      res.body.error.message,
      "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'key-a' if you meant to execute a different request.",
    );
  });

  it('refuses the same key on another endpoint', async () => {
    const key = { 'Idempotency-Key': 'key-b' };
    await stripeCall(service, 'POST', '/v1/customers', { email: 'a@example.test' }, key);
    const res = await stripeCall(
      service,
      'POST',
      '/v1/prices',
      { currency: 'eur', unit_amount: 1, product_data: { name: 'x' } },
      key,
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.error.type, 'idempotency_error');
  });

  it('does not save a validation failure, so the key can be retried with fixed params', async () => {
    const key = { 'Idempotency-Key': 'key-c' };
    const bad = await stripeCall(service, 'POST', '/v1/invoices', {}, key);
    assert.equal(bad.status, 400);
    const good = await stripeCall(service, 'POST', '/v1/invoices', { customer: 'cus_Seed00000000A1' }, key);
    assert.equal(good.status, 200);
  });

  it('forgets keys after 24 hours', async () => {
    const key = { 'Idempotency-Key': 'key-d' };
    await stripeCall(service, 'POST', '/v1/customers', { email: 'a@example.test' }, key);
    fake.clock.ms += 24 * 3600 * 1000;
    const res = await stripeCall(service, 'POST', '/v1/customers', { email: 'other@example.test' }, key);
    assert.equal(res.status, 200);
    assert.equal(res.headers['Idempotent-Replayed'], undefined);
  });
});
