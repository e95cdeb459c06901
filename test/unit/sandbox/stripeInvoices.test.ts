// The Stripe sandbox's invoice lifecycle, amounts, declines, refunds, checkout and seeded invoices.

import assert from 'node:assert/strict';
import { createStripeService, type StripeSandboxService } from '../../../src/sandbox/stripe';
import { aPractice, fakeContext, ORIGIN, stripeCall } from './stripeFixtures';

const CUSTOMER = 'cus_Seed00000000A1';

async function eventTypes(service: StripeSandboxService): Promise<string[]> {
  const res = await stripeCall(service, 'GET', '/v1/events', { limit: 100 });
  return res.body.data.map((e: { type: string }) => e.type).reverse();
}

describe('Stripe sandbox: invoices and payments', () => {
  let service: StripeSandboxService;

  beforeEach(() => {
    service = createStripeService(fakeContext().ctx);
    service.load(aPractice());
  });
  afterEach(() => service.dispose?.());

  async function draftWithTwoItems(): Promise<string> {
    const invoice = await stripeCall(service, 'POST', '/v1/invoices', {
      customer: CUSTOMER,
      collection_method: 'send_invoice',
      days_until_due: 14,
      metadata: { sessionId: 'session-9' },
    });
    assert.equal(invoice.status, 200);
    await stripeCall(service, 'POST', '/v1/invoiceitems', {
      customer: CUSTOMER,
      invoice: invoice.body.id,
      amount: 9000,
      currency: 'eur',
      description: 'Session',
      metadata: { sessionId: 'session-9' },
    });
    await stripeCall(service, 'POST', '/v1/invoiceitems', {
      customer: CUSTOMER,
      invoice: invoice.body.id,
      unit_amount_decimal: '1500',
      quantity: 2,
      currency: 'eur',
      description: 'Worksheets',
    });
    return invoice.body.id as string;
  }

  it('computes a draft’s lines and totals from its invoice items', async () => {
    const id = await draftWithTwoItems();
    const invoice = await stripeCall(service, 'GET', `/v1/invoices/${id}`);
    assert.match(id, /^in_[A-Za-z0-9]{24}$/);
    assert.equal(invoice.body.status, 'draft');
    assert.equal(invoice.body.subtotal, 12000);
    assert.equal(invoice.body.total, 12000);
    assert.equal(invoice.body.amount_due, 12000);
    assert.equal(invoice.body.amount_remaining, 12000);
    assert.equal(invoice.body.lines.data.length, 2);
    assert.equal(invoice.body.lines.data[1].quantity, 2);
    assert.match(invoice.body.lines.data[0].parent.invoice_item_details.invoice_item, /^ii_/);
    assert.equal(invoice.body.number, null);
    assert.equal(invoice.body.hosted_invoice_url, null);
  });

  it('finalizes, sends and pays by card, recording Stripe’s events in order', async () => {
    const id = await draftWithTwoItems();
    const finalized = await stripeCall(service, 'POST', `/v1/invoices/${id}/finalize`);
    assert.equal(finalized.body.status, 'open');
    assert.match(finalized.body.number, /^[0-9A-F]{8}-\d{4}$/);
    assert.equal(finalized.body.hosted_invoice_url, `${ORIGIN}/v1/_sandbox/pages/invoices/${id}`);
    assert.equal(finalized.body.due_date, finalized.body.status_transitions.finalized_at + 14 * 86400);
    const sent = await stripeCall(service, 'POST', `/v1/invoices/${id}/send`);
    assert.equal(sent.status, 200);
    const paid = await stripeCall(service, 'POST', `/v1/invoices/${id}/pay`, { payment_method: 'pm_card_visa' });
    assert.equal(paid.status, 200);
    assert.equal(paid.body.status, 'paid');
    assert.equal(paid.body.amount_paid, 12000);
    assert.equal(paid.body.amount_remaining, 0);
    const piId = paid.body.payments.data[0].payment.payment_intent;
    const pi = await stripeCall(service, 'GET', `/v1/payment_intents/${piId}`, { expand: ['latest_charge'] });
    assert.equal(pi.body.status, 'succeeded');
    assert.equal(pi.body.latest_charge.amount, 12000);
    const types = await eventTypes(service);
    const tail = types.slice(types.lastIndexOf('invoice.created'));
    assert.deepEqual(tail, [
      'invoice.created',
      'invoiceitem.created',
      'invoiceitem.created',
      'invoice.finalized',
      'invoice.sent',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.payment_succeeded',
      'invoice.paid',
    ]);
    const page = await stripeCall(service, 'GET', `/v1/_sandbox/pages/invoices/${id}`, {}, { Authorization: '' });
    assert.equal(page.status, 200);
    assert.match(page.body, /status <b>paid<\/b>/);
  });

  it('answers a declined card with 402 card_error and leaves the invoice open', async () => {
    const id = await draftWithTwoItems();
    const res = await stripeCall(service, 'POST', `/v1/invoices/${id}/pay`, {
      payment_method: 'pm_card_chargeDeclined',
    });
    assert.equal(res.status, 402);
    assert.equal(res.body.error.type, 'card_error');
    assert.equal(res.body.error.code, 'card_declined');
    assert.equal(res.body.error.decline_code, 'generic_decline');
    assert.equal(res.body.error.message, 'Your card was declined.');
    assert.match(res.body.error.charge, /^ch_/);
    const invoice = await stripeCall(service, 'GET', `/v1/invoices/${id}`);
    assert.equal(invoice.body.status, 'open');
    assert.equal(invoice.body.attempt_count, 1);
    assert.ok((await eventTypes(service)).includes('invoice.payment_failed'));
  });

  it('pays out of band, then refuses to pay again or void a paid invoice', async () => {
    const id = await draftWithTwoItems();
    const paid = await stripeCall(service, 'POST', `/v1/invoices/${id}/pay`, { paid_out_of_band: true });
    assert.equal(paid.body.status, 'paid');
    assert.equal(paid.body.payments.data[0].payment.type, 'out_of_band_payment');
    const again = await stripeCall(service, 'POST', `/v1/invoices/${id}/pay`, { paid_out_of_band: true });
    assert.equal(again.status, 400);
    const voided = await stripeCall(service, 'POST', `/v1/invoices/${id}/void`);
    assert.equal(voided.status, 400);
  });

  it('voids an open invoice and lists invoices by customer and status', async () => {
    const id = await draftWithTwoItems();
    await stripeCall(service, 'POST', `/v1/invoices/${id}/finalize`);
    const voided = await stripeCall(service, 'POST', `/v1/invoices/${id}/void`);
    assert.equal(voided.body.status, 'void');
    const list = await stripeCall(service, 'GET', '/v1/invoices', { customer: CUSTOMER, status: 'void' });
    assert.deepEqual(
      list.body.data.map((i: { id: string }) => i.id),
      [id],
    );
  });

  it('includes pending invoice items only when pending_invoice_items_behavior=include', async () => {
    await stripeCall(service, 'POST', '/v1/invoiceitems', { customer: CUSTOMER, amount: 5000, currency: 'eur' });
    const excluded = await stripeCall(service, 'POST', '/v1/invoices', { customer: CUSTOMER });
    assert.equal(excluded.body.total, 0);
    const included = await stripeCall(service, 'POST', '/v1/invoices', {
      customer: CUSTOMER,
      pending_invoice_items_behavior: 'include',
    });
    assert.equal(included.body.total, 5000);
  });

  it('requires days_until_due for send_invoice', async () => {
    const res = await stripeCall(service, 'POST', '/v1/invoices', {
      customer: CUSTOMER,
      collection_method: 'send_invoice',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'days_until_due');
  });

  it('refunds a paid invoice’s payment and records charge.refunded', async () => {
    const id = await draftWithTwoItems();
    const paid = await stripeCall(service, 'POST', `/v1/invoices/${id}/pay`, { payment_method: 'pm_card_visa' });
    const pi = paid.body.payments.data[0].payment.payment_intent;
    const refund = await stripeCall(service, 'POST', '/v1/refunds', { payment_intent: pi, amount: 2000 });
    assert.equal(refund.status, 200);
    assert.match(refund.body.id, /^re_/);
    assert.equal(refund.body.amount, 2000);
    const charge = await stripeCall(service, 'GET', `/v1/charges/${refund.body.charge}`);
    assert.equal(charge.body.amount_refunded, 2000);
    assert.equal(charge.body.refunded, false);
    const tooMuch = await stripeCall(service, 'POST', '/v1/refunds', { charge: refund.body.charge, amount: 99999 });
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.error.code, 'amount_too_large');
    const events = await stripeCall(service, 'GET', '/v1/events', { type: 'charge.refunded' });
    assert.equal(events.body.data[0].data.object.amount_refunded, 2000);
  });

  it('seeds paid and invoiced sessions as invoices with matching items', async () => {
    const list = await stripeCall(service, 'GET', '/v1/invoices', { customer: CUSTOMER });
    const statuses = list.body.data.map((i: { status: string; metadata: { session_id: string } }) => [
      i.metadata.session_id,
      i.status,
    ]);
    assert.deepEqual(statuses.sort(), [
      ['session-1', 'paid'],
      ['session-2', 'open'],
    ]);
    const seeded = await stripeCall(service, 'GET', '/v1/invoices/in_Seeded0000000000000000B2');
    assert.equal(seeded.body.total, 9000);
    assert.equal(seeded.body.lines.data[0].metadata.session_id, 'session-2');
    const events = await stripeCall(service, 'GET', '/v1/events', { limit: 100 });
    assert.ok(events.body.data.length > 0 && events.body.data.length <= 12);
  });
});

describe('Stripe sandbox: checkout and payment links', () => {
  let service: StripeSandboxService;

  beforeEach(() => {
    service = createStripeService(fakeContext().ctx);
    service.load(aPractice());
  });
  afterEach(() => service.dispose?.());

  it('creates a payment-mode session from price_data and completes it through the sandbox route', async () => {
    const session = await stripeCall(service, 'POST', '/v1/checkout/sessions', {
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 9000, product_data: { name: 'Session' } }, quantity: 1 },
      ],
      success_url: 'https://praxis.test/thanks',
      metadata: { sessionId: 'session-3' },
    });
    assert.equal(session.status, 200);
    assert.match(session.body.id, /^cs_test_/);
    assert.equal(session.body.amount_total, 9000);
    assert.equal(session.body.status, 'open');
    assert.equal(session.body.url, `${ORIGIN}/v1/_sandbox/pages/checkout/${session.body.id}`);
    const done = await stripeCall(service, 'POST', `/v1/_sandbox/checkout_sessions/${session.body.id}/complete`, {
      email: 'bob@example.test',
    });
    assert.equal(done.body.status, 'complete');
    assert.equal(done.body.payment_status, 'paid');
    assert.match(done.body.payment_intent, /^pi_/);
    const events = await stripeCall(service, 'GET', '/v1/events', { type: 'checkout.session.completed' });
    assert.equal(events.body.data[0].data.object.metadata.sessionId, 'session-3');
    const items = await stripeCall(service, 'GET', `/v1/checkout/sessions/${session.body.id}/line_items`);
    assert.equal(items.body.data[0].amount_total, 9000);
  });

  it('creates a payment link from a price and completes it into a session carrying its metadata', async () => {
    const price = await stripeCall(service, 'POST', '/v1/prices', {
      currency: 'eur',
      unit_amount: 12000,
      product_data: { name: 'Double session' },
    });
    assert.match(price.body.id, /^price_/);
    const link = await stripeCall(service, 'POST', '/v1/payment_links', {
      line_items: [{ price: price.body.id, quantity: 1 }],
      metadata: { sessionId: 'session-7' },
    });
    assert.match(link.body.id, /^plink_/);
    assert.equal(link.body.url, `${ORIGIN}/v1/_sandbox/pages/payment_links/${link.body.id}`);
    const session = await stripeCall(service, 'POST', `/v1/_sandbox/payment_links/${link.body.id}/complete`);
    assert.equal(session.body.payment_link, link.body.id);
    assert.equal(session.body.amount_total, 12000);
    assert.deepEqual(session.body.metadata, { sessionId: 'session-7' });
  });

  it('lets the hosted checkout page pay without the secret key and redirects to success_url', async () => {
    const session = await stripeCall(service, 'POST', '/v1/checkout/sessions', {
      mode: 'payment',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 5000, product_data: { name: 'Session' } } }],
      success_url: 'https://praxis.test/thanks',
    });
    const page = await stripeCall(
      service,
      'GET',
      `/v1/_sandbox/pages/checkout/${session.body.id}`,
      {},
      { Authorization: '' },
    );
    assert.match(page.body, /Pay with test card/);
    const paid = await stripeCall(
      service,
      'POST',
      `/v1/_sandbox/pages/checkout/${session.body.id}/pay`,
      {},
      { Authorization: '' },
    );
    assert.equal(paid.status, 303);
    assert.equal(paid.headers.Location, 'https://praxis.test/thanks');
    const after = await stripeCall(service, 'GET', `/v1/checkout/sessions/${session.body.id}`);
    assert.equal(after.body.payment_status, 'paid');
  });

  it('refuses a session without line items', async () => {
    const res = await stripeCall(service, 'POST', '/v1/checkout/sessions', { mode: 'payment' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'line_items');
  });
});
