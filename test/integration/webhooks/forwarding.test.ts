// Forwarding as a developer uses it from the terminal: `lc webhooks serve` with LC_WEBHOOK_FORWARD_TO sends
// each verified Stripe event to their local endpoints, `lc webhooks inbox` shows an endpoint that was down,
// `lc webhooks replay --forward` sends it again once it is up, and a workspace `.env` naming a target off
// this machine stops the receiver from starting.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { post } from '../../builders/webhookRequests';
import { lcProcess } from '../cli/lcProcess';
import { lcServe, waitFor, type Serving } from './lcServe';

interface Received {
  signature: string;
  body: string;
}

interface InboxRow {
  id: string;
  eventId: string | null;
  outcome: string | null;
  forwards: { target: string; state: string; detail: string | null }[];
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function aLocalEndpoint(received: Received[]): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ signature: String(req.headers['stripe-signature']), body: Buffer.concat(chunks).toString() });
      res.end('ok');
    });
  });
}

describe('lc webhooks serve: forwarding to local endpoints', function () {
  this.timeout(90_000);
  let sandbox: RunningSandbox;
  let dir: string;
  let env: Record<string, string>;
  let serving: Serving | undefined;
  const servers: Server[] = [];

  const lc = (args: string[], extraEnv: Record<string, string> = {}) =>
    lcProcess(['--json', 'webhooks', ...args, '--dir', dir], { env: { ...env, ...extraEnv } });

  before(async () => {
    sandbox = await startSandbox({ seed: 'webhooks-forward', clients: 2 });
    env = { ...sandbox.info.env, LC_WEBHOOK_KEY: 'integration-test-payload-key-0123456789' };
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lc-webhooks-forward-'));
  });

  afterEach(async () => {
    serving?.child.kill('SIGKILL');
    serving = undefined;
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  after(async () => {
    await sandbox?.stop();
  });

  it('forwards each event once to an endpoint that is up, shows the one that was down, and replay --forward sends it when asked', async () => {
    const upReceived: Received[] = [];
    const up = aLocalEndpoint(upReceived);
    servers.push(up);
    const upUrl = `http://127.0.0.1:${await listen(up)}/hooks`;
    // A port free now, where the second endpoint will start later.
    const probe = createServer();
    const downPort = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const downUrl = `http://127.0.0.1:${downPort}/hooks`;
    const forwardEnv = { LC_WEBHOOK_FORWARD_TO: `${upUrl},${downUrl}` };

    serving = await lcServe(dir, { ...env, ...forwardEnv });
    const secret = sandbox.info.env.LC_STRIPE_WEBHOOK_SECRET ?? '';
    const body = JSON.stringify({
      id: 'evt_forward_cli',
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_forward', object: 'customer' } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    for (let i = 0; i < 2; i++) {
      // Delivered twice, as Stripe does when it doubts the first delivery.
      const reply = await post(serving.ready.routes.stripe, body, { 'stripe-signature': signature });
      assert.equal(reply.status, 200);
    }
    const rows = await waitFor(async () => {
      const listed = JSON.parse((await lc(['inbox'])).stdout) as InboxRow[];
      return listed.length === 2 && listed.every((r) => r.forwards.every((f) => f.state !== 'pending'))
        ? listed
        : undefined;
    }, 'both deliveries forwarded or failed');
    assert.equal(upReceived.length, 1, 'the endpoint got the event once');
    assert.equal(upReceived[0]?.body, body);
    assert.equal(
      Stripe.webhooks.constructEvent(upReceived[0]?.body ?? '', upReceived[0]?.signature ?? '', secret).id,
      'evt_forward_cli',
    );
    const first = rows[rows.length - 1];
    assert.equal(first?.forwards.find((f) => f.target === downUrl)?.state, 'failed');
    const text = await lcProcess(['webhooks', 'inbox', '--dir', dir], { env });
    assert.match(text.stdout, new RegExp(`forward to ${downUrl.replace(/[.]/g, '\\.')} failed`));

    serving.child.kill('SIGTERM');
    assert.equal((await serving.done).code, 0);
    serving = undefined;

    const laterReceived: Received[] = [];
    const later = aLocalEndpoint(laterReceived);
    servers.push(later);
    await listen(later, downPort);
    const replayed = await lc(['replay', first?.id ?? '', '--forward'], forwardEnv);
    assert.equal(replayed.code, 0, replayed.stderr + replayed.stdout);
    const row = JSON.parse(replayed.stdout) as InboxRow;
    assert.deepEqual(
      row.forwards.map((f) => f.state),
      ['forwarded', 'forwarded'],
    );
    assert.equal(laterReceived.length, 1);
    assert.equal(upReceived.length, 2, 'replay --forward sends to every endpoint again');
    const plain = await lc(['replay', first?.id ?? ''], forwardEnv);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(laterReceived.length, 1, 'a plain replay forwards nothing');
  });

  it("refuses to start when the workspace's .env names a forward target off this machine, naming it", async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'lc-hostile-workspace-'));
    try {
      writeFileSync(path.join(workspace, '.env'), 'LC_WEBHOOK_FORWARD_TO=https://collector.example.net/stripe\n');
      const refused = await lcServe(dir, env, { cwd: workspace }).then(
        () => assert.fail('serve started'),
        (error: { run?: { code: number | null; stdout: string; stderr: string } }) => error.run,
      );
      assert.ok(refused, 'serve ended before its ready line');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stdout + refused.stderr, /LC_WEBHOOK_FORWARD_TO.*\.env.*loopback/);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
