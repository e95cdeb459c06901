// Send Test Event: each payment type is built as Stripe builds it, about the chosen session, signed so the
// receiver verifies and stores it like a real delivery; a receiver with another secret refuses it.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import {
  payloadKeyFrom,
  sendTestEvent,
  signedTestEvent,
  startWebhookService,
  TEST_EVENT_TYPES,
  type RunningWebhookService,
} from '../../../src/core/webhooks';
import { FakeClock } from '../../builders/fakeClock';
import { PAYLOAD_KEY, recordingLogger, removeDirectory, until, WEBHOOK_SECRET } from '../../builders/webhookRequests';

describe('test events', () => {
  let clock: FakeClock;
  let directory: string;
  let http: HttpClient;
  let service: RunningWebhookService;
  let handled: { type: string; objectId: string; sessionId: string | undefined }[];

  beforeEach(async () => {
    clock = new FakeClock(false);
    directory = mkdtempSync(path.join(tmpdir(), 'lc-test-event-'));
    http = new HttpClient({ logger: silentLogger, clock });
    handled = [];
    service = await startWebhookService({
      inboxDirectory: directory,
      payloadKey: payloadKeyFrom(PAYLOAD_KEY),
      secrets: { stripe: [WEBHOOK_SECRET] },
      port: 0,
      handlers: {
        stripe: (body) => {
          const event = JSON.parse(body.toString('utf8')) as {
            type: string;
            data: { object: { id: string; metadata?: Record<string, string> } };
          };
          const { id, metadata } = event.data.object;
          handled.push({ type: event.type, objectId: id, sessionId: metadata?.session_id });
          return Promise.resolve({ outcome: 'applied' });
        },
      },
      http,
      clock,
      log: recordingLogger(),
    });
  });

  afterEach(async () => {
    await service.close();
    await http.close();
    removeDirectory(directory);
  });

  it('builds every payment type about the chosen session, and the receiver verifies, stores and handles it', async () => {
    for (const type of TEST_EVENT_TYPES) {
      const event = signedTestEvent({ type, sessionId: 'session-42', secret: WEBHOOK_SECRET, clock });
      const verified = Stripe.webhooks.constructEvent(
        event.body,
        event.headers['stripe-signature'] ?? '',
        WEBHOOK_SECRET,
        300,
        undefined,
        clock.now(),
      );
      assert.equal(verified.type, type);
      assert.equal((await sendTestEvent(http, service.url, event)).status, 200, type);
    }
    await until(() => handled.length === TEST_EVENT_TYPES.length, 'every test event handled');
    assert.deepEqual(
      handled.map((h) => h.type),
      [...TEST_EVENT_TYPES],
    );
    assert.ok(handled.every((h) => h.sessionId === 'session-42'));
    assert.deepEqual(
      handled.map((h) => h.objectId.slice(0, 3)),
      ['in_', 'in_', 'cs_', 'ch_'],
    );
    assert.ok(service.inbox.entries().every((e) => e.verification === 'verified'));
  });

  it('names the object given, so the handler re-reads the session’s own invoice', async () => {
    const event = signedTestEvent({
      type: 'invoice.paid',
      sessionId: 's1',
      objectId: 'in_real_1',
      secret: WEBHOOK_SECRET,
      clock,
    });
    assert.equal((await sendTestEvent(http, service.routes.stripe, event)).status, 200);
    await until(() => handled.length === 1, 'the event handled');
    assert.equal(handled[0]?.objectId, 'in_real_1');
  });

  it('is refused by a receiver that verifies with another secret', async () => {
    const event = signedTestEvent({ type: 'invoice.paid', sessionId: 's1', secret: 'whsec_other', clock });
    assert.equal((await sendTestEvent(http, service.url, event)).status, 400);
    assert.equal(service.inbox.entries()[0]?.verification, 'badSignature');
  });

  it('refuses a type it does not build, and an empty secret', () => {
    assert.throws(
      () =>
        signedTestEvent({ type: 'customer.created' as 'invoice.paid', sessionId: 's1', secret: WEBHOOK_SECRET, clock }),
      /not a test event type/,
    );
    assert.throws(() => signedTestEvent({ type: 'invoice.paid', sessionId: 's1', secret: '', clock }), /secret/);
  });
});
