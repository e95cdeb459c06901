// The editor's Stripe keys: one secret per profile and mode, asked for when missing, a key of the other mode
// refused where it is pasted and never used when found stored, and the running sandbox's key used as it is.
import { strict as assert } from 'node:assert';
import { profileSchema, type Profile } from '../../../src/core/config';
import { LogHub } from '../../../src/core/log';
import { loadWithVscode } from './vscodeStandIn';

type Access = typeof import('../../../src/vscode/stripeAccess');

const TEST_KEY = 'sk_test_51AbCdEfGhIjKlMnOpQrStUv';
const LIVE_KEY = 'sk_live_51AbCdEfGhIjKlMnOpQrStUv';

interface InputBoxOptions {
  title?: string;
  password?: boolean;
  validateInput?: (text: string) => string | undefined;
}

function editor(typed: Array<string | undefined>) {
  const asked: InputBoxOptions[] = [];
  const window = {
    showInputBox: async (options: InputBoxOptions) => {
      asked.push(options);
      return typed.shift();
    },
    showInformationMessage: async () => undefined,
  };
  const access = loadWithVscode<Access>('../../../src/vscode/stripeAccess', { window });
  return { access, asked };
}

function secrets(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    get: async (key: string) => map.get(key),
    store: async (key: string, value: string) => void map.set(key, value),
    delete: async (key: string) => void map.delete(key),
  };
}

function services(profile: Profile, stored: ReturnType<typeof secrets>, running?: Record<string, string>) {
  const clients = { profile, http: {} as never };
  return {
    context: { secrets: stored } as never,
    hub: new LogHub(),
    session: { clients, requireClients: () => clients } as never,
    sandbox: { running } as never,
  };
}

const testProfile = profileSchema.parse({ name: 'practice-test', kind: 'test', stripeMode: 'test' });
const liveProfile = profileSchema.parse({ name: 'practice', kind: 'live', stripeMode: 'live' });

describe('stripeAccess', () => {
  it('keeps test and live keys of a profile in separate secrets', () => {
    const { access } = editor([]);
    assert.notEqual(access.stripeSecretKeyName('practice', 'test'), access.stripeSecretKeyName('practice', 'live'));
    assert.notEqual(access.stripeSecretKeyName('a', 'test'), access.stripeSecretKeyName('b', 'test'));
  });

  it('asks for a missing key in a password box, refuses a live key pasted into a test profile, and stores the test key', async () => {
    const { access, asked } = editor([TEST_KEY]);
    const stored = secrets();
    const { mode, profile } = await access.stripeFor(services(testProfile, stored));
    assert.equal(mode, 'test');
    assert.equal(profile.name, 'practice-test');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.password, true);
    assert.match(asked[0]?.validateInput?.(LIVE_KEY) ?? '', /live-mode key, but profile practice-test is in test mode/);
    assert.equal(asked[0]?.validateInput?.(TEST_KEY), undefined);
    assert.equal(stored.map.get(access.stripeSecretKeyName('practice-test', 'test')), TEST_KEY);
    assert.equal(stored.map.get(access.stripeSecretKeyName('practice-test', 'live')), undefined);
  });

  it('never uses a stored key of the other mode: it asks again', async () => {
    const { access, asked } = editor([LIVE_KEY]);
    const stored = secrets({ [`lifeCockpit/practice/stripeSecretKey/live`]: TEST_KEY });
    await access.stripeFor(services(liveProfile, stored));
    assert.equal(asked.length, 1, 'the test key in the live slot was not used');
    assert.equal(stored.map.get(access.stripeSecretKeyName('practice', 'live')), LIVE_KEY);
  });

  it('sends nothing when the box is dismissed', async () => {
    const { access } = editor([undefined]);
    await assert.rejects(access.stripeFor(services(testProfile, secrets())), { errorClass: 'cancelled' });
  });

  it('gives the sandbox profile the running sandbox’s keys without asking', async () => {
    const { access, asked } = editor([]);
    const sandbox = profileSchema.parse({ name: 'sandbox', kind: 'sandbox', stripeUrl: 'https://127.0.0.1:4242' });
    const running = {
      stripeUrl: 'https://127.0.0.1:4242/',
      stripeSecretKey: TEST_KEY,
      stripeWebhookSecret: 'whsec_abc',
    };
    const s = services(sandbox, secrets(), running);
    assert.equal((await access.stripeFor(s)).mode, 'test');
    assert.equal(await access.stripeWebhookSecretFor(s), 'whsec_abc');
    assert.equal(asked.length, 0);
  });

  it('follows the active profile for the webhook signing secret, and asks only when told to', async () => {
    const { access, asked } = editor(['whsec_live123']);
    const stored = secrets({ 'lifeCockpit/practice-test/stripeWebhookSecret/test': 'whsec_test123' });
    assert.equal(await access.stripeWebhookSecretFor(services(testProfile, stored)), 'whsec_test123');
    assert.equal(await access.stripeWebhookSecretFor(services(liveProfile, stored), { ask: false }), undefined);
    assert.equal(await access.stripeWebhookSecretFor(services(liveProfile, stored)), 'whsec_live123');
    assert.equal(asked.length, 1);
    assert.equal(stored.map.get(access.stripeWebhookSecretName('practice', 'live')), 'whsec_live123');
  });
});
