// `lc stripe charge | status | refund` as a process against a seeded sandbox: a charge without a terminal and
// without --yes exits 11 and charges nothing; with --yes it sends one invoice, and a second run finds it; status
// records a payment the session missed; a refund larger than what is left exits 10 and refunds nothing.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import Stripe from 'stripe';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { jsonError, lcProcess } from '../cli/lcProcess';

const DAY = 86_400_000;

interface StripeState {
  invoices: Record<string, { metadata: Record<string, string> }>;
  checkoutSessions: Record<string, { status: string; metadata: Record<string, string> }>;
  refunds: Record<string, unknown>;
}

describe('lc stripe', function () {
  this.timeout(90_000);
  let sandbox: RunningSandbox;
  let stripe: Stripe;
  const env = (): Record<string, string> => ({ ...sandbox.info.env, TZ: 'UTC' });
  const state = () => sandbox.exportState().services.stripe as unknown as StripeState;
  const invoicesOf = (id: string) => Object.values(state().invoices).filter((i) => i.metadata['session_id'] === id);

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-stripe', clients: 5 });
    const url = new URL(sandbox.info.stripeUrl);
    stripe = new Stripe(sandbox.info.stripeSecretKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
    });
  });
  after(async () => {
    await sandbox?.stop();
  });

  async function aSessionWithFee(fee: string, daysAhead: number): Promise<string> {
    const client = sandbox.practice.clients.find((c) => c.email);
    const start = new Date(Math.floor(Date.now() / DAY) * DAY + daysAhead * DAY + 10 * 3_600_000);
    const run = await lcProcess(
      [
        '--json',
        '--yes',
        'sessions',
        'new',
        '--client',
        client?.id ?? '',
        '--start',
        start.toISOString().slice(0, 16),
        '--fee',
        fee,
      ],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr + run.stdout);
    return (JSON.parse(run.stdout) as { session: { id: string } }).session.id;
  }

  it('charges once with --yes, refuses without it, and a second charge finds the invoice', async () => {
    const id = await aSessionWithFee('90', 3);
    const unconfirmed = await lcProcess(['--json', 'stripe', 'charge', id], { env: env() });
    assert.equal(unconfirmed.code, 11, unconfirmed.stderr + unconfirmed.stdout);
    assert.equal(invoicesOf(id).length, 0);

    const run = await lcProcess(['--json', '--yes', 'stripe', 'charge', id], { env: env() });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const charged = JSON.parse(run.stdout) as { invoiceId: string; amountCents: number; alreadyInvoiced: boolean };
    assert.equal(charged.amountCents, 9000);
    assert.equal(charged.alreadyInvoiced, false);

    const again = await lcProcess(['--json', '--yes', 'stripe', 'charge', id], { env: env() });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((JSON.parse(again.stdout) as { alreadyInvoiced: boolean }).alreadyInvoiced, true);
    assert.equal(invoicesOf(id).length, 1);

    await stripe.invoices.pay(charged.invoiceId, { payment_method: 'pm_card_visa' });
    const status = await lcProcess(['--json', 'stripe', 'status', id], { env: env() });
    assert.equal(status.code, 0, status.stderr + status.stdout);
    assert.equal((JSON.parse(status.stdout) as Array<{ after: string }>)[0]?.after, 'paid');

    const before = Object.keys(state().refunds).length;
    const tooMuch = await lcProcess(['--json', '--yes', 'stripe', 'refund', id, '--amount', '90.01'], { env: env() });
    assert.equal(tooMuch.code, 10, tooMuch.stderr + tooMuch.stdout);
    assert.equal(jsonError(tooMuch).code, 'stripe.refundTooLarge');
    const part = await lcProcess(['--json', '--yes', 'stripe', 'refund', id, '--amount', '30'], { env: env() });
    assert.equal(part.code, 0, part.stderr + part.stdout);
    assert.equal((JSON.parse(part.stdout) as { amountCents: number }).amountCents, 3000);
    assert.equal(Object.keys(state().refunds).length, before + 1);
  });

  it("follows the profile's charge mode: asks naming the amount, the client's address and the mailbox, then mails one Checkout link; --mode invoice overrides it", async () => {
    const checkoutEnv = { ...env(), LC_STRIPE_CHARGE_MODE: 'checkout' };
    const client = sandbox.practice.clients.find((c) => c.email);
    const id = await aSessionWithFee('90', 5);
    const checkoutsOf = (sessionId: string) =>
      Object.values(state().checkoutSessions).filter((c) => c.metadata['session_id'] === sessionId);

    const unconfirmed = await lcProcess(['--json', 'stripe', 'charge', id], { env: checkoutEnv });
    assert.equal(unconfirmed.code, 11, unconfirmed.stderr + unconfirmed.stdout);
    const question = jsonError(unconfirmed).message;
    assert.match(question, /90\.00 EUR/);
    assert.ok(question.includes(`mail a Stripe Checkout link to ${client?.email ?? ''}`), question);
    assert.ok(question.includes(`from mailbox ${sandbox.info.mailbox}`), question);
    assert.match(question, /profile/);
    assert.equal(checkoutsOf(id).length, 0);

    const run = await lcProcess(['--json', '--yes', 'stripe', 'charge', id], { env: checkoutEnv });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const charged = JSON.parse(run.stdout) as {
      mode: string;
      checkoutSessionId: string;
      url: string;
      amountCents: number;
      mail: { outcome: string };
    };
    assert.equal(charged.mode, 'checkout');
    assert.match(charged.checkoutSessionId, /^cs_test_/);
    assert.match(charged.url, /^https:\/\//);
    assert.equal(charged.amountCents, 9000);
    assert.ok(['sent', 'submitted'].includes(charged.mail.outcome), charged.mail.outcome);
    const again = await lcProcess(['--json', '--yes', 'stripe', 'charge', id], { env: checkoutEnv });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((JSON.parse(again.stdout) as { mail: { outcome: string } }).mail.outcome, 'alreadySent');
    assert.equal(checkoutsOf(id).length, 1);

    const other = await aSessionWithFee('60', 6);
    const invoiced = await lcProcess(['--json', '--yes', 'stripe', 'charge', other, '--mode', 'invoice'], {
      env: checkoutEnv,
    });
    assert.equal(invoiced.code, 0, invoiced.stderr + invoiced.stdout);
    assert.equal((JSON.parse(invoiced.stdout) as { mode: string }).mode, 'invoice');
    assert.equal(invoicesOf(other).length, 1);
    assert.equal(checkoutsOf(other).length, 0);
  });

  it('exits 10 naming LC_STRIPE_SECRET_KEY when the key is missing, before charging', async () => {
    const id = await aSessionWithFee('50', 4);
    const { LC_STRIPE_SECRET_KEY: _key, ...withoutKey } = env();
    const run = await lcProcess(['--json', '--yes', 'stripe', 'charge', id], { env: withoutKey });
    assert.equal(run.code, 10, run.stderr + run.stdout);
    assert.match(jsonError(run).message, /LC_STRIPE_SECRET_KEY/);
    assert.equal(invoicesOf(id).length, 0);
  });
});
