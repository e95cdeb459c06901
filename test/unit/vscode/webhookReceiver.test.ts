// The editor's webhook receiver over the real service on ephemeral ports: it listens with the active
// profile's signing secret, a profile switch restarts it with the new one (after the event being handled
// is done), stop waits for the handling under way and releases the port, and a port in use fails with a
// message naming the setting.
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clockReading } from '../../builders/fakeClock';
import { MemorySecrets } from '../../builders/memorySecrets';
import {
  anEvent,
  post,
  recordingLogger,
  removeDirectory,
  stripeSignature,
  WEBHOOK_SECRET,
} from '../../builders/webhookRequests';
import { HttpClient } from '../../../src/core/http';
import { startWebhookService, type HandlerResult, type ReceiverSecrets } from '../../../src/core/webhooks';
import {
  EditorWebhookReceiver,
  type ReceiverLaunch,
  type ReceiverService,
  type ReceiverSettings,
} from '../../../src/vscode/webhookReceiver';
import { WebhookPayloadKeys } from '../../../src/vscode/webhookPayloadKey';

const clock = clockReading(() => Date.now());
const OTHER_SECRET = 'whsec_test_other_profile_0123456789';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function holdAPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function signedEvent(secret: string, type = 'invoice.paid') {
  const body = anEvent(type).build();
  return { body, headers: { 'stripe-signature': stripeSignature(body, Date.now(), secret) } };
}

describe('EditorWebhookReceiver', () => {
  let storage: string;
  let profile: string | undefined;
  let settings: ReceiverSettings;
  let secretsOf: Record<string, ReceiverSecrets>;
  let handle: (profile: string) => Promise<HandlerResult>;
  let launches: ReceiverLaunch[];
  let receiver: EditorWebhookReceiver;
  let changes: number;
  let http: HttpClient;

  /** The core's service, as webhookLaunch.ts starts it, with a handler the test controls. */
  function launch(options: ReceiverLaunch): Promise<ReceiverService> {
    launches.push(options);
    return startWebhookService({
      inboxDirectory: options.inboxDirectory,
      payloadKey: options.payloadKey,
      secrets: options.secrets,
      port: options.port,
      bindAddress: options.bindAddress,
      forwardTo: options.forwardTo,
      handlers: { stripe: () => handle(options.profile) },
      http,
      clock,
      log: recordingLogger(),
      onChange: options.onChange,
    });
  }

  beforeEach(() => {
    storage = mkdtempSync(path.join(tmpdir(), 'lc-editor-webhooks-'));
    profile = 'alpha';
    settings = { port: 0, bindAddress: '127.0.0.1', forwardTo: [] };
    secretsOf = { alpha: { stripe: [WEBHOOK_SECRET] }, beta: { stripe: [OTHER_SECRET] } };
    handle = async () => ({ outcome: 'applied' });
    launches = [];
    changes = 0;
    http = new HttpClient({ logger: recordingLogger(), clock });
    receiver = new EditorWebhookReceiver({
      storageDirectory: storage,
      keys: new WebhookPayloadKeys(new MemorySecrets()),
      settings: () => settings,
      activeProfile: () => profile,
      receiverSecrets: async (p) => secretsOf[p] ?? { stripe: [] },
      launch,
      clock,
      log: recordingLogger(),
    });
    receiver.onDidChange(() => (changes += 1));
  });

  afterEach(async () => {
    await receiver.dispose();
    await http.close();
    removeDirectory(storage);
  });

  it('listens on the bind address with the profile secret, stores per profile, and stop releases the port', async () => {
    const state = await receiver.start();
    assert.equal(state.kind, 'listening');
    assert.ok(state.kind === 'listening' && state.url.startsWith('http://127.0.0.1:'));
    const port = receiver.running?.port ?? 0;
    assert.equal(launches[0]?.inboxDirectory, path.join(storage, 'webhooks', 'alpha'));

    const event = signedEvent(WEBHOOK_SECRET);
    assert.equal((await post(`${receiver.running?.url}/stripe`, event.body, event.headers)).status, 200);
    await until(() => receiver.entries()[0]?.outcome === 'applied', 'the event to be applied');
    assert.ok(changes > 2, 'the view hears of the stored and handled request');

    await receiver.stop();
    assert.deepEqual(receiver.state, { kind: 'stopped', profile: 'alpha' });
    assert.equal(receiver.running, undefined);
    assert.ok(await portIsFree(port), 'the port is released');
    assert.equal(receiver.entries().length, 1, 'a stopped receiver still lists its inbox');
    assert.equal(JSON.parse(String(await receiver.payload(receiver.entries()[0]?.id ?? ''))).type, 'invoice.paid');
  });

  it('restarts with the new profile secret on a profile switch: the old secret is refused, the new one accepted', async () => {
    await receiver.start();
    const oldPort = receiver.running?.port ?? 0;
    profile = 'beta';
    await receiver.follow();
    assert.equal(receiver.state.kind, 'listening');
    assert.equal(receiver.state.kind === 'listening' && receiver.state.profile, 'beta');
    assert.equal(launches.length, 2);
    assert.equal(launches[1]?.inboxDirectory, path.join(storage, 'webhooks', 'beta'));
    assert.ok(await portIsFree(oldPort), "the old profile's server is gone");

    const url = `${receiver.running?.url}/stripe`;
    const old = signedEvent(WEBHOOK_SECRET);
    assert.equal((await post(url, old.body, old.headers)).status, 400, "alpha's secret no longer verifies");
    const fresh = signedEvent(OTHER_SECRET);
    assert.equal((await post(url, fresh.body, fresh.headers)).status, 200, "beta's secret verifies");
    assert.deepEqual(
      receiver.entries().map((e) => e.verification),
      ['verified', 'badSignature'],
      "beta's inbox, newest first",
    );
  });

  it('lets the event being handled finish with the old profile before starting the new one', async () => {
    const handling = deferred();
    const handled: string[] = [];
    handle = async (p) => {
      await handling.promise;
      handled.push(p);
      return { outcome: 'applied' };
    };
    await receiver.start();
    const event = signedEvent(WEBHOOK_SECRET);
    await post(`${receiver.running?.url}/stripe`, event.body, event.headers);
    await until(() => receiver.entries().length === 1, 'the event to be stored');

    profile = 'beta';
    const switched = receiver.follow();
    await until(() => receiver.state.kind === 'stopping', 'the receiver to be stopping');
    assert.equal(launches.length, 1, 'beta does not start while alpha is still handling');
    handling.resolve();
    await switched;
    assert.deepEqual(handled, ['alpha'], "alpha's event was handled by alpha's handler");
    assert.equal(receiver.state.kind === 'listening' && receiver.state.profile, 'beta');

    profile = 'alpha';
    await receiver.stop();
    assert.equal(receiver.entries()[0]?.outcome, 'applied', "the outcome is in alpha's inbox");
  });

  it('waits for the handling under way when stopped, then releases the port', async () => {
    const handling = deferred();
    handle = async () => {
      await handling.promise;
      return { outcome: 'applied' };
    };
    await receiver.start();
    const port = receiver.running?.port ?? 0;
    const event = signedEvent(WEBHOOK_SECRET);
    await post(`${receiver.running?.url}/stripe`, event.body, event.headers);
    await until(() => receiver.entries().length === 1, 'the event to be stored');
    const stopped = receiver.stop();
    await until(() => receiver.state.kind === 'stopping', 'the receiver to be stopping');
    handling.resolve();
    await stopped;
    assert.equal(receiver.state.kind, 'stopped');
    assert.equal(receiver.entries()[0]?.outcome, 'applied');
    assert.ok(await portIsFree(port));
  });

  it('fails with a message naming lifeCockpit.webhooks.port when the port is in use', async () => {
    const held = await holdAPort();
    try {
      settings = { ...settings, port: held.port };
      await assert.rejects(receiver.start(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'webhooks.portInUse');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${held.port}`));
        assert.match(error.message, /lifeCockpit\.webhooks\.port/);
        return true;
      });
      assert.equal(receiver.state.kind, 'failed');
      assert.match(receiver.state.kind === 'failed' ? receiver.state.message : '', /port is in use/);
    } finally {
      await new Promise((r) => held.server.close(r));
    }
    settings = { ...settings, port: 0 };
    assert.equal((await receiver.start()).kind, 'listening', 'a later start with a free port works');
  });

  it('starts one server when started twice at once', async () => {
    const [a, b] = await Promise.all([receiver.start(), receiver.start()]);
    assert.equal(launches.length, 1);
    assert.deepEqual(a, b);
  });

  it('restarts on a changed port setting, and a stopped receiver stays stopped on a profile switch', async () => {
    await receiver.start();
    const first = receiver.running?.port;
    const held = await holdAPort();
    await new Promise((r) => held.server.close(r));
    settings = { ...settings, port: held.port };
    await receiver.follow();
    assert.equal(receiver.running?.port, held.port);
    assert.notEqual(receiver.running?.port, first);
    await receiver.stop();
    profile = 'beta';
    await receiver.follow();
    assert.deepEqual(receiver.state, { kind: 'stopped', profile: 'beta' });
    assert.equal(launches.length, 2);
  });

  it('starts again when the profile signing secret changes, and only then', async () => {
    await receiver.start();
    await receiver.restart();
    assert.equal(launches.length, 1, 'an unchanged secret keeps the receiver as it is');
    secretsOf = { ...secretsOf, alpha: { stripe: [OTHER_SECRET] } };
    await receiver.restart();
    assert.equal(launches.length, 2);
    const event = signedEvent(OTHER_SECRET);
    assert.equal((await post(`${receiver.running?.url}/stripe`, event.body, event.headers)).status, 200);
  });
});
