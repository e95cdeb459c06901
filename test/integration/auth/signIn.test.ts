// Sign-in against the sandbox's Entra ID with the real msal-node, sending through our HTTP layer:
// secret and certificate flows, one token request for a thousand API calls, proactive refresh of
// short-lived tokens, the 401 retry, every translated error, and the token cache persisting through
// a SecretStore.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import {
  AuthService,
  certificateCredentialFromPem,
  MsalTokenSource,
  readClaims,
  resourcesFor,
  sendAuthorized,
  TokenProvider,
  type SecretStore,
  type TokenSource,
} from '../../../src/core/auth';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { createProfileHttpClient, msalNetworkClient, type HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { clockReading } from '../../builders/fakeClock';
import { MemorySecrets } from '../../builders/memorySecrets';

interface DirectoryApp {
  clientId: string;
  tenantId: string;
  displayName: string;
  secrets: Array<{ value: string; expiresAt: string }>;
}

describe('sign-in against the sandbox with msal-node', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let profile: Profile;
  let http: HttpClient;
  const services: AuthService[] = [];

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'auth-integration', clients: 5 });
    profile = sandboxProfile(sandbox.info);
    http = createProfileHttpClient(profile, silentLogger);
  });
  after(async () => {
    await http?.close();
    await sandbox?.stop();
  });

  function authService(secrets: SecretStore = new MemorySecrets()): AuthService {
    const auth = new AuthService({
      secrets,
      log: silentLogger,
      persistTokenCache: true,
      networkClientFor: () => msalNetworkClient(http),
    });
    services.push(auth);
    return auth;
  }

  function directoryApps(): DirectoryApp[] {
    const inspected = sandbox.inspect() as { services: { entra: { directory: { apps: DirectoryApp[] } } } };
    return inspected.services.entra.directory.apps;
  }

  it('signs in with the client secret and reads tenant, app and roles from the Graph token', async () => {
    const auth = authService();
    const state = await auth.signIn(profile, { kind: 'secret', clientSecret: sandbox.info.clientSecret });
    assert.equal(state.kind, 'signedIn');
    if (state.kind !== 'signedIn') return;
    assert.equal(state.identity.tenantId, sandbox.info.tenantId);
    assert.equal(state.identity.clientId, sandbox.info.clientId);
    assert.ok(state.identity.roles.includes('Mail.Send'), `roles: ${state.identity.roles.join(',')}`);
    const dataverseToken = await auth.tokens().getToken(resourcesFor(profile).dataverse!);
    assert.equal(readClaims(dataverseToken).aud, sandbox.info.dataverseUrl);
  });

  it('signs in with a certificate (PEM key and certificate)', async () => {
    const pem =
      fs.readFileSync(sandbox.info.certificate.privateKeyFile, 'utf8') +
      fs.readFileSync(sandbox.info.certificate.certificateFile, 'utf8');
    const credential = certificateCredentialFromPem(pem);
    const before = sandbox.tokenRequestCount();
    const state = await authService().signIn({ ...profile, authKind: 'certificate' }, credential);
    assert.equal(state.kind, 'signedIn');
    assert.equal(sandbox.tokenRequestCount() - before, 2, 'one token each for Graph and Dataverse');
    if (state.kind === 'signedIn') assert.ok(state.identity.credentialExpiresOn instanceof Date);
  });

  it('causes exactly one token request for 1,000 concurrent API calls within a token’s life', async () => {
    const auth = authService();
    await auth.signIn(profile, { kind: 'secret', clientSecret: sandbox.info.clientSecret });
    const before = sandbox.tokenRequestCount();
    const provider = new TokenProvider(
      new MsalTokenSource({
        identity: {
          profile: 'bench',
          tenantId: profile.tenantId!,
          clientId: profile.clientId!,
          authorityHost: profile.authorityHost,
        },
        credential: { kind: 'secret', clientSecret: sandbox.info.clientSecret },
        networkClient: msalNetworkClient(http),
        log: silentLogger,
      }),
    );
    const resource = resourcesFor(profile).dataverse!;
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () =>
        sendAuthorized(http, provider, resource, {
          service: 'dataverse',
          method: 'GET',
          url: `${profile.dataverseUrl}/api/data/v9.2/WhoAmI`,
        }),
      ),
    );
    await Promise.all(responses.map((r) => r.bytes()));
    assert.ok(
      responses.every((r) => r.status === 200),
      `statuses: ${[...new Set(responses.map((r) => r.status))].join(',')}`,
    );
    assert.equal(sandbox.tokenRequestCount() - before, 1);
    assert.equal(provider.tokenRequests, 1);
  });

  it('refreshes a token before it expires, not after a 401', async () => {
    const clock = { offset: 0 };
    const source = new MsalTokenSource({
      identity: {
        profile: 'short',
        tenantId: profile.tenantId!,
        clientId: profile.clientId!,
        authorityHost: profile.authorityHost,
      },
      credential: { kind: 'secret', clientSecret: sandbox.info.clientSecret },
      networkClient: msalNetworkClient(http),
      log: silentLogger,
    });
    const provider = new TokenProvider(source, { clock: clockReading(() => Date.now() + clock.offset) });
    const graph = resourcesFor(profile).graph;
    const before = sandbox.tokenRequestCount();
    const first = await provider.getAcquired(graph);
    const lifeMs = first.expiresOn.getTime() - Date.now();
    clock.offset = lifeMs - 60_000; // one minute left: inside the refresh margin, still valid
    await provider.getAcquired(graph);
    assert.equal(sandbox.tokenRequestCount() - before, 2, 'Entra was asked again before the old token expired');
    assert.ok(first.expiresOn.getTime() > Date.now(), 'the old token had not expired yet');
    assert.equal(provider.tokenRequests, 2);
  });

  it('drops a rejected token once and retries once with a fresh one', async () => {
    const wrongAudience = await sandbox.mintToken({ audience: 'https://someone-else.example' });
    let calls = 0;
    const real = new MsalTokenSource({
      identity: {
        profile: 'retry',
        tenantId: profile.tenantId!,
        clientId: profile.clientId!,
        authorityHost: profile.authorityHost,
      },
      credential: { kind: 'secret', clientSecret: sandbox.info.clientSecret },
      networkClient: msalNetworkClient(http),
      log: silentLogger,
    });
    const source: TokenSource = {
      acquire: async (scope, options) =>
        ++calls === 1
          ? { accessToken: wrongAudience, expiresOn: new Date(Date.now() + 3_600_000) }
          : real.acquire(scope, options),
    };
    const provider = new TokenProvider(source);
    const response = await sendAuthorized(http, provider, resourcesFor(profile).graph, {
      service: 'graph',
      method: 'GET',
      url: `${profile.graphUrl}/v1.0/users`,
    });
    assert.equal(response.status, 200);
    await response.bytes();
    assert.equal(calls, 2);
  });

  it('translates a wrong secret, an expired secret, an unknown client and an unknown tenant', async () => {
    const expired = directoryApps().find((a) => a.displayName.includes('expired'))!;
    const cases: Array<[Profile, string, RegExp, string]> = [
      [profile, 'not-the-secret-value', /sandbox’s own secret.*nothing before or after it/, 'auth.AADSTS7000215'],
      [{ ...profile, clientId: expired.clientId }, expired.secrets[0].value, /has expired/, 'auth.AADSTS7000222'],
      [
        { ...profile, clientId: '00000000-1111-2222-3333-444444444444' },
        'whatever-secret',
        /No application with client id/,
        'auth.AADSTS700016',
      ],
    ];
    for (const [p, secret, message, code] of cases) {
      const secrets = new MemorySecrets();
      await assert.rejects(
        authService(secrets).signIn(p, { kind: 'secret', clientSecret: secret }),
        (error: Error & { code?: string }) => {
          assert.match(error.message, message);
          assert.equal(error.code, code);
          return true;
        },
      );
      assert.equal(secrets.map.size, 0, 'nothing saved on failure');
    }
    await assert.rejects(
      authService().signIn(
        { ...profile, tenantId: '99999999-8888-7777-6666-555555555555' },
        { kind: 'secret', clientSecret: sandbox.info.clientSecret },
      ),
      (error: Error & { code?: string }) => {
        assert.match(String(error.code), /auth\.(AADSTS90002|endpoints_resolution_error)/);
        return true;
      },
    );
  });

  it('persists the msal token cache through the SecretStore across restarts', async () => {
    const secrets = new MemorySecrets();
    await authService(secrets).signIn(profile, { kind: 'secret', clientSecret: sandbox.info.clientSecret });
    assert.ok(
      [...secrets.map.keys()].some((k) => k.endsWith('/tokenCache')),
      'the cache was written to the store',
    );
    const before = sandbox.tokenRequestCount();
    const restored = await authService(secrets).restore(profile);
    assert.equal(restored.kind, 'signedIn');
    assert.equal(sandbox.tokenRequestCount(), before, 'a restart reuses cached tokens: no token request');
    for (const value of secrets.map.values()) assert.ok(!value.includes('BEGIN PRIVATE KEY'));
  });
});
