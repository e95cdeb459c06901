// The receiver as a sender meets it: a signed Stripe event is stored (encrypted) then answered 2xx;
// forged, stale, oversized and malformed requests get a 4xx and a log line; Graph's handshake and
// clientState; flows' shared-secret HMAC.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INBOX_FILE } from '../../../src/core/webhooks';
import { flowSignatureHeader } from '../../../src/core/webhooks';
import { FakeClock } from '../../builders/fakeClock';
import {
  anEvent,
  OLD_WEBHOOK_SECRET,
  post,
  removeDirectory,
  startRig,
  stripeSignature,
  WEBHOOK_SECRET,
  type ReceiverRig,
} from '../../builders/webhookRequests';

describe('webhook receiver', () => {
  let clock: FakeClock;
  let rig: ReceiverRig;

  beforeEach(async () => {
    clock = new FakeClock(false);
    rig = await startRig({
      clock,
      maxBodyBytes: 4096,
      processOnArrival: false,
      graphClientState: 'graph-state-secret',
      flows: { 'new-booking': 'flow-secret-123' },
    });
  });

  afterEach(async () => {
    await rig.stop();
    removeDirectory(rig.directory);
  });

  const stripeUrl = (): string => rig.receiver.routes.stripe;

  it('binds 127.0.0.1 and names its routes', () => {
    assert.match(rig.receiver.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(rig.receiver.routes.stripe, `${rig.receiver.url}/stripe`);
    assert.equal(rig.receiver.routes.graph, `${rig.receiver.url}/graph`);
  });

  it('stores a verified Stripe event before answering 200, with the payload encrypted and no signature kept', async () => {
    const body = anEvent('invoice.paid').on('in_secretive', { session_id: 'session-with-client-name' }).build();
    const signature = stripeSignature(body, clock.now());
    const reply = await post(stripeUrl(), body, { 'stripe-signature': signature });
    assert.equal(reply.status, 200);
    const [entry] = rig.inbox.entries();
    assert.equal(entry?.verification, 'verified');
    assert.equal(entry?.eventType, 'invoice.paid');
    assert.equal(rig.inbox.payload(entry?.id ?? '')?.toString('utf8'), body);
    const onDisk = readFileSync(path.join(rig.directory, INBOX_FILE), 'utf8');
    assert.ok(!onDisk.includes('session-with-client-name'), 'payload in clear on disk');
    assert.ok(!onDisk.includes(signature.split('v1=')[1] ?? '?'), 'signature on disk');
    assert.ok(!onDisk.includes(WEBHOOK_SECRET), 'secret on disk');
  });

  it('accepts a header with several v1 signatures during a secret rotation', async () => {
    const body = anEvent().build();
    const t = Math.floor(clock.now() / 1000);
    const oldSig = stripeSignature(body, clock.now(), OLD_WEBHOOK_SECRET).split('v1=')[1];
    const newSig = stripeSignature(body, clock.now(), WEBHOOK_SECRET).split('v1=')[1];
    const reply = await post(stripeUrl(), body, { 'stripe-signature': `t=${t},v1=${oldSig},v1=${newSig},v0=abc` });
    assert.equal(reply.status, 200);
  });

  it('refuses a bad signature, a stale timestamp, a missing header, malformed JSON and an oversized body with a 4xx and a log line', async () => {
    const body = anEvent().build();
    const cases: { name: string; send: () => Promise<{ status: number }>; verification: string; status: number }[] = [
      {
        name: 'bad signature',
        send: () => post(stripeUrl(), body, { 'stripe-signature': stripeSignature(body, clock.now(), 'whsec_wrong') }),
        verification: 'badSignature',
        status: 400,
      },
      {
        name: 'stale',
        send: () =>
          post(stripeUrl(), body, { 'stripe-signature': stripeSignature(body, clock.now() - 301_000, WEBHOOK_SECRET) }),
        verification: 'staleTimestamp',
        status: 400,
      },
      { name: 'missing', send: () => post(stripeUrl(), body), verification: 'missingSignature', status: 400 },
      {
        name: 'malformed',
        send: () => post(stripeUrl(), '{"id":', { 'stripe-signature': stripeSignature('{"id":', clock.now()) }),
        verification: 'malformed',
        status: 400,
      },
      {
        name: 'oversized',
        send: () => {
          const big = JSON.stringify({ ...JSON.parse(body), pad: 'x'.repeat(5000) });
          return post(stripeUrl(), big, { 'stripe-signature': stripeSignature(big, clock.now()) });
        },
        verification: 'oversized',
        status: 413,
      },
    ];
    for (const c of cases) {
      const reply = await c.send();
      assert.equal(reply.status, c.status, c.name);
      const entry = rig.inbox.entries()[0];
      assert.equal(entry?.verification, c.verification, c.name);
      assert.equal(entry?.hasPayload, false, `${c.name}: a refused body is not kept`);
      const line = rig.log.lines.find((l) => l.message === 'webhook rejected' && l.fields?.id === entry?.id);
      assert.ok(line, `${c.name}: no log line`);
      assert.equal(line.level, 'warn');
    }
  });

  it('measures the 300 s tolerance on the injected clock', async () => {
    const body = anEvent().build();
    const signature = stripeSignature(body, clock.now());
    clock.advance(299_000);
    assert.equal((await post(stripeUrl(), body, { 'stripe-signature': signature })).status, 200);
    clock.advance(2_000);
    assert.equal((await post(stripeUrl(), body, { 'stripe-signature': signature })).status, 400);
  });

  it("answers Graph's validationToken at once in text/plain, URL-decoded", async () => {
    const token = 'Validation: Token with spaces & symbols';
    const reply = await post(`${rig.receiver.routes.graph}?validationToken=${encodeURIComponent(token)}`, '', {
      'content-type': 'text/plain; charset=utf-8',
    });
    assert.equal(reply.status, 200);
    assert.match(reply.contentType ?? '', /^text\/plain/);
    assert.equal(reply.body, token);
  });

  it('accepts Graph notifications only with the subscription clientState', async () => {
    const notification = (clientState: string) =>
      JSON.stringify({ value: [{ subscriptionId: 'sub-1', clientState, changeType: 'updated', resource: 'x' }] });
    assert.equal((await post(rig.receiver.routes.graph, notification('graph-state-secret'))).status, 202);
    assert.equal((await post(rig.receiver.routes.graph, notification('guessed'))).status, 400);
    assert.equal(rig.inbox.entries()[0]?.verification, 'badClientState');
  });

  it('accepts a flow call signed with its shared secret and refuses others', async () => {
    const url = `${rig.receiver.url}/flows/new-booking`;
    const body = JSON.stringify({ id: 'call-1', type: 'booking' });
    const t = Math.floor(clock.now() / 1000);
    assert.equal(
      (await post(url, body, { 'x-lc-signature': flowSignatureHeader('flow-secret-123', body, t) })).status,
      202,
    );
    assert.equal((await post(url, body, { 'x-lc-signature': flowSignatureHeader('wrong', body, t) })).status, 400);
    assert.equal((await post(url, body)).status, 400);
    const unknown = `${rig.receiver.url}/flows/other`;
    assert.equal((await post(unknown, body, { 'x-lc-signature': flowSignatureHeader('x', body, t) })).status, 404);
  });
});
