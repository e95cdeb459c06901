// Stripe events applied to sessions: the object is read again, so late or reordered events record the
// state Stripe holds now; the session comes from metadata.session_id; other types are ignored.
import assert from 'node:assert/strict';
import { TransientError } from '../../../src/core/errors';
import { stripePaymentHandler, type PaymentUpdate, type StripeObjectReader } from '../../../src/core/webhooks';
import { FakeClock } from '../../builders/fakeClock';
import { anEvent, post, removeDirectory, startRig, stripeSignature } from '../../builders/webhookRequests';

function fakeStripe(objects: Record<string, unknown>): StripeObjectReader & { reads: string[] } {
  const reads: string[] = [];
  const read = async (id: string): Promise<unknown> => {
    reads.push(id);
    const object = objects[id];
    if (object instanceof Error) throw object;
    if (object === undefined) throw new Error(`no ${id}`);
    return object;
  };
  return { reads, invoice: read, checkoutSession: read, charge: read, paymentIntent: read };
}

function recorder() {
  const calls: [string, PaymentUpdate][] = [];
  return { calls, recordPayment: async (id: string, update: PaymentUpdate) => void calls.push([id, update]) };
}

const run = (handler: ReturnType<typeof stripePaymentHandler>, body: string) =>
  handler(Buffer.from(body), undefined as never);

describe('Stripe payment events', () => {
  it('records the invoice as it is now: a late payment_failed after the payment records paid', async () => {
    const stripe = fakeStripe({ in_1: { id: 'in_1', status: 'paid', metadata: { session_id: 's1' } } });
    const rec = recorder();
    const handler = stripePaymentHandler({ objects: stripe, recordPayment: rec.recordPayment });
    const result = await run(handler, anEvent('invoice.payment_failed').on('in_1', { session_id: 'stale' }).build());
    assert.equal(result.outcome, 'applied');
    assert.deepEqual(rec.calls, [['s1', { status: 'paid', invoiceId: 'in_1' }]]);
    assert.deepEqual(stripe.reads, ['in_1']);
  });

  it('records a failed payment on an invoice still open', async () => {
    const stripe = fakeStripe({ in_2: { id: 'in_2', status: 'open', metadata: { session_id: 's2' } } });
    const rec = recorder();
    await run(stripePaymentHandler({ objects: stripe, ...rec }), anEvent('invoice.payment_failed').on('in_2').build());
    assert.deepEqual(rec.calls, [['s2', { status: 'failed', invoiceId: 'in_2' }]]);
  });

  it('records a paid Checkout Session with its id', async () => {
    const stripe = fakeStripe({ cs_1: { id: 'cs_1', payment_status: 'paid', metadata: { session_id: 's3' } } });
    const rec = recorder();
    await run(
      stripePaymentHandler({ objects: stripe, ...rec }),
      anEvent('checkout.session.completed').on('cs_1').build(),
    );
    assert.deepEqual(rec.calls, [['s3', { status: 'paid', checkoutSessionId: 'cs_1' }]]);
  });

  it("records a full refund, finding the session on the charge's payment intent; a partial one leaves it paid", async () => {
    const stripe = fakeStripe({
      ch_1: { id: 'ch_1', amount: 5000, amount_refunded: 5000, refunded: true, payment_intent: 'pi_1', metadata: {} },
      pi_1: { id: 'pi_1', metadata: { session_id: 's4' } },
      ch_2: { id: 'ch_2', amount: 5000, amount_refunded: 100, refunded: false, payment_intent: 'pi_1', metadata: {} },
    });
    const rec = recorder();
    const handler = stripePaymentHandler({ objects: stripe, ...rec });
    assert.equal((await run(handler, anEvent('charge.refunded').on('ch_1').build())).outcome, 'applied');
    assert.equal((await run(handler, anEvent('charge.refunded').on('ch_2').build())).outcome, 'ignored');
    assert.deepEqual(rec.calls, [['s4', { status: 'refunded' }]]);
  });

  it('acknowledges and ignores other event types and objects that name no session', async () => {
    const stripe = fakeStripe({ in_3: { id: 'in_3', status: 'paid', metadata: {} } });
    const rec = recorder();
    const handler = stripePaymentHandler({ objects: stripe, ...rec });
    assert.equal((await run(handler, anEvent('customer.created').on('cus_1').build())).outcome, 'ignored');
    assert.equal((await run(handler, anEvent('invoice.paid').on('in_3').build())).outcome, 'ignored');
    assert.deepEqual(rec.calls, []);
    assert.deepEqual(stripe.reads, ['in_3']);
  });

  it('leaves an event pending when Stripe cannot be read, and applies it on the next pass', async () => {
    const clock = new FakeClock(false);
    const objects: Record<string, unknown> = {
      in_9: new TransientError('Stripe is unreachable', { code: 'http.unreachable' }),
    };
    const rec = recorder();
    const rig = await startRig({
      clock,
      processOnArrival: false,
      handlers: { stripe: stripePaymentHandler({ objects: fakeStripe(objects), ...rec }) },
    });
    try {
      const body = anEvent('invoice.paid').on('in_9').build();
      await post(rig.receiver.routes.stripe, body, { 'stripe-signature': stripeSignature(body, clock.now()) });
      assert.equal((await rig.processor.processPending()).failed, 1);
      assert.equal(rig.inbox.entries()[0]?.outcome, 'failed');
      objects.in_9 = { id: 'in_9', status: 'paid', metadata: { session_id: 's9' } };
      assert.equal((await rig.processor.processPending()).applied, 1);
      assert.deepEqual(rec.calls, [['s9', { status: 'paid', invoiceId: 'in_9' }]]);
      assert.equal((await rig.processor.processPending()).applied, 0);
    } finally {
      await rig.stop();
      removeDirectory(rig.directory);
    }
  });
});
