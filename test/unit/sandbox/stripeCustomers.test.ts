// The Stripe sandbox's customers, search, auth and error shapes, through the handler.

import assert from 'node:assert/strict';
import { createStripeService, DEFAULT_API_VERSION, type StripeSandboxService } from '../../../src/sandbox/stripe';
import { aPractice, fakeContext, SECRET_KEY, stripeCall } from './stripeFixtures';

describe('Stripe sandbox: customers and errors', () => {
  let service: StripeSandboxService;

  beforeEach(() => {
    service = createStripeService(fakeContext().ctx);
    service.load(aPractice());
  });
  afterEach(() => service.dispose?.());

  it('creates a customer with Stripe’s shape and a customer.created event', async () => {
    const res = await stripeCall(service, 'POST', '/v1/customers', {
      email: 'cara@example.test',
      name: 'Cara',
      metadata: { contactId: 'contact-9' },
    });
    assert.equal(res.status, 200);
    assert.match(res.body.id, /^cus_[A-Za-z0-9]{14}$/);
    assert.equal(res.body.object, 'customer');
    assert.equal(res.body.livemode, false);
    assert.equal(res.body.created, Math.floor(Date.parse('2026-03-02T10:00:00Z') / 1000));
    assert.deepEqual(res.body.metadata, { contactId: 'contact-9' });
    assert.match(res.headers['Request-Id'] ?? '', /^req_/);
    assert.equal(res.headers['Stripe-Version'], DEFAULT_API_VERSION);
    const events = await stripeCall(service, 'GET', '/v1/events', { type: 'customer.created' });
    assert.equal(events.body.data[0].data.object.id, res.body.id);
    assert.equal(events.body.data[0].api_version, DEFAULT_API_VERSION);
  });

  it('echoes the Stripe-Version the client sends', async () => {
    const res = await stripeCall(service, 'GET', '/v1/customers', {}, { 'Stripe-Version': '2025-03-31.basil' });
    assert.equal(res.headers['Stripe-Version'], '2025-03-31.basil');
  });

  it('loads seeded customers with contactId metadata and finds them by search', async () => {
    const res = await stripeCall(service, 'GET', '/v1/customers/search', { query: "email:'ADA@example.test'" });
    assert.equal(res.status, 200);
    assert.equal(res.body.object, 'search_result');
    assert.equal(res.body.url, '/v1/customers/search');
    assert.equal(res.body.data.length, 1);
    assert.equal(res.body.data[0].id, 'cus_Seed00000000A1');
    assert.equal(res.body.next_page, null);
    const byMeta = await stripeCall(service, 'GET', '/v1/customers/search', {
      query: "metadata['contact_id']:'contact-1' AND name:'Ada Lovelace'",
    });
    assert.equal(byMeta.body.data[0]?.id, 'cus_Seed00000000A1');
    const none = await stripeCall(service, 'GET', '/v1/customers/search', {
      query: "metadata['contact_id']:'contact-1' AND name:'Someone Else'",
    });
    assert.equal(none.body.data.length, 0);
  });

  it('rejects a search query it cannot parse with a 400 naming query', async () => {
    const res = await stripeCall(service, 'GET', '/v1/customers/search', { query: 'email = x' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'query');
  });

  it('filters the customer list by exact email and pages with starting_after', async () => {
    for (const n of [1, 2, 3]) await stripeCall(service, 'POST', '/v1/customers', { email: `p${n}@example.test` });
    const byEmail = await stripeCall(service, 'GET', '/v1/customers', { email: 'p2@example.test' });
    assert.deepEqual(
      byEmail.body.data.map((c: { email: string }) => c.email),
      ['p2@example.test'],
    );
    const first = await stripeCall(service, 'GET', '/v1/customers', { limit: 2 });
    assert.equal(first.body.object, 'list');
    assert.equal(first.body.url, '/v1/customers');
    assert.equal(first.body.has_more, true);
    assert.deepEqual(
      first.body.data.map((c: { email: string }) => c.email),
      ['p3@example.test', 'p2@example.test'],
    );
    const second = await stripeCall(service, 'GET', '/v1/customers', {
      limit: 2,
      starting_after: first.body.data[1].id,
    });
    assert.deepEqual(
      second.body.data.map((c: { email: string }) => c.email),
      ['p1@example.test', 'ada@example.test'],
    );
    assert.equal(second.body.has_more, false);
    const back = await stripeCall(service, 'GET', '/v1/customers', { limit: 1, ending_before: second.body.data[0].id });
    assert.equal(back.body.data[0].email, 'p2@example.test');
  });

  it('updates metadata with Stripe’s unset-by-empty-string rule and records previous_attributes', async () => {
    const res = await stripeCall(service, 'POST', '/v1/customers/cus_Seed00000000A1', {
      metadata: { contact_id: '', note: 'vip' },
      name: 'Ada King',
    });
    assert.deepEqual(res.body.metadata, { note: 'vip' });
    const events = await stripeCall(service, 'GET', '/v1/events', { type: 'customer.updated' });
    assert.equal(events.body.data[0].data.previous_attributes.name, 'Ada Lovelace');
  });

  it('answers a missing customer with 404 resource_missing in Stripe’s words', async () => {
    const res = await stripeCall(service, 'GET', '/v1/customers/cus_nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.equal(res.body.error.code, 'resource_missing');
    assert.equal(res.body.error.message, "No such customer: 'cus_nope'");
    assert.equal(res.body.error.param, 'id');
    assert.equal(res.body.error.doc_url, 'https://stripe.com/docs/error-codes/resource-missing');
    assert.match(
      res.body.error.request_log_url,
      /^https:\/\/dashboard\.stripe\.com\/acct_1Sandbox000000\/test\/logs\/req_/,
    );
  });

  it('answers a missing required param with 400 parameter_missing', async () => {
    const res = await stripeCall(service, 'POST', '/v1/invoices', {});
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'parameter_missing');
    assert.equal(res.body.error.param, 'customer');
    assert.equal(res.body.error.message, 'Missing required param: customer.');
  });

  it('answers a non-integer amount with 400 parameter_invalid_integer', async () => {
    const res = await stripeCall(service, 'POST', '/v1/invoiceitems', {
      customer: 'cus_Seed00000000A1',
      amount: 'ten',
      currency: 'eur',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'parameter_invalid_integer');
    assert.equal(res.body.error.param, 'amount');
  });

  it('refuses a wrong key with 401 invalid_request_error masking all but its last four characters', async () => {
    const res = await stripeCall(service, 'GET', '/v1/customers', {}, { Authorization: 'Bearer sk_test_wrongkeyXYZ9' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: { message: 'Invalid API Key provided: sk_test_****XYZ9', type: 'invalid_request_error' },
    });
  });

  it('refuses a request without a key and accepts the key as Basic user', async () => {
    const none = await stripeCall(service, 'GET', '/v1/customers', {}, { Authorization: '' });
    assert.equal(none.status, 401);
    assert.match(none.body.error.message, /You did not provide an API key/);
    const basic = Buffer.from(`${SECRET_KEY}:`).toString('base64');
    const ok = await stripeCall(service, 'GET', '/v1/customers', {}, { Authorization: `Basic ${basic}` });
    assert.equal(ok.status, 200);
  });

  it('answers an unknown /v1 path with Stripe’s unrecognized URL 404 and ignores other paths', async () => {
    const res = await stripeCall(service, 'GET', '/v1/frobnicate');
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /^Unrecognized request URL \(GET: \/v1\/frobnicate\)/);
    await assert.rejects(stripeCall(service, 'GET', '/graph/v1.0/me'), /no route/);
  });

  it('survives export → JSON → import with the same objects', async () => {
    await stripeCall(service, 'POST', '/v1/customers', { email: 'keep@example.test' });
    const copy = createStripeService(fakeContext().ctx);
    copy.importState(JSON.parse(JSON.stringify(service.exportState())));
    const res = await stripeCall(copy, 'GET', '/v1/customers', { email: 'keep@example.test' });
    assert.equal(res.body.data.length, 1);
    assert.throws(() => copy.importState({ nope: true }), /Not a Stripe sandbox state/);
    copy.dispose?.();
  });

  it('deletes a customer and then retrieves it as a deleted stub', async () => {
    const del = await stripeCall(service, 'DELETE', '/v1/customers/cus_Seed00000000A1');
    assert.deepEqual(del.body, { id: 'cus_Seed00000000A1', object: 'customer', deleted: true });
    const get = await stripeCall(service, 'GET', '/v1/customers/cus_Seed00000000A1');
    assert.equal(get.status, 200);
    assert.equal(get.body.deleted, true);
  });
});
