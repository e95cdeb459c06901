// Charge Session against the sandbox with the real stripe SDK: however it goes wrong (a double click, a lost
// answer, a crash between steps then a rerun), a session ends with one sent invoice for its fee; what would
// make a wrong charge is refused before Stripe hears of it.
import { strict as assert } from 'node:assert';
import type { DataverseClient } from '../../../src/core/dataverse';
import { ValidationError } from '../../../src/core/errors';
import { DEFAULT_TABLES, PAYMENT_STATUS } from '../../../src/core/practice';
import { chargeSession, StripeIdempotencyError, type StripeApi } from '../../../src/core/stripe';
import { startPaymentsHarness, type PaymentsHarness } from './harness';
import { failure } from '../../builders/failure';

const S = DEFAULT_TABLES.session;
const C = DEFAULT_TABLES.client;

/** A stripe SDK whose `invoiceItems.create` dies once before sending: the process was killed at that step. */
function crashingOnceAtItem(stripe: StripeApi): StripeApi {
  let crashed = false;
  const invoiceItems = Object.assign(Object.create(stripe.invoiceItems) as StripeApi['invoiceItems'], {
    create: (...args: Parameters<StripeApi['invoiceItems']['create']>) => {
      if (!crashed) {
        crashed = true;
        return Promise.reject(new Error('killed before adding the invoice item'));
      }
      return stripe.invoiceItems.create(...args);
    },
  });
  return Object.assign(Object.create(stripe) as StripeApi, { invoiceItems });
}

/** A Dataverse client that dies at its first write to a session: killed before recording what Stripe did. */
function dyingOnFirstSessionWrite(dv: DataverseClient): DataverseClient {
  let failed = false;
  return Object.assign(Object.create(dv) as DataverseClient, {
    update: (...args: Parameters<DataverseClient['update']>) => {
      if (!failed && args[0] === S.entitySet) {
        failed = true;
        return Promise.reject(new Error('killed before recording the invoice'));
      }
      return dv.update(...args);
    },
  });
}

describe('charging a session through Stripe (sandbox, real stripe SDK)', function () {
  this.timeout(60_000);
  let h: PaymentsHarness;
  before(async () => {
    h = await startPaymentsHarness('payments-charge');
  });
  afterEach(() => h.sandbox.faults.clear());
  after(async () => h?.stop());

  const sessionRow = async (id: string) => (await h.dv.get(S.entitySet, id)).row;

  it('sends one invoice for the fee, with the item on it, and records invoiced with the ids', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const charged = await chargeSession(h.paymentDeps(), sessionId);
    assert.equal(charged.amountCents, 9000);
    assert.equal(charged.testMode, true);
    const [invoice, ...others] = h.invoicesOf(sessionId);
    assert.equal(others.length, 0);
    assert.equal(invoice?.id, charged.invoiceId);
    assert.equal(invoice?.status, 'open');
    assert.equal(invoice?.total, 9000);
    const row = await sessionRow(sessionId);
    assert.equal(row[S.columns.paymentStatus], PAYMENT_STATUS.invoiced);
    assert.equal(row[S.columns.stripeInvoiceId], charged.invoiceId);
  });

  it('charging twice, one after the other, makes one invoice and says the second found it', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const first = await chargeSession(h.paymentDeps(), sessionId);
    const second = await chargeSession(h.paymentDeps(), sessionId);
    assert.equal(second.invoiceId, first.invoiceId);
    assert.equal(second.alreadyInvoiced, true);
    assert.equal(h.invoicesOf(sessionId).length, 1);
  });

  it('a double click (two charges at once) then a rerun makes one invoice', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await Promise.allSettled([chargeSession(h.paymentDeps(), sessionId), chargeSession(h.paymentDeps(), sessionId)]);
    const settled = await chargeSession(h.paymentDeps(), sessionId);
    assert.equal(h.invoicesOf(sessionId).length, 1);
    assert.equal(h.invoicesOf(sessionId)[0]?.total, 9000);
    assert.equal((await sessionRow(sessionId))[S.columns.stripeInvoiceId], settled.invoiceId);
  });

  it('a crash after the invoice was created, then a rerun, finishes that invoice instead of making another', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await assert.rejects(chargeSession(h.paymentDeps({ stripe: crashingOnceAtItem(h.stripe) }), sessionId));
    assert.equal(h.invoicesOf(sessionId).length, 1, 'the crashed run created the invoice');
    const rerun = await chargeSession(h.paymentDeps(), sessionId);
    const invoices = h.invoicesOf(sessionId);
    assert.equal(invoices.length, 1);
    assert.equal(invoices[0]?.id, rerun.invoiceId);
    assert.equal(invoices[0]?.status, 'open');
    assert.equal(invoices[0]?.total, 9000);
  });

  it('a crash before the invoice id was recorded, then a rerun, gets the same invoice back from its key', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await assert.rejects(chargeSession(h.paymentDeps({ dataverse: dyingOnFirstSessionWrite(h.dv) }), sessionId));
    await chargeSession(h.paymentDeps(), sessionId);
    assert.equal(h.invoicesOf(sessionId).length, 1);
    assert.equal(h.invoicesOf(sessionId)[0]?.total, 9000);
  });

  it('a lost answer to the invoice create is retried under the same key and makes one invoice', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    h.sandbox.faults.add({ service: 'stripe', kind: 'lostAnswer', rate: 1, limit: 1, route: '^POST /v1/invoices$' });
    const charged = await chargeSession(h.paymentDeps(), sessionId);
    assert.equal(h.sandbox.faults.list()[0]?.hits, 1, 'the answer was lost');
    assert.equal(h.invoicesOf(sessionId).length, 1);
    assert.equal(h.invoicesOf(sessionId)[0]?.id, charged.invoiceId);
  });

  it('reuses the Stripe customer found by e-mail and remembers it on the contact', async () => {
    const email = `found-${Date.now()}@example.test`;
    const existing = await h.stripe.customers.create({ email, name: 'Found Already' });
    const clientId = await h.aContact(email);
    const sessionId = await h.aSession({ feeCents: 5000, clientId });
    const before = Object.keys(h.stripeState().customers).length;
    const charged = await chargeSession(h.paymentDeps(), sessionId);
    assert.equal(charged.customerId, existing.id);
    assert.equal(Object.keys(h.stripeState().customers).length, before, 'no second customer');
    const { row } = await h.dv.get(C.entitySet, clientId);
    assert.equal(row[C.columns.stripeCustomerId], existing.id);
  });

  it('creates the customer of a client Stripe does not know, once, and remembers it', async () => {
    const email = `new-${Date.now()}@example.test`;
    const clientId = await h.aContact(email);
    const first = await chargeSession(h.paymentDeps(), await h.aSession({ feeCents: 5000, clientId }));
    const second = await chargeSession(h.paymentDeps(), await h.aSession({ feeCents: 5000, clientId }));
    assert.equal(second.customerId, first.customerId);
    assert.equal(Object.values(h.stripeState().customers).filter((c) => c.email === email).length, 1);
  });

  it('refuses a session without a fee before any call to Stripe', async () => {
    const sessionId = await h.aSession();
    h.mark();
    const error = await failure(chargeSession(h.paymentDeps(), sessionId));
    assert.ok(error instanceof ValidationError);
    assert.equal(error.code, 'stripe.noFee');
    assert.equal(h.stripeRequestsSinceMark(), 0);
    assert.equal(h.invoicesOf(sessionId).length, 0);
  });

  it('refuses a client without an e-mail address before any call to Stripe', async () => {
    const clientId = await h.aContact(null);
    const sessionId = await h.aSession({ feeCents: 9000, clientId });
    h.mark();
    const error = await failure(chargeSession(h.paymentDeps(), sessionId));
    assert.equal(error.code, 'stripe.noClientEmail');
    assert.match(error.message, /e-mail/);
    assert.equal(h.stripeRequestsSinceMark(), 0);
  });

  it('reports a key reused with other parameters (the session changed after a crash) as a StripeIdempotencyError', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    // The first run dies after Stripe created the invoice, before the session recorded its id.
    await assert.rejects(chargeSession(h.paymentDeps({ dataverse: dyingOnFirstSessionWrite(h.dv) }), sessionId));
    await h.dv.update(S.entitySet, sessionId, { [S.columns.subject]: 'Session (renamed)' });
    const error = await failure(chargeSession(h.paymentDeps(), sessionId));
    assert.ok(error instanceof StripeIdempotencyError, `${error.name}: ${error.message}`);
    assert.equal(error.code, 'stripe.idempotencyKeyReused');
    assert.match(error.message, /made before with other details/);
    assert.equal(h.invoicesOf(sessionId).length, 1);
  });
});
