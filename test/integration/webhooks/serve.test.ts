// `lc webhooks serve` as a user's script runs it: the ready line of INTERFACES.md §2, the sandbox's
// Stripe delivering a signed invoice.paid to it, the session marked paid in Dataverse, the inbox
// listing it, a replay changing nothing, and exit 0 on SIGTERM with the port released.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { PAYMENT_STATUS, resolveTables } from '../../../src/core/practice';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { lcProcess, type LcRun } from '../cli/lcProcess';

interface ReadyLine {
  ready: boolean;
  url: string;
  routes: { stripe: string; graph: string; flows: string };
}

interface InboxRow {
  id: string;
  time: string;
  route: string;
  type: string | null;
  verification: string;
  outcome: string | null;
}

async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('lc webhooks serve', function () {
  this.timeout(90_000);
  let sandbox: RunningSandbox;
  let dir: string;
  let env: Record<string, string>;
  let serving: { child: ChildProcess; done: Promise<LcRun>; ready: ReadyLine } | undefined;

  const lc = (args: string[]) => lcProcess(['--json', 'webhooks', ...args, '--dir', dir], { env });

  function serve(
    extraEnv: Record<string, string> = {},
  ): Promise<{ child: ChildProcess; done: Promise<LcRun>; ready: ReadyLine }> {
    return new Promise((resolve, reject) => {
      let stdout = '';
      const done = lcProcess(['webhooks', 'serve', '--json', '--port', '0', '--dir', dir], {
        env: { ...env, ...extraEnv },
        rawStdout: true,
        onSpawn: (child) => {
          child.stdout?.on('data', (d: Buffer) => {
            stdout += d.toString();
            const line = stdout.split('\n')[0];
            if (stdout.includes('\n') && line) {
              try {
                resolve({ child, done, ready: JSON.parse(line) as ReadyLine });
              } catch (error) {
                reject(error instanceof Error ? error : new Error(String(error)));
              }
            }
          });
        },
      });
      done.then((run) => reject(new Error(`serve ended early (${run.code}): ${run.stderr}`)), reject);
    });
  }

  before(async () => {
    sandbox = await startSandbox({ seed: 'webhooks-e2e', clients: 3 });
    dir = mkdtempSync(path.join(tmpdir(), 'lc-webhooks-inbox-'));
    env = { ...sandbox.info.env, LC_WEBHOOK_KEY: 'integration-test-payload-key-0123456789' };
  });

  after(async () => {
    serving?.child.kill('SIGKILL');
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the ready line, and on SIGTERM exits 0 with the port released', async () => {
    serving = await serve();
    const { ready } = serving;
    assert.deepEqual(Object.keys(ready), ['ready', 'url', 'routes']);
    assert.equal(ready.ready, true);
    assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(ready.routes, {
      stripe: `${ready.url}/stripe`,
      graph: `${ready.url}/graph`,
      flows: `${ready.url}/flows/<name>`,
      acs: `${ready.url}/acs`,
    });
    serving.child.kill('SIGTERM');
    const run = await serving.done;
    serving = undefined;
    assert.equal(run.code, 0, run.stderr);
    assert.ok(await portIsFree(Number(new URL(ready.url).port)), 'the port is still held');
  });

  it("marks the session paid when the sandbox's Stripe delivers invoice.paid; a replay changes nothing", async () => {
    serving = await serve();
    const stripeUrl = new URL(sandbox.info.stripeUrl);
    const stripe = new Stripe(sandbox.info.stripeSecretKey, {
      host: stripeUrl.hostname,
      port: Number(stripeUrl.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
    });
    await stripe.rawRequest('POST', '/v1/_sandbox/webhook_endpoints', { url: serving.ready.routes.stripe });
    const session = sandbox.practice.sessions.find((s) => s.paymentStatus !== 'paid');
    assert.ok(session, 'the seed has an unpaid session');
    const customer = await stripe.customers.create({ email: 'webhooks@example.test' });
    const invoice = await stripe.invoices.create({ customer: customer.id, metadata: { session_id: session.id } });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 6000, currency: 'eur' });
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });

    const applied = await waitFor(async () => {
      const rows = JSON.parse((await lc(['inbox'])).stdout) as InboxRow[];
      return rows.find((r) => r.type === 'invoice.paid' && r.outcome === 'applied');
    }, 'invoice.paid to be applied');
    assert.equal(applied.verification, 'verified');

    const tables = resolveTables({});
    const readStatus = async (): Promise<unknown> => {
      const run = await lcProcess(['--json', 'dv', 'get', tables.session.entitySet, session.id], { env });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      return (JSON.parse(run.stdout) as { row: Record<string, unknown> }).row[tables.session.columns.paymentStatus];
    };
    assert.equal(await readStatus(), PAYMENT_STATUS.paid);

    const replayed = await lc(['replay', applied.id]);
    assert.equal(replayed.code, 0, replayed.stderr + replayed.stdout);
    assert.equal((JSON.parse(replayed.stdout) as InboxRow).outcome, 'applied');
    assert.equal(await readStatus(), PAYMENT_STATUS.paid);
    const rows = JSON.parse((await lc(['inbox'])).stdout) as InboxRow[];
    assert.equal(
      rows.filter((r) => r.route === 'stripe' && r.type === 'invoice.paid').length,
      1,
      'a replay stores nothing new',
    );

    serving.child.kill('SIGINT');
    assert.equal((await serving.done).code, 0);
    serving = undefined;
  });

  it('applies, once, an event stored by a receiver that died before handling it, when it starts again', async () => {
    const crashing = await serve({ LC_TEST_CRASH_AT: 'webhookStored' });
    const stripeUrl = new URL(sandbox.info.stripeUrl);
    const stripe = new Stripe(sandbox.info.stripeSecretKey, {
      host: stripeUrl.hostname,
      port: Number(stripeUrl.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
    });
    const endpoint = (await stripe.rawRequest('POST', '/v1/_sandbox/webhook_endpoints', {
      url: crashing.ready.routes.stripe,
      enabled_events: ['invoice.paid'],
    })) as unknown as { id: string };
    const session = sandbox.practice.sessions.filter((s) => s.paymentStatus !== 'paid')[1];
    assert.ok(session, 'the seed has a second unpaid session');
    const customer = await stripe.customers.create({ email: 'crash@example.test' });
    const invoice = await stripe.invoices.create({ customer: customer.id, metadata: { session_id: session.id } });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 7000, currency: 'eur' });
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    const crashed = await crashing.done;
    assert.equal(crashed.code, 86, crashed.stderr);
    await stripe.webhookEndpoints.del(endpoint.id);
    const pending = JSON.parse((await lc(['inbox'])).stdout) as (InboxRow & { eventId: string })[];
    const stored = pending.find((r) => r.type === 'invoice.paid' && r.outcome === 'pending');
    assert.ok(stored, 'the event was stored before the crash and left unhandled');

    serving = await serve();
    const handled = await waitFor(async () => {
      const rows = JSON.parse((await lc(['inbox'])).stdout) as (InboxRow & { eventId: string })[];
      const forEvent = rows.filter((r) => r.eventId === stored.eventId);
      return forEvent.some((r) => r.outcome === 'applied') ? forEvent : undefined;
    }, 'the stored event to be applied after the restart');
    assert.equal(handled.filter((r) => r.outcome === 'applied').length, 1);
    const tables = resolveTables({});
    const run = await lcProcess(['--json', 'dv', 'get', tables.session.entitySet, session.id], { env });
    assert.equal(
      (JSON.parse(run.stdout) as { row: Record<string, unknown> }).row[tables.session.columns.paymentStatus],
      PAYMENT_STATUS.paid,
    );
    serving.child.kill('SIGTERM');
    assert.equal((await serving.done).code, 0);
    serving = undefined;
  });

  it('refuses to replay an id the inbox does not hold (exit 13)', async () => {
    const run = await lc(['replay', 'wh_unknown']);
    assert.equal(run.code, 13, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { error: { class: string } }).error.class, 'notFound');
  });
});
