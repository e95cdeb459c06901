// The stripe SDK over the HTTP layer: customers.create reaches a stub Stripe route through the custom
// HttpClient, a 5xx is retried here with the same Idempotency-Key (the SDK's own retries are off), and
// Stripe's error bodies still become the SDK's typed errors.
import * as assert from 'node:assert/strict';
import Stripe from 'stripe';
import { TransientError } from '../../../src/core/errors';
import { HttpClient, stripeSdkOptions } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

const customer = { id: 'cus_123', object: 'customer', name: 'Ada Lovelace', email: 'ada@practice.test' };

describe('stripe SDK through stripeHttpClient', () => {
  const server = new TestServer();
  let port = '';
  let clock: FakeClock;
  let http: HttpClient;
  let stripe: Stripe;

  before(async () => {
    port = new URL(await server.start()).port;
  });
  beforeEach(() => {
    clock = new FakeClock();
    http = new HttpClient({ logger: silentLogger, clock, random: () => 0.5 });
    stripe = new Stripe('sk_test_layer', { ...stripeSdkOptions(http), host: '127.0.0.1', port, protocol: 'http' });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  function answer(
    status: number,
    body: unknown,
  ): (request: unknown, response: import('node:http').ServerResponse) => void {
    return (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_1' });
      response.end(JSON.stringify(body));
    };
  }

  it('creates a customer through the layer', async () => {
    server.reset(answer(200, customer));
    const created = await stripe.customers.create({ name: 'Ada Lovelace', email: 'ada@practice.test' });
    assert.equal(created.id, 'cus_123');
    const seen = server.requests[0];
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.url, '/v1/customers');
    assert.equal(seen?.headers.authorization, 'Bearer sk_test_layer');
    assert.match(String(seen?.headers['idempotency-key']), /^stripe-node-retry-/);
    assert.equal(new URLSearchParams(seen?.body).get('email'), 'ada@practice.test');
  });

  it('retries a 503 once here, with the same Idempotency-Key', async () => {
    let calls = 0;
    server.reset((request, response) => {
      const status = calls++ === 0 ? 503 : 200;
      answer(status, status === 200 ? customer : { error: { type: 'api_error', message: 'busy' } })(request, response);
    });
    const created = await stripe.customers.create({ name: 'Ada Lovelace' });
    assert.equal(created.id, 'cus_123');
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]?.headers['idempotency-key'], server.requests[1]?.headers['idempotency-key']);
    assert.deepEqual(clock.sleeps, [250]);
  });

  it('leaves error answers to the SDK, which maps them to its typed errors', async () => {
    server.reset(
      answer(402, { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } }),
    );
    await assert.rejects(stripe.customers.create({ name: 'Ada' }), (error: unknown) => {
      assert.ok(error instanceof Stripe.errors.StripeCardError);
      assert.equal(error.code, 'card_declined');
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('reads a customer with a GET', async () => {
    server.reset(answer(200, customer));
    const found = await stripe.customers.retrieve('cus_123');
    assert.equal(found.id, 'cus_123');
    assert.equal(server.requests[0]?.method, 'GET');
    assert.equal(server.requests[0]?.url, '/v1/customers/cus_123');
  });

  it('surfaces a layer failure as StripeConnectionError carrying the typed error', async () => {
    const unreachable = new Stripe('sk_test_layer', {
      ...stripeSdkOptions(http),
      host: '127.0.0.1',
      port: '1',
      protocol: 'http',
    });
    await assert.rejects(unreachable.customers.create({ name: 'Ada' }), (error: unknown) => {
      assert.ok(error instanceof Stripe.errors.StripeConnectionError);
      assert.ok((error as { detail?: unknown }).detail instanceof TransientError);
      return true;
    });
    // Only the layer's retries ran (policy: 3 attempts, so 2 waits); the SDK added none of its own.
    assert.equal(clock.sleeps.length, 2);
  });
});
