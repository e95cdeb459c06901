// The real `stripe` SDK against the sandbox over HTTPS (startSandbox with the Stripe service):
// customers, invoice create → finalize → pay, a decline as StripeCardError, an idempotent replay,
// and a webhook delivery to a local receiver that constructEvent accepts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { createStripeService, DEFAULT_API_VERSION, type StripeSandboxService } from '../../../src/sandbox/stripe';

interface Received {
  body: string;
  signature: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Stripe sandbox with the real stripe SDK', function () {
  this.timeout(30_000);
  let sandbox: RunningSandbox;
  let service: StripeSandboxService | undefined;
  let stripe: Stripe;
  let receiver: Server;
  const received: Received[] = [];

  before(async () => {
    sandbox = await startSandbox({
      services: {
        stripe: (ctx) => (service = createStripeService(ctx, { delivery: { retryBaseMs: 20, maxAttempts: 3 } })),
      },
    });
    const url = new URL(sandbox.info.stripeUrl);
    stripe = new Stripe(sandbox.info.stripeSecretKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
      maxNetworkRetries: 1,
    });
    receiver = createServer((req, res) => {
      readBody(req)
        .then((body) => {
          received.push({ body, signature: String(req.headers['stripe-signature'] ?? '') });
          res.writeHead(200).end();
        })
        .catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await sandbox?.stop();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it('creates, searches and lists customers', async () => {
    const customer = await stripe.customers.create({
      email: 'sdk@example.test',
      name: 'SDK Client',
      metadata: { contactId: 'contact-sdk' },
    });
    assert.match(customer.id, /^cus_/);
    assert.equal(customer.lastResponse.apiVersion, DEFAULT_API_VERSION);
    assert.match(customer.lastResponse.requestId, /^req_/);
    const found = await stripe.customers.search({ query: "metadata['contactId']:'contact-sdk'" });
    assert.deepEqual(
      found.data.map((c) => c.id),
      [customer.id],
    );
    const listed = await stripe.customers.list({ email: 'sdk@example.test' });
    assert.equal(listed.data[0]?.id, customer.id);
    const all: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) all.push(c.id);
    assert.ok(all.includes(customer.id));
    assert.equal(new Set(all).size, all.length);
  });

  it('runs an invoice from draft to paid and surfaces a decline as StripeCardError', async () => {
    const customer = await stripe.customers.create({ email: 'payer@example.test' });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      metadata: { sessionId: 'session-sdk' },
    });
    await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: invoice.id,
      amount: 9000,
      currency: 'eur',
      description: 'Session',
    });
    const finalized = await stripe.invoices.finalizeInvoice(invoice.id);
    assert.equal(finalized.status, 'open');
    assert.equal(finalized.amount_due, 9000);
    assert.ok(finalized.hosted_invoice_url?.startsWith(sandbox.info.stripeUrl));
    await assert.rejects(
      stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_chargeDeclined' }),
      (error: unknown) =>
        error instanceof Stripe.errors.StripeCardError &&
        error.code === 'card_declined' &&
        error.decline_code === 'generic_decline',
    );
    const paid = await stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.amount_paid, 9000);
  });

  it('maps a missing object to StripeInvalidRequestError and a bad key to StripeAuthenticationError', async () => {
    await assert.rejects(
      stripe.customers.retrieve('cus_missing'),
      (error: unknown) => error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing',
    );
    const url = new URL(sandbox.info.stripeUrl);
    const wrong = new Stripe('sk_test_wrong0000', {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
    });
    await assert.rejects(
      wrong.customers.list(),
      (error: unknown) => error instanceof Stripe.errors.StripeAuthenticationError,
    );
  });

  it('replays a request sent twice with the same idempotency key', async () => {
    const first = await stripe.customers.create({ email: 'idem@example.test' }, { idempotencyKey: 'sdk-idem-1' });
    const second = await stripe.customers.create({ email: 'idem@example.test' }, { idempotencyKey: 'sdk-idem-1' });
    assert.equal(second.id, first.id);
    assert.equal((second.lastResponse.headers as Record<string, string>)['idempotent-replayed'], 'true');
    await assert.rejects(
      stripe.customers.create({ email: 'other@example.test' }, { idempotencyKey: 'sdk-idem-1' }),
      (error: unknown) => error instanceof Stripe.errors.StripeIdempotencyError,
    );
  });

  it('delivers a signed webhook that constructEvent accepts', async () => {
    const address = receiver.address() as AddressInfo;
    const endpoint = await stripe.rawRequest('POST', '/v1/_sandbox/webhook_endpoints', {
      url: `http://127.0.0.1:${address.port}/stripe`,
      enabled_events: ['invoice.paid'],
    });
    assert.equal((endpoint as unknown as { secret: string }).secret, sandbox.info.stripeWebhookSecret);
    const customer = await stripe.customers.create({ email: 'hooked@example.test' });
    const invoice = await stripe.invoices.create({ customer: customer.id });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 4500, currency: 'eur' });
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    await waitFor(() => received.length > 0);
    await service?.webhooksIdle();
    assert.equal(received.length, 1);
    const delivery = received[0]!;
    const event = stripe.webhooks.constructEvent(delivery.body, delivery.signature, sandbox.info.stripeWebhookSecret);
    assert.equal(event.type, 'invoice.paid');
    assert.equal((event.data.object as Stripe.Invoice).id, invoice.id);
    assert.equal((event.data.object as Stripe.Invoice).amount_paid, 4500);
  });
});
