// `lc webhooks test-event` against a running `lc webhooks serve`: a signed invoice.paid naming a session's
// paid invoice is verified, stored and applied (the session is marked paid, re-read from Stripe); a test
// event signed with another secret is refused and the verb says so.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { PAYMENT_STATUS, resolveTables } from '../../../src/core/practice';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { lcProcess } from '../cli/lcProcess';
import { lcServe, waitFor, type Serving } from './lcServe';

describe('lc webhooks test-event', function () {
  this.timeout(90_000);
  let sandbox: RunningSandbox;
  let dir: string;
  let env: Record<string, string>;
  let serving: Serving | undefined;

  before(async () => {
    sandbox = await startSandbox({ seed: 'webhooks-test-event', clients: 2 });
    dir = mkdtempSync(path.join(tmpdir(), 'lc-webhooks-test-event-'));
    env = { ...sandbox.info.env, LC_WEBHOOK_KEY: 'integration-test-payload-key-0123456789' };
    serving = await lcServe(dir, env);
  });

  after(async () => {
    serving?.child.kill('SIGKILL');
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("posts a signed invoice.paid for a session's invoice, and the receiver marks the session paid", async () => {
    const url = new URL(sandbox.info.stripeUrl);
    const stripe = new Stripe(sandbox.info.stripeSecretKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
    });
    const session = sandbox.practice.sessions.find((s) => s.paymentStatus !== 'paid');
    assert.ok(session, 'the seed has an unpaid session');
    // Paid in Stripe, but no endpoint is registered: only the test event tells the receiver.
    const customer = await stripe.customers.create({ email: 'test-event@example.test' });
    const invoice = await stripe.invoices.create({ customer: customer.id, metadata: { session_id: session.id } });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 5000, currency: 'eur' });
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });

    const sent = await lcProcess(
      [
        '--json',
        'webhooks',
        'test-event',
        'invoice.paid',
        '--session',
        session.id,
        '--object',
        invoice.id,
        '--url',
        serving?.ready.routes.stripe ?? '',
      ],
      { env },
    );
    assert.equal(sent.code, 0, sent.stderr + sent.stdout);
    const result = JSON.parse(sent.stdout) as { sent: boolean; eventId: string; status: number };
    assert.equal(result.status, 200);

    await waitFor(async () => {
      const rows = JSON.parse((await lcProcess(['--json', 'webhooks', 'inbox', '--dir', dir], { env })).stdout) as {
        eventId: string;
        outcome: string;
      }[];
      return rows.find((r) => r.eventId === result.eventId && r.outcome === 'applied');
    }, 'the test event to be applied');
    const tables = resolveTables({});
    const row = await lcProcess(['--json', 'dv', 'get', tables.session.entitySet, session.id], { env });
    assert.equal(
      (JSON.parse(row.stdout) as { row: Record<string, unknown> }).row[tables.session.columns.paymentStatus],
      PAYMENT_STATUS.paid,
    );
  });

  it('says so when the receiver refuses the signature', async () => {
    const sent = await lcProcess(
      ['webhooks', 'test-event', 'charge.refunded', '--session', 's1', '--url', serving?.ready.url ?? ''],
      { env: { ...env, LC_STRIPE_WEBHOOK_SECRET: 'whsec_not_the_receivers' } },
    );
    assert.notEqual(sent.code, 0);
    assert.match(sent.stderr + sent.stdout, /answered 400/);
  });
});
