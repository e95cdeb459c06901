// The sandbox's Checkout Sessions answer as Stripe does where Charge Session depends on it: a hosted session
// needs success_url, its lifetime is 30 minutes to 24 hours, its url is gone once it cannot be paid, and a
// session left open past expires_at is expired (with its event) when it is next read.
import assert from 'node:assert/strict';
import { createStripeService, type StripeSandboxService } from '../../../src/sandbox/stripe';
import { aPractice, fakeContext, stripeCall, type FakeContext } from './stripeFixtures';

const CUSTOMER = 'cus_Seed00000000A1';
const HOUR = 3600;

function sessionParams(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: 'payment',
    customer: CUSTOMER,
    line_items: [
      { price_data: { currency: 'eur', unit_amount: 9000, product_data: { name: 'Session' } }, quantity: 1 },
    ],
    success_url: 'https://praxis.test/thanks',
    metadata: { session_id: 'session-3' },
    ...extra,
  };
}

describe('Stripe sandbox: Checkout Sessions as Charge Session uses them', () => {
  let fake: FakeContext;
  let service: StripeSandboxService;
  const nowSeconds = () => Math.floor(fake.clock.ms / 1000);

  beforeEach(() => {
    fake = fakeContext();
    service = createStripeService(fake.ctx);
    service.load(aPractice());
  });
  afterEach(() => service.dispose?.());

  it('refuses a hosted session without success_url, as Stripe does (parameter_missing)', async () => {
    const params = sessionParams();
    delete params.success_url;
    const res = await stripeCall(service, 'POST', '/v1/checkout/sessions', params);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'parameter_missing');
    assert.equal(res.body.error.param, 'success_url');
    const state = service.exportState() as { checkoutSessions: Record<string, unknown> };
    assert.equal(Object.keys(state.checkoutSessions).length, 0);
  });

  it('expires 24 hours after creation by default and refuses a lifetime under 30 minutes or over 24 hours', async () => {
    const made = await stripeCall(service, 'POST', '/v1/checkout/sessions', sessionParams());
    assert.equal(made.status, 200);
    assert.equal(made.body.expires_at, nowSeconds() + 24 * HOUR);
    const short = await stripeCall(
      service,
      'POST',
      '/v1/checkout/sessions',
      sessionParams({ expires_at: nowSeconds() + 10 * 60 }),
    );
    assert.equal(short.status, 400);
    assert.equal(short.body.error.param, 'expires_at');
    const long = await stripeCall(
      service,
      'POST',
      '/v1/checkout/sessions',
      sessionParams({ expires_at: nowSeconds() + 25 * HOUR }),
    );
    assert.equal(long.status, 400);
    assert.equal(long.body.error.param, 'expires_at');
    const hour = await stripeCall(
      service,
      'POST',
      '/v1/checkout/sessions',
      sessionParams({ expires_at: nowSeconds() + HOUR }),
    );
    assert.equal(hour.status, 200);
  });

  it('has a url only while it is open: none once paid', async () => {
    const made = await stripeCall(service, 'POST', '/v1/checkout/sessions', sessionParams());
    assert.match(made.body.url, /\/v1\/_sandbox\/pages\/checkout\/cs_test_/);
    await stripeCall(service, 'POST', `/v1/_sandbox/checkout_sessions/${made.body.id}/complete`);
    const read = await stripeCall(service, 'GET', `/v1/checkout/sessions/${made.body.id}`);
    assert.equal(read.body.status, 'complete');
    assert.equal(read.body.payment_status, 'paid');
    assert.equal(read.body.url, null);
  });

  it('expires a session left open past expires_at when it is read, with checkout.session.expired, and refuses to pay it', async () => {
    const made = await stripeCall(service, 'POST', '/v1/checkout/sessions', sessionParams());
    fake.clock.ms += 24 * HOUR * 1000 + 1000;
    const page = await stripeCall(
      service,
      'GET',
      `/v1/_sandbox/pages/checkout/${made.body.id}`,
      {},
      { Authorization: '' },
    );
    assert.doesNotMatch(String(page.body), /Pay with test card/, 'the page offers no payment once the time ran out');
    const read = await stripeCall(service, 'GET', `/v1/checkout/sessions/${made.body.id}`);
    assert.equal(read.body.status, 'expired');
    assert.equal(read.body.url, null);
    const events = await stripeCall(service, 'GET', '/v1/events', { type: 'checkout.session.expired' });
    assert.equal(events.body.data.length, 1);
    assert.equal(events.body.data[0].data.object.id, made.body.id);
    assert.equal(events.body.data[0].request.id, null, 'Stripe expired it, not a request');
    const pay = await stripeCall(service, 'POST', `/v1/_sandbox/checkout_sessions/${made.body.id}/complete`);
    assert.equal(pay.status, 400);
    const again = await stripeCall(service, 'GET', `/v1/checkout/sessions/${made.body.id}`);
    assert.equal(again.body.status, 'expired');
    const expiredEvents = await stripeCall(service, 'GET', '/v1/events', { type: 'checkout.session.expired' });
    assert.equal(expiredEvents.body.data.length, 1, 'expired once');
  });

  it('replays a create under the same idempotency key and refuses the key with other parameters', async () => {
    const key = { 'Idempotency-Key': 'lc-session-s3-checkout' };
    const first = await stripeCall(service, 'POST', '/v1/checkout/sessions', sessionParams(), key);
    const second = await stripeCall(service, 'POST', '/v1/checkout/sessions', sessionParams(), key);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.headers['Idempotent-Replayed'], 'true');
    const other = await stripeCall(
      service,
      'POST',
      '/v1/checkout/sessions',
      sessionParams({ success_url: 'https://praxis.test/other' }),
      key,
    );
    assert.equal(other.status, 400);
    assert.equal(other.body.error.type, 'idempotency_error');
    const state = service.exportState() as { checkoutSessions: Record<string, unknown> };
    assert.equal(Object.keys(state.checkoutSessions).length, 1);
  });
});
