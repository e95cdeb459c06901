// The sandbox's Stripe retries a delivery the receiver missed, as Stripe's test mode does (three retries
// over a few hours, here run 3,600 times faster through the sandbox's time-scale): a receiver that was down
// when the event was created gets it once it is up, and applies it once.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { systemClock } from '../../../src/core/clock';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { payloadKeyFrom, startWebhookService, type RunningWebhookService } from '../../../src/core/webhooks';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { PAYLOAD_KEY, removeDirectory } from '../../builders/webhookRequests';
import { waitFor } from './lcServe';

interface Delivery {
  eventId: string;
  attempt: number;
  at: number;
  succeeded: boolean;
}

/** Stripe's 30 min before the first retry becomes half a second. */
const TIME_SCALE = 3600;

function aFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("the sandbox's Stripe retries deliveries a receiver missed", function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let stripe: Stripe;
  let directory: string;
  let http: HttpClient;
  let service: RunningWebhookService | undefined;

  const deliveries = (eventId?: string): Delivery[] => {
    const inspected = sandbox.inspect() as { services: { stripe: { webhookDeliveries: Delivery[] } } };
    return inspected.services.stripe.webhookDeliveries.filter((d) => eventId === undefined || d.eventId === eventId);
  };

  beforeEach(async () => {
    sandbox = await startSandbox({ seed: 'webhook-retries', clients: 1, timeScale: TIME_SCALE });
    const url = new URL(sandbox.info.stripeUrl);
    stripe = new Stripe(sandbox.info.stripeSecretKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'https',
      httpAgent: new Agent({ ca: readFileSync(sandbox.info.caFile) }),
    });
    directory = mkdtempSync(path.join(tmpdir(), 'lc-webhook-retries-'));
    http = new HttpClient({ logger: silentLogger });
  });

  afterEach(async () => {
    await service?.close();
    service = undefined;
    await http.close();
    await sandbox.stop();
    removeDirectory(directory);
  });

  it('delivers, once, an event created while the receiver was down, after it comes up', async () => {
    const port = await aFreePort();
    await stripe.rawRequest('POST', '/v1/_sandbox/webhook_endpoints', {
      url: `http://127.0.0.1:${port}/stripe`,
      enabled_events: ['customer.created'],
    });
    const customer = await stripe.customers.create({ email: 'down-then-up@example.test' });
    const missed = await waitFor(
      () => Promise.resolve(deliveries().find((d) => d.attempt === 1 && !d.succeeded)),
      'the first attempt to fail on the closed port',
    );

    const applied: string[] = [];
    service = await startWebhookService({
      inboxDirectory: directory,
      payloadKey: payloadKeyFrom(PAYLOAD_KEY),
      secrets: { stripe: [sandbox.info.stripeWebhookSecret] },
      port,
      handlers: {
        stripe: (body) => {
          const event = JSON.parse(body.toString('utf8')) as { id: string; data: { object: { id: string } } };
          applied.push(`${event.id}:${event.data.object.id}`);
          return Promise.resolve({ outcome: 'applied' });
        },
      },
      http,
      clock: systemClock,
      log: silentLogger,
    });
    const delivered = await waitFor(
      () => Promise.resolve(deliveries(missed.eventId).find((d) => d.succeeded)),
      'a retry to reach the receiver',
    );
    assert.ok(delivered.attempt > 1 && delivered.attempt <= 4, `delivered by retry ${delivered.attempt - 1} of 3`);
    await waitFor(() => Promise.resolve(applied.length > 0 ? true : undefined), 'the event to be applied');
    assert.deepEqual(applied, [`${missed.eventId}:${customer.id}`]);
    assert.equal(deliveries(missed.eventId).filter((d) => d.succeeded).length, 1, 'no retry after the success');
    assert.equal(service.inbox.entries().length, 1);
  });

  it('gives up after three retries, 30 min, 1 h and 2 h apart in Stripe time', async () => {
    const port = await aFreePort();
    await stripe.rawRequest('POST', '/v1/_sandbox/webhook_endpoints', {
      url: `http://127.0.0.1:${port}/stripe`,
      enabled_events: ['customer.created'],
    });
    await stripe.customers.create({ email: 'never-up@example.test' });
    const attempts = await waitFor(
      () => Promise.resolve(deliveries().length === 4 ? deliveries() : undefined),
      'four attempts',
    );
    assert.deepEqual(
      attempts.map((d) => [d.attempt, d.succeeded]),
      [
        [1, false],
        [2, false],
        [3, false],
        [4, false],
      ],
    );
    // Gaps of 0.5 s, 1 s and 2 s at this scale; timers may run late, never early.
    const gaps = attempts.slice(1).map((d, i) => d.at - (attempts[i]?.at ?? 0));
    [500, 1000, 2000].forEach((least, i) => assert.ok((gaps[i] ?? 0) >= least - 20, `gap ${i + 1}: ${gaps[i]} ms`));
  });
});
