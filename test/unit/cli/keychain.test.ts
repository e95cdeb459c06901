// The CLI's keychain rules without a keychain: a stored client secret is used only for the target it
// was entered for, an entry lc did not write is refused, and a keychain that fails is said once.
import { strict as assert } from 'node:assert';
import { profileSchema, type Profile } from '../../../src/core/config';
import { PolicyError, ValidationError } from '../../../src/core/errors';
import {
  clientSecretAccount,
  Keychain,
  storeClientSecret,
  storedClientSecret,
  type KeychainBackend,
} from '../../../src/cli/keychain';

class MemoryKeychain implements KeychainBackend {
  readonly entries = new Map<string, string>();
  async get(account: string) {
    return this.entries.get(account) ?? null;
  }
  async set(account: string, value: string) {
    this.entries.set(account, value);
  }
  async delete(account: string) {
    return this.entries.delete(account);
  }
}

function aLiveProfile(overrides: Partial<Profile> = {}): Profile {
  return profileSchema.parse({
    name: 'practice',
    kind: 'live',
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-3333-4444-555555555555',
    ...overrides,
  });
}

describe('the CLI keychain', () => {
  let backend: MemoryKeychain;
  let told: string[];
  let keychain: Keychain;
  beforeEach(() => {
    backend = new MemoryKeychain();
    told = [];
    keychain = new Keychain({ tell: (text) => told.push(text), backend: async () => backend });
  });

  it('gives back the secret for the target it was entered for', async () => {
    await storeClientSecret(keychain, aLiveProfile(), 's3cret');
    assert.equal(
      await storedClientSecret(keychain, aLiveProfile({ authorityHost: 'https://login.microsoftonline.com/' })),
      's3cret',
    );
  });

  for (const [change, before, after] of [
    ['authority host', {}, { authorityHost: 'https://login.attacker.example' }],
    ['tenant', {}, { tenantId: 'fabrikam.onmicrosoft.com' }],
    ['app', {}, { clientId: '99999999-2222-3333-4444-555555555555' }],
    ['extra CA', { kind: 'sandbox' }, { kind: 'sandbox', caFile: '/tmp/their-ca.pem' }],
  ] as const) {
    it(`refuses the secret, naming old and new target, when the ${change} changed`, async () => {
      await storeClientSecret(keychain, aLiveProfile(before), 's3cret');
      await assert.rejects(storedClientSecret(keychain, aLiveProfile(after)), (error: unknown) => {
        assert.ok(error instanceof PolicyError);
        assert.equal(error.code, 'auth.secretTargetChanged');
        assert.ok(!error.message.includes('s3cret'));
        assert.match(error.message, /login\.microsoftonline\.com/);
        assert.match(error.message, /lc auth login/);
        return true;
      });
    });
  }

  it('refuses an entry under its name that lc did not write', async () => {
    backend.entries.set(clientSecretAccount('practice'), 'plain-secret-from-elsewhere');
    await assert.rejects(storedClientSecret(keychain, aLiveProfile()), ValidationError);
  });

  it('says once that no keychain answers, then skips it; storing fails instead of writing a file', async () => {
    const broken = new Keychain({
      tell: (text) => told.push(text),
      backend: async () => ({
        get: async () => Promise.reject(new Error('Platform failure: DBus error')),
        set: async () => Promise.reject(new Error('Platform failure: DBus error')),
        delete: async () => Promise.reject(new Error('Platform failure: DBus error')),
      }),
    });
    assert.equal(await storedClientSecret(broken, aLiveProfile()), undefined);
    assert.equal(await broken.remove('practice/tokenCache'), undefined);
    await assert.rejects(storeClientSecret(broken, aLiveProfile(), 's3cret'), /no OS keychain lc can reach/);
    assert.equal(told.length, 1);
    assert.match(told[0], /No OS keychain is available \(Platform failure: DBus error\)/);
  });
});
