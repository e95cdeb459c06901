// Refresh Payment Status and Refund Session against the sandbox with the real stripe SDK: a payment the
// receiver never heard of is found on the invoice; a refund never gives back more than was paid, and a
// double click refunds once.
import { strict as assert } from 'node:assert';
import { ValidationError } from '../../../src/core/errors';
import { DEFAULT_TABLES, PAYMENT_STATUS } from '../../../src/core/practice';
import {
  chargeSession,
  refreshAllPaymentStatuses,
  refreshPaymentStatus,
  refundSession,
} from '../../../src/core/stripe';
import { startPaymentsHarness, type PaymentsHarness } from './harness';

const S = DEFAULT_TABLES.session;

describe('payment status and refunds (sandbox, real stripe SDK)', function () {
  this.timeout(60_000);
  let h: PaymentsHarness;
  before(async () => {
    h = await startPaymentsHarness('payments-refund');
  });
  after(async () => h?.stop());

  const paymentOf = async (id: string) => (await h.dv.get(S.entitySet, id)).row[S.columns.paymentStatus];

  /** A charged session whose client then paid the invoice by card, without the session hearing of it. */
  async function aPaidSession(feeCents = 9000): Promise<string> {
    const sessionId = await h.aSession({ feeCents });
    const { invoiceId } = await chargeSession(h.paymentDeps(), sessionId);
    await h.stripe.invoices.pay(invoiceId, { payment_method: 'pm_card_visa' });
    return sessionId;
  }

  it('finds a payment the session missed and records it paid', async () => {
    const sessionId = await aPaidSession();
    assert.equal(await paymentOf(sessionId), PAYMENT_STATUS.invoiced);
    const refreshed = await refreshPaymentStatus(h.paymentDeps(), sessionId);
    assert.deepEqual([refreshed.before, refreshed.after, refreshed.changed], ['invoiced', 'paid', true]);
    assert.equal(await paymentOf(sessionId), PAYMENT_STATUS.paid);
  });

  it('refreshes every invoiced session, leaving the open ones invoiced and recording a voided one unpaid', async () => {
    const paid = await aPaidSession();
    const open = await h.aSession({ feeCents: 7000 });
    await chargeSession(h.paymentDeps(), open);
    const voided = await h.aSession({ feeCents: 7000 });
    const { invoiceId } = await chargeSession(h.paymentDeps(), voided);
    await h.stripe.invoices.voidInvoice(invoiceId);
    const results = await refreshAllPaymentStatuses(h.paymentDeps());
    const after = new Map(results.map((r) => [r.sessionId, r.after]));
    assert.equal(after.get(paid), 'paid');
    assert.equal(after.get(open), 'invoiced');
    assert.equal(after.get(voided), 'unpaid');
    assert.equal(await paymentOf(voided), PAYMENT_STATUS.unpaid);
  });

  it('refuses a refund larger than what was paid, before refunding anything', async () => {
    const sessionId = await aPaidSession(9000);
    await refreshPaymentStatus(h.paymentDeps(), sessionId);
    const refundsBefore = Object.keys(h.stripeState().refunds).length;
    await assert.rejects(
      refundSession(h.paymentDeps(), sessionId, { amountCents: 9001 }),
      (error: unknown) => error instanceof ValidationError && error.code === 'stripe.refundTooLarge',
    );
    assert.equal(Object.keys(h.stripeState().refunds).length, refundsBefore);
    assert.equal(await paymentOf(sessionId), PAYMENT_STATUS.paid);
  });

  it('refunds part, then the rest, and records refunded only when all of it went back', async () => {
    const sessionId = await aPaidSession(9000);
    await refreshPaymentStatus(h.paymentDeps(), sessionId);
    const part = await refundSession(h.paymentDeps(), sessionId, { amountCents: 3000 });
    assert.deepEqual([part.amountCents, part.refundedCents, part.payment], [3000, 3000, 'paid']);
    assert.equal(await paymentOf(sessionId), PAYMENT_STATUS.paid);
    await assert.rejects(
      refundSession(h.paymentDeps(), sessionId, { amountCents: 6001 }),
      (error: unknown) => error instanceof ValidationError && error.code === 'stripe.refundTooLarge',
    );
    const rest = await refundSession(h.paymentDeps(), sessionId);
    assert.deepEqual([rest.amountCents, rest.refundedCents, rest.payment], [6000, 9000, 'refunded']);
    assert.equal(await paymentOf(sessionId), PAYMENT_STATUS.refunded);
  });

  it('a double click on Refund refunds once', async () => {
    const sessionId = await aPaidSession(9000);
    await refreshPaymentStatus(h.paymentDeps(), sessionId);
    const before = Object.keys(h.stripeState().refunds).length;
    // A double click: both clicks saw the session as it was before either refund. Left to the scheduler, a
    // slow machine could finish the first refund before the second one reads, which is a second refund
    // asked for on purpose; so both refunds are held at Stripe's door until both have arrived there.
    const deps = h.paymentDeps();
    const arrivedBoth = barrier(2);
    const refunds = Object.create(deps.stripe.refunds) as typeof deps.stripe.refunds;
    refunds.create = async (...args: Parameters<typeof refunds.create>) => {
      await arrivedBoth();
      return deps.stripe.refunds.create(...args);
    };
    const stripe = Object.create(deps.stripe) as typeof deps.stripe;
    Object.defineProperty(stripe, 'refunds', { value: refunds });
    const clicked = { ...deps, stripe };
    const [first, second] = await Promise.all([
      refundSession(clicked, sessionId, { amountCents: 2000 }),
      refundSession(clicked, sessionId, { amountCents: 2000 }),
    ]);
    assert.equal(first.refundId, second.refundId);
    assert.equal(Object.keys(h.stripeState().refunds).length, before + 1);
  });
});

/** Resolves every caller once `count` callers are waiting. */
function barrier(count: number): () => Promise<void> {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    waiting += 1;
    if (waiting === count) open();
    return opened;
  };
}
