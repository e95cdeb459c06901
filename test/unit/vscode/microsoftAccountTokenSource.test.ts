// Signing in with the user's own Microsoft account through VS Code's provider: refresh and restore ask
// silently, only an explicit Sign In may create a session, and a new session is forced only after a 401
// that a fresh silent token did not fix. A clock that runs ahead does not make every call ask again.
import { strict as assert } from 'node:assert';
import { AuthService, resourcesFor, sendAuthorized, TokenProvider, type Credential } from '../../../src/core/auth';
import type { Clock } from '../../../src/core/clock';
import { profileSchema, type Profile } from '../../../src/core/config';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import {
  MicrosoftAccountTokenSource,
  type AuthenticationApi,
  type SessionRequestOptions,
} from '../../../src/vscode/microsoftAccountTokenSource';
import { clockReading } from '../../builders/fakeClock';
import { MemorySecrets } from '../../builders/memorySecrets';
import { TestServer } from '../http/testServer';

const profile: Profile = profileSchema.parse({
  name: 'me',
  kind: 'live',
  authKind: 'user',
  tenantId: '11111111-2222-3333-4444-555555555555',
  clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
});
const GRAPH = resourcesFor(profile).graph;

function jwt(claims: object): string {
  return `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
}

/** VS Code's `authentication` API as the Microsoft provider answers it, recording every call's options. */
class FakeAuthentication implements AuthenticationApi {
  calls: SessionRequestOptions[] = [];
  signedIn: boolean;
  private issued = 0;
  private readonly tokens = new Map<number, string>();
  /** `issuerNow`: the issuer's clock, behind ours when the local clock runs ahead. */
  constructor(
    signedIn = true,
    private readonly issuerNow: () => number = () => Date.now(),
  ) {
    this.signedIn = signedIn;
  }
  async getSession(_provider: string, _scopes: readonly string[], options: SessionRequestOptions = {}) {
    this.calls.push(options);
    if (options.createIfNone || options.forceNewSession) this.signedIn = true;
    if (!this.signedIn) return undefined;
    if (options.forceNewSession || this.issued === 0) this.issued++;
    if (!this.tokens.has(this.issued)) {
      const iat = Math.floor(this.issuerNow() / 1000);
      this.tokens.set(this.issued, jwt({ oid: 'user-1', iat, exp: iat + 3600, n: this.issued }));
    }
    return {
      id: `session-${this.issued}`,
      accessToken: this.tokens.get(this.issued) as string,
      account: { id: 'user-1', label: 'dr.morgan@contoso.com' },
      scopes: [],
    };
  }
  /** What a getSession call asked for, in short. */
  kinds(): string[] {
    return this.calls.map((c) =>
      c.forceNewSession ? 'forceNewSession' : c.createIfNone ? 'createIfNone' : c.silent ? 'silent' : 'plain',
    );
  }
  /** The provider renews its session token (as VS Code's does before expiry). */
  renew(): void {
    this.issued++;
  }
}

describe('the Microsoft account token source (VS Code provider)', () => {
  const credential: Credential = { kind: 'user' };
  const auth = (api: FakeAuthentication, clock?: Clock) =>
    new AuthService({
      secrets: new MemorySecrets(),
      log: silentLogger,
      persistTokenCache: true,
      tokenSourceFor: () => new MicrosoftAccountTokenSource(profile, api, clock),
      ...(clock ? { clock } : {}),
    });

  it('restores a session silently after a restart, with no prompt', async () => {
    const api = new FakeAuthentication(true);
    const state = await auth(api).restore(profile);
    assert.equal(state.kind, 'signedIn');
    assert.deepEqual(new Set(api.kinds()), new Set(['silent']));
  });

  it('stays signed out on restore when VS Code has no session, without asking the user', async () => {
    const api = new FakeAuthentication(false);
    const state = await auth(api).restore(profile);
    assert.equal(state.kind, 'signedOut');
    assert.deepEqual(new Set(api.kinds()), new Set(['silent']));
  });

  it('creates a session only on an explicit Sign In', async () => {
    const api = new FakeAuthentication(false);
    const service = auth(api);
    assert.equal((await service.signIn(profile, credential)).kind, 'signedIn');
    assert.ok(api.kinds().includes('createIfNone'));
    assert.ok(!api.kinds().includes('forceNewSession'));
  });

  it('refreshes early without a prompt, even when the local clock runs an hour ahead', async () => {
    const clock = { now: Date.now() + 60 * 60_000 };
    const api = new FakeAuthentication(true, () => clock.now - 60 * 60_000);
    const source = new MicrosoftAccountTokenSource(
      profile,
      api,
      clockReading(() => clock.now),
    );
    const provider = new TokenProvider(source, { clock: clockReading(() => clock.now) });
    for (let i = 0; i < 5; i++) await provider.getToken(GRAPH);
    assert.equal(api.calls.length, 1, 'a token is not treated as expired because our clock is ahead');
    clock.now += 56 * 60_000; // inside the refresh margin
    await provider.getToken(GRAPH);
    assert.deepEqual(api.kinds(), ['silent', 'silent']);
  });

  describe('after a 401', () => {
    const server = new TestServer();
    let base = '';
    let http: HttpClient;
    let refused: Set<string>;
    before(async () => {
      base = await server.start();
    });
    beforeEach(() => {
      http = new HttpClient({ logger: silentLogger });
      refused = new Set();
      server.reset((request, response) => {
        const token = String(request.headers.authorization).replace(/^Bearer /, '');
        response.writeHead(refused.has(token) ? 401 : 200).end('{}');
      });
    });
    afterEach(() => http.close());
    after(() => server.stop());

    const call = (provider: TokenProvider) =>
      sendAuthorized(http, provider, GRAPH, { service: 'graph', method: 'GET', url: `${base}/v1.0/me` });

    it('first takes a fresh silent token, and forces a new session only when that did not fix it', async () => {
      const api = new FakeAuthentication(true);
      const source = new MicrosoftAccountTokenSource(profile, api);
      const provider = new TokenProvider(source);
      const first = await provider.getToken(GRAPH);
      api.renew(); // VS Code holds a newer token than the one the service refuses
      refused.add(first);
      assert.equal((await call(provider)).status, 200);
      assert.deepEqual(api.kinds(), ['silent', 'silent'], 'a fresh silent token fixed it: no prompt');

      // Now the fresh silent token is refused too: only then a new session is forced.
      refused.add(await provider.getToken(GRAPH));
      assert.equal((await call(provider)).status, 200);
      assert.deepEqual(api.kinds(), ['silent', 'silent', 'forceNewSession']);
    });

    it('forces a new session at once when the silent answer is the very token that was refused', async () => {
      const api = new FakeAuthentication(true);
      const provider = new TokenProvider(new MicrosoftAccountTokenSource(profile, api));
      refused.add(await provider.getToken(GRAPH));
      assert.equal((await call(provider)).status, 200);
      assert.deepEqual(api.kinds(), ['silent', 'silent', 'forceNewSession']);
    });
  });
});
