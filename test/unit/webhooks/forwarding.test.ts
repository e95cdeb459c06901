// Forwarding to the local endpoints the user lists, as a developer running their own webhook endpoint
// meets it: each verified Stripe event arrives once per endpoint with the raw body and a Stripe-Signature
// it can verify; an endpoint that is down, slow or redirecting costs the sender nothing and is recorded;
// a crash between storing and forwarding forwards after the restart, once; replay forwards only on request.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { HttpClient, type HttpRequest, type HttpResponse } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import {
  payloadKeyFrom,
  startWebhookService,
  WebhookInbox,
  type RunningWebhookService,
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

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A developer's local webhook endpoint: records what it gets; `answer` decides the reply. */
async function aLocalEndpoint(answer: (res: ServerResponse) => void = (res) => res.end('ok')) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: one that was free a moment ago. */
async function aClosedPortUrl(): Promise<string> {
  const endpoint = await aLocalEndpoint();
  await endpoint.stop();
  return endpoint.url;
}

describe('webhook forwarding', () => {
  let clock: FakeClock;
  let directory: string;
  let http: HttpClient;
  let sentThroughHttpLayer: HttpRequest[];
  let service: RunningWebhookService | undefined;
  let applied: string[];
  const stops: (() => Promise<void>)[] = [];

  const start = (overrides: Partial<WebhookServiceOptions> = {}): Promise<RunningWebhookService> =>
    startWebhookService({
      inboxDirectory: directory,
      payloadKey: payloadKeyFrom(PAYLOAD_KEY),
      secrets: { stripe: [WEBHOOK_SECRET] },
      port: 0,
      handlers: {
        stripe: (body) => {
          applied.push((JSON.parse(body.toString('utf8')) as { id: string }).id);
          return Promise.resolve({ outcome: 'applied' });
        },
      },
      http,
      clock,
      log: recordingLogger(),
      ...overrides,
    });

  const send = (svc: RunningWebhookService, body: string) =>
    post(svc.routes.stripe, body, { 'stripe-signature': stripeSignature(body, clock.now()) });

  const forwardsOf = (svc: RunningWebhookService) => svc.inbox.entries().flatMap((e) => e.forwards);

  beforeEach(() => {
    clock = new FakeClock(false);
    directory = mkdtempSync(path.join(tmpdir(), 'lc-webhook-forward-'));
    http = new HttpClient({ logger: silentLogger, clock });
    sentThroughHttpLayer = [];
    const request = http.request.bind(http);
    http.request = (r: HttpRequest): Promise<HttpResponse> => {
      sentThroughHttpLayer.push(r);
      return request(r);
    };
    applied = [];
  });

  afterEach(async () => {
    await service?.close();
    service = undefined;
    await http.close();
    for (const stop of stops.splice(0)) await stop();
    removeDirectory(directory);
  });

  it('forwards each verified event to every endpoint, once, with the raw body and a signature it can verify, through the HTTP layer', async () => {
    const a = await aLocalEndpoint();
    const b = await aLocalEndpoint();
    stops.push(a.stop, b.stop);
    service = await start({ forwardTo: [a.url, b.url] });
    const body = anEvent('invoice.paid').withId('evt_forwarded').on('in_1', { session_id: 's1' }).build();
    assert.equal((await send(service, body)).status, 200);
    await until(() => forwardsOf(service!).every((f) => f.state === 'forwarded'), 'both forwards');
    for (const endpoint of [a, b]) {
      assert.equal(endpoint.received.length, 1);
      const got = endpoint.received[0];
      assert.equal(got?.body, body, 'the raw body, byte for byte');
      const event = Stripe.webhooks.constructEvent(
        got?.body ?? '',
        String(got?.headers['stripe-signature']),
        WEBHOOK_SECRET,
        300,
        undefined,
        clock.now(),
      );
      assert.equal(event.id, 'evt_forwarded');
    }
    assert.deepEqual(
      sentThroughHttpLayer.map((r) => [r.service, r.method, r.url]).sort(),
      [
        ['forward', 'POST', a.url],
        ['forward', 'POST', b.url],
      ].sort(),
    );
    assert.deepEqual(applied, ['evt_forwarded'], 'handled as well');
  });

  it('forwards an event Stripe delivers twice only once to each endpoint', async () => {
    const a = await aLocalEndpoint();
    stops.push(a.stop);
    service = await start({ forwardTo: [a.url] });
    const body = anEvent().withId('evt_delivered_twice').build();
    assert.equal((await send(service, body)).status, 200);
    assert.equal((await send(service, body)).status, 200);
    await until(() => forwardsOf(service!).every((f) => f.state !== 'pending'), 'both deliveries seen');
    await service.close();
    service = undefined;
    assert.equal(a.received.length, 1);
  });

  it('answers the sender at once while an endpoint is down, records the failure, and does not try again by itself', async () => {
    const down = await aClosedPortUrl();
    const up = await aLocalEndpoint();
    stops.push(up.stop);
    service = await start({ forwardTo: [down, up.url] });
    assert.equal((await send(service, anEvent().withId('evt_one_down').build())).status, 200);
    await until(() => forwardsOf(service!).every((f) => f.state !== 'pending'), 'both forwards tried');
    const [entry] = service.inbox.entries();
    const failed = entry?.forwards.find((f) => f.target === down);
    assert.equal(failed?.state, 'failed');
    assert.match(failed?.detail ?? '', /refused|connect|unavailable|reach/i);
    assert.equal(entry?.forwards.find((f) => f.target === up.url)?.state, 'forwarded');
    assert.equal(entry?.outcome, 'applied', 'handling does not wait on forwarding');
    await service.close();
    service = await start({ forwardTo: [down, up.url] });
    await service.close();
    service = undefined;
    const reopened = await WebhookInbox.open({ directory, clock });
    assert.equal(reopened.entries()[0]?.forwards.find((f) => f.target === down)?.state, 'failed');
    await reopened.close();
    assert.equal(up.received.length, 1, 'a restart forwards nothing again');
  });

  it('answers the sender while a slow endpoint has not answered yet', async () => {
    let release: (() => void) | undefined;
    const slow = await aLocalEndpoint((res) => {
      release = () => res.end('late');
    });
    stops.push(slow.stop);
    service = await start({ forwardTo: [slow.url] });
    assert.equal((await send(service, anEvent().build())).status, 200);
    await until(() => slow.received.length === 1 && applied.length === 1, 'the forward to arrive and the handling');
    assert.equal(forwardsOf(service)[0]?.state, 'pending');
    release?.();
    await until(() => forwardsOf(service!)[0]?.state === 'forwarded', 'the forward to complete');
  });

  it('does not follow a redirect from an endpoint, and records it as a failure', async () => {
    const elsewhere = await aLocalEndpoint();
    const redirecting = await aLocalEndpoint((res) => {
      res.writeHead(307, { location: elsewhere.url });
      res.end();
    });
    stops.push(elsewhere.stop, redirecting.stop);
    service = await start({ forwardTo: [redirecting.url] });
    assert.equal((await send(service, anEvent().build())).status, 200);
    await until(() => forwardsOf(service!)[0]?.state === 'failed', 'the forward to be recorded');
    assert.match(forwardsOf(service)[0]?.detail ?? '', /307.*not followed/);
    assert.equal(elsewhere.received.length, 0);
  });

  it('forwards after a restart what a crash left stored but unforwarded, once', async () => {
    const a = await aLocalEndpoint();
    stops.push(a.stop);
    // What the receiver leaves when the process dies right after the request is durable and answered.
    const inbox = await WebhookInbox.open({ directory, key: payloadKeyFrom(PAYLOAD_KEY), clock });
    const body = anEvent().withId('evt_crash_before_forward').build();
    await inbox.storeRequest({
      route: 'stripe',
      verification: 'verified',
      status: 200,
      bytes: body.length,
      eventId: 'evt_crash_before_forward',
      eventType: 'invoice.paid',
      body: Buffer.from(body),
      forwardTo: [a.url],
    });
    await inbox.close();
    service = await start({ forwardTo: [a.url] });
    await until(() => a.received.length === 1 && forwardsOf(service!)[0]?.state === 'forwarded', 'the forward');
    await service.close();
    service = await start({ forwardTo: [a.url] });
    await service.close();
    service = undefined;
    assert.equal(a.received.length, 1);
    assert.equal(a.received[0]?.body, body);
  });

  it('forwards again on replay only when asked to', async () => {
    const a = await aLocalEndpoint();
    stops.push(a.stop);
    service = await start({ forwardTo: [a.url] });
    assert.equal((await send(service, anEvent().withId('evt_replay_forward').build())).status, 200);
    await until(() => forwardsOf(service!)[0]?.state === 'forwarded', 'the first forward');
    const id = service.inbox.entries()[0]?.id ?? '';
    await service.replay(id);
    assert.equal(a.received.length, 1, 'a plain replay re-runs the handler only');
    const replayed = await service.replay(id, { forward: true });
    assert.equal(a.received.length, 2);
    assert.equal(replayed.forwards[0]?.state, 'forwarded');
    assert.deepEqual(applied, ['evt_replay_forward', 'evt_replay_forward', 'evt_replay_forward']);
  });

  it('forwards nothing a target removed from the settings was meant to get', async () => {
    const a = await aLocalEndpoint();
    stops.push(a.stop);
    const down = await aClosedPortUrl();
    // Stored for a target that is gone from the settings by the next start.
    const inbox = await WebhookInbox.open({ directory, key: payloadKeyFrom(PAYLOAD_KEY), clock });
    const body = anEvent().build();
    await inbox.storeRequest({
      route: 'stripe',
      verification: 'verified',
      status: 200,
      bytes: body.length,
      eventId: 'evt_old_target',
      body: Buffer.from(body),
      forwardTo: [down],
    });
    await inbox.close();
    service = await start({ forwardTo: [a.url] });
    await until(() => applied.length === 1, 'handling');
    await service.close();
    service = undefined;
    assert.equal(a.received.length, 0);
  });
});
