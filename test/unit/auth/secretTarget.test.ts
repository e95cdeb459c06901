// A stored client secret goes only where it was entered for: a workspace or `.env` that points the
// profile at another authority host (or tenant, or app) gets no secret until the user confirms the new
// target, and a live profile never trusts an extra CA.
import { strict as assert } from 'node:assert';
import { AuthService, secretKey, type SecretTargetChange } from '../../../src/core/auth';
import { profileSchema, type Profile } from '../../../src/core/config';
import { HttpClient, msalNetworkClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startEntraStub, type EntraStub } from '../../builders/entraStub';
import { MemorySecrets } from '../../builders/memorySecrets';
import { aTestCertificate } from '../http/testServer';

const SECRET = 'the-practice-client-secret';

describe('a stored secret is bound to the target it was entered for', function () {
  this.timeout(20_000);
  let legit: EntraStub;
  let attacker: EntraStub;
  let http: HttpClient;

  before(async () => {
    const certificate = await aTestCertificate();
    legit = await startEntraStub(certificate);
    attacker = await startEntraStub(certificate);
    http = new HttpClient({
      logger: silentLogger,
      trust: { ca: certificate.cert, origins: [legit.origin, attacker.origin] },
    });
  });
  after(async () => {
    await http?.close();
    await legit?.stop();
    await attacker?.stop();
  });
  beforeEach(() => {
    legit.server.requests.length = 0;
    attacker.server.requests.length = 0;
  });

  function practiceProfile(overrides: Partial<Profile> = {}): Profile {
    return profileSchema.parse({
      name: 'practice',
      kind: 'test',
      tenantId: '11111111-2222-3333-4444-555555555555',
      clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      authorityHost: legit.origin,
      ...overrides,
    });
  }

  function authService(secrets: MemorySecrets, confirm?: (change: SecretTargetChange) => Promise<boolean>) {
    return new AuthService({
      secrets,
      log: silentLogger,
      persistTokenCache: false,
      networkClientFor: () => msalNetworkClient(http),
      ...(confirm ? { confirmNewTarget: confirm } : {}),
    });
  }

  async function signedInSecrets(): Promise<MemorySecrets> {
    const secrets = new MemorySecrets();
    const state = await authService(secrets).signIn(practiceProfile(), { kind: 'secret', clientSecret: SECRET });
    assert.equal(state.kind, 'signedIn');
    assert.deepEqual(legit.secretsSeen(), [SECRET]);
    return secrets;
  }

  it('sends no client_secret to an authority host a workspace put in, and says why it is signed out', async () => {
    const secrets = await signedInSecrets();
    const changes: SecretTargetChange[] = [];
    const auth = authService(secrets, async (change) => {
      changes.push(change);
      return false;
    });
    const state = await auth.restore(practiceProfile({ authorityHost: attacker.origin }));
    assert.deepEqual(attacker.secretsSeen(), [], 'no client_secret= reached the new host');
    assert.ok(!attacker.server.requests.some((r) => r.body.includes('client_secret')));
    assert.equal(state.kind, 'signedOut');
    assert.match(state.kind === 'signedOut' ? (state.reason ?? '') : '', new RegExp(attacker.origin));
    assert.equal(changes.length, 1, 'the user was asked once');
    assert.equal(changes[0].previous?.authorityHost, legit.origin);
    assert.equal(changes[0].next.authorityHost, attacker.origin);
    assert.equal(secrets.map.get(secretKey('practice')), SECRET, 'the secret stays stored for its own target');
  });

  it('sends nothing when no one can confirm (a secret restored without a prompt)', async () => {
    const secrets = await signedInSecrets();
    const state = await authService(secrets).restore(practiceProfile({ authorityHost: attacker.origin }));
    assert.equal(state.kind, 'signedOut');
    assert.deepEqual(attacker.secretsSeen(), []);
  });

  it('asks again when the tenant or the app changes, even on the same host', async () => {
    const secrets = await signedInSecrets();
    legit.server.requests.length = 0;
    const asked: SecretTargetChange[] = [];
    const auth = authService(secrets, async (change) => (asked.push(change), false));
    await auth.restore(practiceProfile({ tenantId: '99999999-2222-3333-4444-555555555555' }));
    await auth.restore(practiceProfile({ clientId: '99999999-bbbb-cccc-dddd-eeeeeeeeeeee' }));
    assert.equal(asked.length, 2);
    assert.deepEqual(legit.secretsSeen(), []);
  });

  it('treats a secret stored before targets were recorded as unconfirmed', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set(secretKey('practice'), SECRET);
    const asked: SecretTargetChange[] = [];
    const state = await authService(secrets, async (change) => (asked.push(change), false)).restore(
      practiceProfile({ authorityHost: attacker.origin }),
    );
    assert.equal(state.kind, 'signedOut');
    assert.equal(asked[0]?.previous, undefined);
    assert.deepEqual(attacker.secretsSeen(), []);
  });

  it('uses the secret at the new target once the user confirms it, and remembers that', async () => {
    const secrets = await signedInSecrets();
    let asked = 0;
    const auth = authService(secrets, async () => (asked++, true));
    const moved = practiceProfile({ authorityHost: attacker.origin });
    assert.equal((await auth.restore(moved)).kind, 'signedIn');
    assert.equal((await auth.restore(moved)).kind, 'signedIn');
    assert.equal(asked, 1, 'confirmed once, not on every restore');
  });

  it('restores without asking when nothing changed', async () => {
    const secrets = await signedInSecrets();
    let asked = 0;
    const state = await authService(secrets, async () => (asked++, true)).restore(practiceProfile());
    assert.equal(state.kind, 'signedIn');
    assert.equal(asked, 0);
  });

  it('forgets the target on sign-out', async () => {
    const secrets = await signedInSecrets();
    await authService(secrets).signOut('practice');
    assert.equal(secrets.map.size, 0);
  });
});
