// `lc webhooks subscribe` and `lc webhooks serve` as a user runs them against the sandbox: serve answers the
// validation handshake, subscribe creates the calendar subscription (and renews it when run again), an event
// booked in the sandbox calendar reaches serve's /graph and becomes one session, and the inbox shows it applied.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { resourcesFor } from '../../../src/core/auth';
import { filters } from '../../../src/core/dataverse';
import { createGraphClient } from '../../../src/core/graph';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { newClientState } from '../../../src/core/webhooks';
import { jsonError, lcProcess, type LcRun } from '../cli/lcProcess';
import { startHarness, type Harness } from '../dataverse/harness';

const DAY = 86_400_000;
const S = DEFAULT_TABLES.session;

async function waitFor<T>(check: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('lc webhooks subscribe with lc webhooks serve', function () {
  this.timeout(120_000);
  let h: Harness;
  let graph: Client;
  let dir: string;
  let env: Record<string, string>;
  let serving: { child: ChildProcess; done: Promise<LcRun>; url: string } | undefined;

  before(async () => {
    h = await startHarness({ seed: 'webhooks-subscribe', clients: 3 });
    graph = createGraphClient({
      http: h.http,
      tokens: h.tokens,
      resource: resourcesFor(h.profile).graph,
      graphUrl: h.profile.graphUrl,
    });
    dir = mkdtempSync(path.join(tmpdir(), 'lc-webhooks-subscribe-'));
    env = {
      ...h.sandbox.info.env,
      LC_WEBHOOK_KEY: 'integration-test-payload-key-0123456789',
      LC_GRAPH_CLIENT_STATE: newClientState(),
    };
    serving = await new Promise((resolve, reject) => {
      let stdout = '';
      const done = lcProcess(['webhooks', 'serve', '--json', '--port', '0', '--dir', dir], {
        env,
        rawStdout: true,
        onSpawn: (child) => {
          child.stdout?.on('data', (d: Buffer) => {
            stdout += d.toString();
            if (stdout.includes('\n'))
              resolve({ child, done, url: (JSON.parse(stdout.split('\n')[0] ?? '') as { url: string }).url });
          });
        },
      });
      done.then((run) => reject(new Error(`serve ended early (${run.code}): ${run.stderr}`)), reject);
    });
  });

  after(async () => {
    if (serving) {
      serving.child.kill('SIGTERM');
      const run = await serving.done;
      assert.equal(run.code, 0, run.stderr);
    }
    await h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const subscribe = () =>
    lcProcess(['--json', 'webhooks', 'subscribe', '--port', new URL(serving?.url ?? '').port, '--dir', dir], { env });

  it('subscribes, imports an event booked in the calendar once, and renews when run again', async () => {
    const first = await subscribe();
    assert.equal(first.code, 0, first.stderr);
    const created = JSON.parse(first.stdout) as {
      action: string;
      id: string;
      notificationUrl: string;
      expiresAt: string;
    };
    assert.equal(created.action, 'created');
    assert.equal(created.notificationUrl, `${serving?.url}/graph`);
    const stored = readFileSync(path.join(dir, 'calendar-subscription.json'), 'utf8');
    assert.ok(!stored.includes(env.LC_GRAPH_CLIENT_STATE ?? '-'), 'no clientState in the subscription file');

    const client = h.sandbox.practice.clients[0];
    assert.ok(client);
    const start = new Date(Date.now() + 2 * DAY);
    const event = (await graph.api(`/users/${h.sandbox.info.mailbox}/events`).post({
      subject: 'Booked in Outlook while serving',
      start: { dateTime: start.toISOString().slice(0, 19), timeZone: 'UTC' },
      end: { dateTime: new Date(start.getTime() + 3_000_000).toISOString().slice(0, 19), timeZone: 'UTC' },
      categories: ['Client session'],
      attendees: [{ type: 'required', emailAddress: { address: client.email, name: client.firstName } }],
    })) as { iCalUId: string };
    const count = () => h.client().count(S.entitySet, filters.eq(S.columns.icalUid, event.iCalUId));
    await waitFor(async () => ((await count()) === 1 ? true : undefined), 'the session imported');
    const inbox = await waitFor(async () => {
      const run = await lcProcess(['--json', 'webhooks', 'inbox', '--dir', dir], { env });
      const rows = JSON.parse(run.stdout) as Array<{ route: string; type: string; outcome: string }>;
      return rows.some((r) => r.route === 'graph' && r.outcome === 'applied') ? rows : undefined;
    }, 'the notification handled');
    assert.ok(inbox.some((r) => r.route === 'graph' && r.type === 'created'));
    assert.equal(await count(), 1);

    const again = await subscribe();
    assert.equal(again.code, 0, again.stderr);
    const renewed = JSON.parse(again.stdout) as { action: string; id: string; expiresAt: string };
    assert.equal(renewed.action, 'renewed');
    assert.equal(renewed.id, created.id);
    const all = (await graph.api('/subscriptions').get()) as { value: Array<{ id: string }> };
    assert.deepEqual(
      all.value.map((s) => s.id),
      [created.id],
    );
  });

  it('refuses to subscribe a non-sandbox profile without a public URL', async () => {
    const run = await lcProcess(['--json', 'webhooks', 'subscribe', '--dir', dir], {
      env: { ...env, LC_GRAPH_URL: 'https://graph.microsoft.com' },
    });
    assert.notEqual(run.code, 0);
    assert.match(jsonError(run).message, /LC_WEBHOOK_PUBLIC_URL/);
  });
});
