// How the receiver goes wrong for a user: hostile or broken requests by the thousand, a burst of
// concurrent deliveries with duplicates, a crash between storing and handling, a replay.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { createPrng } from '../../../src/sandbox/prng';
import { INBOX_FILE, type WebhookHandler } from '../../../src/core/webhooks';
import { FakeClock } from '../../builders/fakeClock';
import {
  anEvent,
  post,
  removeDirectory,
  startRig,
  stripeSignature,
  WEBHOOK_SECRET,
  type ReceiverRig,
} from '../../builders/webhookRequests';

/** A handler that counts how often each event id was applied and keeps the resulting "payment state". */
function countingHandler() {
  const applied = new Map<string, number>();
  const state = new Map<string, string>();
  const handler: WebhookHandler = async (body) => {
    const event = JSON.parse(body.toString('utf8')) as { id: string; type: string; data: { object: { id: string } } };
    applied.set(event.id, (applied.get(event.id) ?? 0) + 1);
    state.set(event.data.object.id, event.type);
    return { outcome: 'applied' };
  };
  return { handler, applied, state };
}

describe('webhook receiver reliability', function () {
  this.timeout(120_000);
  let rig: ReceiverRig | undefined;

  afterEach(async () => {
    if (rig) {
      await rig.stop();
      removeDirectory(rig.directory);
      rig = undefined;
    }
  });

  it('answers 10,000 fuzzed requests with a 4xx, keeps running, and changes no data', async () => {
    const clock = new FakeClock(false);
    const counting = countingHandler();
    rig = await startRig({ clock, maxBodyBytes: 2048, handlers: { stripe: counting.handler } });
    const prng = createPrng('webhook-fuzz-1');
    const validBody = anEvent('invoice.paid').on('in_fuzz', { session_id: 's-fuzz' }).build();
    const paths = ['/stripe', '/graph', '/flows/x', '/flows/../../etc', '/', '/stripe/', '/STRIPE', '/graph?x=1'];
    const methods = ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'];
    const randomText = (n: number): string => prng.chars(n, 'abcdefghijklmnopqrstuvwxyz0123456789{}[]":,.= -_\\');
    const bodyOf = (): string => {
      switch (prng.int(0, 6)) {
        case 0:
          return '';
        case 1:
          return randomText(prng.int(1, 200));
        case 2:
          return validBody;
        case 3:
          return validBody.slice(0, prng.int(0, validBody.length));
        case 4:
          return 'x'.repeat(prng.int(1500, 5000));
        default:
          return JSON.stringify({ id: randomText(8), type: 'invoice.paid', data: { object: { id: 1 } } });
      }
    };
    const signatureOf = (body: string): string | undefined => {
      const t = Math.floor(clock.now() / 1000);
      switch (prng.int(0, 6)) {
        case 0:
          return undefined;
        case 1:
          return randomText(prng.int(0, 120));
        case 2:
          return `t=${t},v1=${prng.chars(64, '0123456789abcdef')}`;
        case 3:
          return stripeSignature(body, clock.now(), 'whsec_not_the_secret');
        case 4:
          return stripeSignature(body, clock.now() - prng.int(301, 100_000) * 1000, WEBHOOK_SECRET);
        default:
          return `t=${randomText(5)},v1=,v1=${randomText(10)}`;
      }
    };
    const statuses = new Map<number, number>();
    let next = 0;
    const total = 10_000;
    const worker = async (): Promise<void> => {
      while (next < total) {
        next += 1;
        const body = bodyOf();
        const signature = signatureOf(body);
        const headers: Record<string, string> = {
          'content-type': prng.pick(['application/json', 'text/plain', 'x/y']),
        };
        if (signature !== undefined) headers['stripe-signature'] = signature;
        if (prng.chance(0.1)) headers['x-lc-signature'] = randomText(30);
        const url = `${rig!.receiver.url}${prng.pick(paths)}`;
        const reply = await post(url, body, headers, prng.pick(methods));
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const non4xx = [...statuses].filter(([status]) => status < 400 || status >= 500);
    assert.deepEqual(non4xx, [], `statuses: ${JSON.stringify([...statuses])}`);
    assert.equal(
      [...statuses.values()].reduce((a, b) => a + b, 0),
      total,
    );
    await rig.processor.processPending();
    assert.equal(counting.applied.size, 0, 'a fuzzed request was handled');
    assert.equal(rig.inbox.entries().filter((e) => e.verification === 'verified').length, 0);
    // Still answering properly afterwards.
    const body = anEvent().build();
    const reply = await post(rig.receiver.routes.stripe, body, {
      'stripe-signature': stripeSignature(body, clock.now()),
    });
    assert.equal(reply.status, 200);
  });

  it('answers a burst of concurrent deliveries, with duplicates, losing none and applying none twice', async () => {
    const clock = new FakeClock(false);
    const counting = countingHandler();
    rig = await startRig({ clock, handlers: { stripe: counting.handler } });
    const events = Array.from({ length: 400 }, (_, i) =>
      anEvent('invoice.paid').withId(`evt_burst_${i}`).on(`in_burst_${i}`).build(),
    );
    // Stripe delivers some events twice; here every fourth one arrives again inside the same burst.
    const deliveries = [...events, ...events.filter((_, i) => i % 4 === 0)];
    const replies = await Promise.all(
      deliveries.map((body) =>
        post(rig!.receiver.routes.stripe, body, { 'stripe-signature': stripeSignature(body, clock.now()) }),
      ),
    );
    assert.ok(
      replies.every((r) => r.status === 200),
      'a delivery was not acknowledged',
    );
    await rig.processor.processPending();
    assert.equal(counting.applied.size, events.length, 'an event was lost');
    assert.deepEqual(
      [...counting.applied].filter(([, n]) => n !== 1),
      [],
      'an event was applied twice',
    );
    const entries = rig.inbox.entries();
    assert.equal(entries.length, deliveries.length);
    assert.equal(entries.filter((e) => e.outcome === 'duplicate').length, 100);
  });

  it('applies an event stored by a receiver killed before handling it, once, after the restart', async () => {
    const clock = new FakeClock(false);
    const first = countingHandler();
    // The first receiver stores and acknowledges, and dies before its processor runs.
    rig = await startRig({ clock, handlers: { stripe: first.handler }, processOnArrival: false });
    const body = anEvent('invoice.paid').withId('evt_crash').on('in_crash').build();
    const reply = await post(rig.receiver.routes.stripe, body, {
      'stripe-signature': stripeSignature(body, clock.now()),
    });
    assert.equal(reply.status, 200);
    const directory = rig.directory;
    await rig.receiver.close();
    await rig.inbox.close();
    // The crash also tore a half-written line at the end of the inbox.
    appendFileSync(path.join(directory, INBOX_FILE), '{"kind":"request","id":"wh_torn",');
    rig = undefined;

    const second = countingHandler();
    rig = await startRig({ clock, directory, handlers: { stripe: second.handler } });
    await rig.processor.processPending();
    assert.equal(first.applied.size, 0);
    assert.equal(second.applied.get('evt_crash'), 1);
    // A further restart does not apply it again.
    const dir = rig.directory;
    await rig.stop();
    const third = countingHandler();
    rig = await startRig({ clock, directory: dir, handlers: { stripe: third.handler } });
    await rig.processor.processPending();
    assert.equal(third.applied.size, 0);
    assert.equal(rig.inbox.entries()[0]?.outcome, 'applied');
  });

  it('changes nothing when an event is delivered again or replayed', async () => {
    const clock = new FakeClock(false);
    const counting = countingHandler();
    rig = await startRig({ clock, handlers: { stripe: counting.handler } });
    const body = anEvent('invoice.paid').withId('evt_again').on('in_again').build();
    for (let i = 0; i < 2; i++) {
      await post(rig.receiver.routes.stripe, body, { 'stripe-signature': stripeSignature(body, clock.now()) });
    }
    await rig.processor.processPending();
    assert.equal(counting.applied.get('evt_again'), 1);
    const before = new Map(counting.state);
    const [again, original] = rig.inbox.entries();
    assert.equal(again?.outcome, 'duplicate');
    const replayed = await rig.processor.replay(original?.id ?? '');
    assert.equal(replayed.outcome, 'applied');
    assert.deepEqual(counting.state, before);
  });

  it('refuses to replay a request that was refused, or one that is not there', async () => {
    const clock = new FakeClock(false);
    rig = await startRig({ clock });
    await post(rig.receiver.routes.stripe, '{}', { 'stripe-signature': 't=1,v1=00' });
    const refused = rig.inbox.entries()[0]?.id ?? '';
    await assert.rejects(rig.processor.replay(refused), { code: 'webhooks.notFound' });
    await assert.rejects(rig.processor.replay('wh_nothing'), { code: 'webhooks.notFound' });
  });
});
