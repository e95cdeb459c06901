// The webhook service as the CLI and the editor run it: one start gives a receiver whose stored events
// are handled once each, a start-up pass for what an earlier run left, replay, a change signal for views,
// and a refusal to start with a forward target that is not loopback.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import {
  payloadKeyFrom,
  startWebhookService,
  WebhookInbox,
  WebhookNotFoundError,
  type RunningWebhookService,
  type WebhookHandler,
  type WebhookServiceOptions,
} from '../../../src/core/webhooks';
import { FakeClock } from '../../builders/fakeClock';
import {
  anEvent,
  PAYLOAD_KEY,
  post,
  recordingLogger,
  removeDirectory,
  stripeSignature,
  until,
  WEBHOOK_SECRET,
} from '../../builders/webhookRequests';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('webhook service', () => {
  let clock: FakeClock;
  let directory: string;
  let http: HttpClient;
  let service: RunningWebhookService | undefined;
  let applied: string[];

  const countingHandler: WebhookHandler = (body) => {
    applied.push((JSON.parse(body.toString('utf8')) as { id: string }).id);
    return Promise.resolve({ outcome: 'applied' });
  };

  const start = (overrides: Partial<WebhookServiceOptions> = {}): Promise<RunningWebhookService> =>
    startWebhookService({
      inboxDirectory: directory,
      payloadKey: payloadKeyFrom(PAYLOAD_KEY),
      secrets: { stripe: [WEBHOOK_SECRET] },
      port: 0,
      handlers: { stripe: countingHandler },
      http,
      clock,
      log: recordingLogger(),
      ...overrides,
    });

  const send = (svc: RunningWebhookService, body: string) =>
    post(svc.routes.stripe, body, { 'stripe-signature': stripeSignature(body, clock.now()) });

  beforeEach(() => {
    clock = new FakeClock(false);
    directory = mkdtempSync(path.join(tmpdir(), 'lc-webhook-service-'));
    http = new HttpClient({ logger: silentLogger, clock });
    applied = [];
  });

  afterEach(async () => {
    await service?.close();
    service = undefined;
    await http.close();
    removeDirectory(directory);
  });

  it('answers a signed event 200 and applies it once, even when Stripe delivers it twice', async () => {
    service = await start();
    assert.match(service.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const body = anEvent('invoice.paid').withId('evt_twice').build();
    assert.equal((await send(service, body)).status, 200);
    assert.equal((await send(service, body)).status, 200);
    await until(() => service?.inbox.entries().every((e) => e.outcome !== undefined) ?? false, 'both handled');
    assert.deepEqual(applied, ['evt_twice']);
    assert.deepEqual(
      service.inbox
        .entries()
        .map((e) => e.outcome)
        .sort(),
      ['applied', 'duplicate'],
    );
  });

  it('tells views after a request is stored, refused ones included, and after it was handled', async () => {
    let changes = 0;
    service = await start({ onChange: () => (changes += 1) });
    assert.equal((await post(service.routes.stripe, anEvent().build(), { 'stripe-signature': 'forged' })).status, 400);
    await until(() => changes >= 1, 'a change after the refused request');
    const before = changes;
    assert.equal((await send(service, anEvent().build())).status, 200);
    await until(() => applied.length === 1 && changes >= before + 2, 'a change after storing and after handling');
  });

  it('applies at start, once, what an earlier run stored and did not handle', async () => {
    const inbox = await WebhookInbox.open({ directory, key: payloadKeyFrom(PAYLOAD_KEY), clock });
    const body = anEvent('invoice.paid').withId('evt_left_behind').build();
    await inbox.storeRequest({
      route: 'stripe',
      verification: 'verified',
      status: 200,
      bytes: body.length,
      eventId: 'evt_left_behind',
      eventType: 'invoice.paid',
      body: Buffer.from(body),
    });
    await inbox.close();
    service = await start();
    await until(() => applied.length === 1, 'the stored event to be applied');
    await service.close();
    service = await start();
    await service.processor.processPending();
    assert.deepEqual(applied, ['evt_left_behind']);
  });

  it('replays a stored event through its handler, and names an id it does not hold', async () => {
    let changes = 0;
    service = await start({ onChange: () => (changes += 1) });
    assert.equal((await send(service, anEvent().withId('evt_replayed').build())).status, 200);
    await until(() => applied.length === 1, 'the event to be applied');
    const [entry] = service.inbox.entries();
    const before = changes;
    const replayed = await service.replay(entry?.id ?? '');
    assert.equal(replayed.outcome, 'applied');
    assert.deepEqual(applied, ['evt_replayed', 'evt_replayed']);
    assert.ok(changes > before, 'a replay refreshes views');
    await assert.rejects(service.replay('wh_missing'), WebhookNotFoundError);
  });

  it('stops listening and closes the inbox on close, releasing the port', async () => {
    service = await start();
    const port = service.port;
    await service.close();
    service = undefined;
    assert.ok(await portIsFree(port));
  });

  it('refuses to start when a forward target from the settings is not loopback', async () => {
    for (const target of [
      'http://192.168.1.20:3000/hooks',
      'https://example.com/hooks',
      'http://localhost@evil.example/hooks',
      'http://127.0.0.1.evil.example/hooks',
      'file:///etc/passwd',
    ]) {
      await assert.rejects(start({ forwardTo: ['http://127.0.0.1:3000/ok', target] }), (error: Error) => {
        assert.equal((error as { code?: string }).code, 'webhooks.forwardNotLoopback', target);
        return true;
      });
    }
  });
});
