// Sign-in state rules: credentials are tested before anything is saved, sign-out removes secrets and
// cached tokens, a stored secret restores the session, and errors read as what to fix.
import { strict as assert } from 'node:assert';
import {
  actorOfState,
  analyseRoles,
  AuthService,
  parseConnectionString,
  secretKey,
  secretTargetKey,
  secretTargetOf,
  tokenCacheKey,
  translateAuthError,
  type AuthState,
  type Credential,
  type TokenSource,
} from '../../../src/core/auth';
import type { Profile } from '../../../src/core/config';
import { silentLogger } from '../../../src/core/log';
import { MemorySecrets } from '../../builders/memorySecrets';
import { aProfile } from '../../builders/profileBuilder';

const profile = aProfile().build();

function fakeJwt(claims: object): string {
  return `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
}

function service(
  secrets: MemorySecrets,
  accept: (c: Credential) => boolean,
): { auth: AuthService; states: AuthState[]; scopes: string[] } {
  const scopes: string[] = [];
  const source = (_p: Profile, credential: Credential): TokenSource => ({
    acquire: async (scope) => {
      scopes.push(scope);
      if (!accept(credential))
        throw translateAuthError(
          { errorCode: 'invalid_client', errorMessage: 'AADSTS7000215: Invalid client secret provided.' },
          { clientId: profile.clientId },
        );
      return {
        accessToken: fakeJwt({
          tid: profile.tenantId,
          appid: profile.clientId,
          roles: ['Mail.Send'],
          app_displayname: 'Practice app',
        }),
        expiresOn: new Date(Date.now() + 3_600_000),
      };
    },
  });
  const auth = new AuthService({ secrets, log: silentLogger, persistTokenCache: true, tokenSourceFor: source });
  const states: AuthState[] = [];
  auth.onDidChangeState((s) => states.push(s));
  return { auth, states, scopes };
}

const good: Credential = { kind: 'secret', clientSecret: 'right-secret-value' };
const bad: Credential = { kind: 'secret', clientSecret: 'wrong-secret-value' };
const acceptGood = (c: Credential) => c.kind === 'secret' && c.clientSecret === good.clientSecret;

describe('AuthService', () => {
  it('signs in after getting Graph and Dataverse tokens, then saves the secret', async () => {
    const secrets = new MemorySecrets();
    const { auth, states, scopes } = service(secrets, acceptGood);
    const state = await auth.signIn(profile, good);
    assert.equal(state.kind, 'signedIn');
    assert.deepEqual(scopes, ['https://graph.microsoft.com/.default', 'https://contoso.crm.dynamics.com/.default']);
    assert.deepEqual(
      states.map((s) => s.kind),
      ['signingIn', 'signedIn'],
    );
    if (state.kind === 'signedIn') {
      assert.deepEqual(state.identity.roles, ['Mail.Send']);
      assert.equal(state.identity.appName, 'Practice app');
    }
    assert.equal(secrets.map.get(secretKey('practice')), good.clientSecret);
  });

  it('saves nothing when the credentials fail, and says what to fix', async () => {
    const secrets = new MemorySecrets();
    const { auth } = service(secrets, acceptGood);
    await assert.rejects(auth.signIn(profile, bad), /Certificates & secrets.*Value \(not its Secret ID\)/);
    assert.equal(secrets.map.size, 0);
    assert.equal(auth.state.kind, 'signedOut');
    assert.throws(() => auth.tokens(), /signed out/);
  });

  it('restores a stored secret, and sign-out removes secret and token cache', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set(secretKey('practice'), good.clientSecret);
    secrets.map.set(secretTargetKey('practice'), JSON.stringify(secretTargetOf(profile)));
    secrets.map.set(tokenCacheKey('practice'), '{"AccessToken":{}}');
    const { auth } = service(secrets, acceptGood);
    assert.equal((await auth.restore(profile)).kind, 'signedIn');
    await auth.signOut('practice');
    assert.equal(auth.state.kind, 'signedOut');
    assert.equal(secrets.map.size, 0);
  });

  it('stays signed out, with the reason, when the stored secret stopped working', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set(secretKey('practice'), bad.clientSecret);
    secrets.map.set(secretTargetKey('practice'), JSON.stringify(secretTargetOf(profile)));
    const { auth } = service(secrets, acceptGood);
    const state = await auth.restore(profile);
    assert.equal(state.kind, 'signedOut');
    assert.match(state.kind === 'signedOut' ? (state.reason ?? '') : '', /client secret is not valid/);
  });

  it('reports a failing refresh and its recovery', async () => {
    const { auth } = service(new MemorySecrets(), acceptGood);
    await auth.signIn(profile, good);
    auth.reportRefresh({ ok: false, message: 'network down' });
    assert.equal(auth.state.kind, 'refreshFailing');
    auth.reportRefresh({ ok: true });
    assert.equal(auth.state.kind, 'signedIn');
  });
});

describe('Entra error translation', () => {
  const ctx = { tenantId: 'tenant-x', clientId: 'client-y', resource: 'https://contoso.crm.dynamics.com' };
  const cases: Array<[string, RegExp]> = [
    ['AADSTS7000215: Invalid client secret provided.', /copy the secret's Value/],
    ['AADSTS7000222: The provided client secret keys are expired.', /has expired.*Create a new secret/],
    [
      "AADSTS700016: Application with identifier 'client-y' was not found",
      /No application with client id client-y exists in tenant tenant-x/,
    ],
    ["AADSTS90002: Tenant 'tenant-x' not found.", /Tenant tenant-x was not found/],
    [
      'AADSTS65001: The user or administrator has not consented',
      /Admin consent is missing.*adminconsent\?client_id=client-y/,
    ],
  ];
  for (const [message, expected] of cases) {
    it(`explains ${message.slice(0, 15)}`, () => {
      const error = translateAuthError({ errorCode: 'invalid_client', errorMessage: message }, ctx);
      assert.equal(error.errorClass, 'authentication');
      assert.match(error.message, expected);
      assert.equal(error.code, `auth.${message.slice(0, message.indexOf(':'))}`);
    });
  }
  it('keeps msal’s "Not Available" boilerplate out of an OAuth error without an AADSTS code', () => {
    const error = translateAuthError(
      {
        errorCode: 'invalid_request',
        errorMessage:
          'Error(s): Not Available - Timestamp: Not Available - Description: The request body must contain grant_type. - Correlation ID: Not Available - Trace ID: Not Available',
      },
      ctx,
    );
    assert.doesNotMatch(error.message, /Not Available|Error\(s\)|Timestamp/);
    assert.match(error.message, /The request body must contain grant_type\. \(invalid_request\)/);
  });
  it('gives sandbox advice for an AADSTS code it has no special text for', () => {
    const error = translateAuthError(
      { errorCode: 'invalid_request', errorMessage: 'AADSTS50196: The server terminated an operation.' },
      { ...ctx, sandbox: true },
    );
    assert.doesNotMatch(error.message, /admin center|entra\.microsoft\.com/);
    assert.match(error.message, /sandbox.*AADSTS50196.*lc sandbox --json/);
  });
  it('treats network failures as transient', () => {
    assert.equal(
      translateAuthError({ errorCode: 'network_error', message: 'ECONNREFUSED' }, ctx).errorClass,
      'transient',
    );
  });
});

describe('connection strings and roles', () => {
  it('parses the client-secret form', () => {
    const parsed = parseConnectionString(
      'AuthType=ClientSecret; Url=https://contoso.crm.dynamics.com/; ClientId=abc; ClientSecret="s;ecret"'.replace(
        '"s;ecret"',
        'sec=ret',
      ),
    );
    assert.equal(parsed.url, 'https://contoso.crm.dynamics.com');
    assert.equal(parsed.clientId, 'abc');
    assert.deepEqual(parsed.credential, { kind: 'secret', clientSecret: 'sec=ret' });
  });
  it('parses the certificate form and rejects an unknown AuthType', () => {
    const parsed = parseConnectionString(
      'AuthType=Certificate;Url=https://x.crm.dynamics.com;AppId=abc;Thumbprint=ABCDEF',
    );
    assert.deepEqual(parsed.credential, { kind: 'certificate', thumbprint: 'ABCDEF', certificateFile: undefined });
    assert.throws(
      () => parseConnectionString('AuthType=OAuth;Url=https://x.crm.dynamics.com;ClientId=a'),
      /AuthType=OAuth is not supported/,
    );
  });
  it('names what each missing role disables and flags broader roles', () => {
    const report = analyseRoles(['Mail.Send', 'Mail.ReadWrite', 'Directory.Read.All']);
    assert.deepEqual(
      report.missing.map((m) => m.role),
      ['Calendars.Read'],
    );
    assert.deepEqual(
      report.broader.map((b) => b.role),
      ['Directory.Read.All'],
    );
  });
});

describe('actorOfState: who an effect is audited as', () => {
  const identity = { tenantId: 't', clientId: 'app-id', roles: [] };
  it('is the signed-in user, the app when signed in as an app, and the profile’s app before any sign-in finished', () => {
    const user = { ...identity, userName: 'dr.morgan@contoso.test' };
    assert.equal(
      actorOfState({ kind: 'signedIn', profile: 'p', profileKind: 'live', identity: user }, { clientId: 'x' }),
      'dr.morgan@contoso.test',
    );
    assert.equal(
      actorOfState({ kind: 'signedIn', profile: 'p', profileKind: 'live', identity }, { clientId: 'x' }),
      'app app-id',
    );
    assert.equal(actorOfState({ kind: 'signingIn', profile: 'p' }, { clientId: 'profile-app' }), 'app profile-app');
  });
});
