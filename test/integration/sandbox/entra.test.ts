// The real @azure/msal-node ConfidentialClientApplication against the sandbox's Entra ID: secret and
// certificate flows for Graph and Dataverse, the errors msal surfaces for each bad credential, tenant
// and scope, token caching, and short token lifetimes.
import { ConfidentialClientApplication, ServerError, type Configuration } from '@azure/msal-node';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { thumbprintsOf } from '../../../src/sandbox/certs';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { sandboxNetworkModule } from './entraNetwork';

type Claims = Record<string, unknown>;
const claimsOf = (jwt: string): Claims =>
  JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8')) as Claims;

describe('msal-node against the sandbox Entra ID', function () {
  this.timeout(30_000);
  let sandbox: RunningSandbox;
  let short: RunningSandbox;
  let ca: string;

  before(async () => {
    sandbox = await startSandbox({ seed: 'msal-integration', clients: 5 });
    short = await startSandbox({ seed: 'msal-short', clients: 1, tokenLifetimeSeconds: 120 });
    ca = readFileSync(sandbox.info.caFile, 'utf8');
  });
  after(async () => {
    await sandbox?.stop();
    await short?.stop();
  });

  function app(auth: Partial<Configuration['auth']>, target = sandbox): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
      auth: {
        clientId: target.info.clientId,
        authority: target.info.authority,
        knownAuthorities: [target.info.knownAuthority],
        ...auth,
      },
      system: { networkClient: sandboxNetworkModule(readFileSync(target.info.caFile, 'utf8')) },
    });
  }

  async function failureOf(client: ConfidentialClientApplication, scope: string): Promise<ServerError> {
    try {
      await client.acquireTokenByClientCredential({ scopes: [scope] });
    } catch (error) {
      assert.ok(error instanceof ServerError, `expected a ServerError, got ${String(error)}`);
      return error;
    }
    assert.fail('the token request should have failed');
  }

  it('gets a Graph token by secret with the tenant, app and roles', async () => {
    const result = await app({ clientSecret: sandbox.info.clientSecret }).acquireTokenByClientCredential({
      scopes: [sandbox.info.graphScope],
    });
    assert.ok(result);
    const claims = claimsOf(result.accessToken);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.equal(claims.tid, sandbox.info.tenantId);
    assert.equal(claims.appid, sandbox.info.clientId);
    assert.equal(claims.appidacr, '1');
    assert.deepEqual(claims.roles, sandbox.practice.app.graphRoles);
    assert.equal(
      ((await sandbox.inspect().services) as Record<string, { tokenRequests: number }>).entra?.tokenRequests,
      sandbox.tokenRequestCount(),
    );
  });

  it('gets a Dataverse token by secret, without roles', async () => {
    const result = await app({ clientSecret: sandbox.info.clientSecret }).acquireTokenByClientCredential({
      scopes: [`${sandbox.info.dataverseUrl}/.default`],
    });
    const claims = claimsOf(result?.accessToken ?? '');
    assert.equal(claims.aud, sandbox.info.dataverseUrl);
    assert.equal(claims.roles, undefined);
  });

  it('gets tokens by certificate, with the SHA-1 thumbprint (RS256) and the SHA-256 one (PS256)', async () => {
    const privateKey = readFileSync(sandbox.info.certificate.privateKeyFile, 'utf8');
    const bySha1 = await app({
      clientCertificate: { thumbprint: sandbox.info.certificate.thumbprint, privateKey },
    }).acquireTokenByClientCredential({
      scopes: [sandbox.info.graphScope],
    });
    assert.equal(claimsOf(bySha1?.accessToken ?? '').appidacr, '2');
    const { thumbprintSha256 } = thumbprintsOf(readFileSync(sandbox.info.certificate.certificateFile, 'utf8'));
    const bySha256 = await app({ clientCertificate: { thumbprintSha256, privateKey } }).acquireTokenByClientCredential({
      scopes: [`${sandbox.info.dataverseUrl}/.default`],
    });
    assert.equal(claimsOf(bySha256?.accessToken ?? '').appidacr, '2');
  });

  it('makes exactly one token request for repeated calls (msal caches the token)', async () => {
    const client = app({ clientSecret: sandbox.info.clientSecret });
    const before = sandbox.tokenRequestCount();
    const first = await client.acquireTokenByClientCredential({ scopes: [sandbox.info.graphScope] });
    const second = await client.acquireTokenByClientCredential({ scopes: [sandbox.info.graphScope] });
    assert.equal(second?.accessToken, first?.accessToken);
    assert.equal(sandbox.tokenRequestCount() - before, 1);
  });

  it('surfaces a wrong secret as invalid_client 7000215', async () => {
    const error = await failureOf(app({ clientSecret: 'wrong' }), sandbox.info.graphScope);
    assert.equal(error.errorCode, 'invalid_client');
    assert.match(error.errorMessage, /AADSTS7000215/);
  });

  it('surfaces an expired secret as invalid_client 7000222', async () => {
    const expired = (
      sandbox.inspect().services as Record<
        string,
        { directory: { apps: Array<{ clientId: string; displayName: string; secrets: Array<{ value: string }> }> } }
      >
    ).entra?.directory.apps.find((a) => a.displayName.includes('expired'));
    assert.ok(expired);
    const error = await failureOf(
      app({ clientId: expired.clientId, clientSecret: expired.secrets[0]?.value }),
      sandbox.info.graphScope,
    );
    assert.equal(error.errorCode, 'invalid_client');
    assert.match(error.errorMessage, /AADSTS7000222/);
  });

  it('surfaces an unknown client as unauthorized_client 700016', async () => {
    const error = await failureOf(
      app({ clientId: '0b7c8a4e-1f2d-4e3a-9b8c-7d6e5f4a3b2c', clientSecret: 'x' }),
      sandbox.info.graphScope,
    );
    assert.equal(error.errorCode, 'unauthorized_client');
    assert.match(error.errorMessage, /AADSTS700016/);
  });

  it('fails an unknown tenant at discovery, and at the token endpoint with invalid_request 90002 when metadata is given', async () => {
    const tenant = '5b1a3c2d-0000-4000-8000-000000000000';
    const authority = `${sandbox.urls.authorityHost}/${tenant}`;
    // The discovery document answers invalid_tenant, which msal-node 7 reports as endpoints_resolution_error.
    const discovering = app({ clientSecret: sandbox.info.clientSecret, authority });
    await assert.rejects(
      discovering.acquireTokenByClientCredential({ scopes: [sandbox.info.graphScope] }),
      (e: { errorCode?: string }) => e.errorCode === 'endpoints_resolution_error',
    );
    // With metadata supplied (as msal has built in for login.microsoftonline.com) the token endpoint answers.
    const base = `${sandbox.urls.authorityHost}/${tenant}`;
    const authorityMetadata = JSON.stringify({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
    });
    const error = await failureOf(
      app({ clientSecret: sandbox.info.clientSecret, authority, authorityMetadata }),
      sandbox.info.graphScope,
    );
    assert.equal(error.errorCode, 'invalid_request');
    assert.match(error.errorMessage, /AADSTS90002/);
  });

  it('surfaces a scope without /.default as invalid_scope 1002012', async () => {
    const error = await failureOf(
      app({ clientSecret: sandbox.info.clientSecret }),
      'https://graph.microsoft.com/Mail.Send',
    );
    assert.equal(error.errorCode, 'invalid_scope');
    assert.match(error.errorMessage, /AADSTS1002012/);
  });

  it('honours a short token lifetime: msal sees it and asks again once inside its refresh margin', async () => {
    const client = app({ clientSecret: short.info.clientSecret }, short);
    const before = short.tokenRequestCount();
    const result = await client.acquireTokenByClientCredential({ scopes: [short.info.graphScope] });
    assert.ok(result?.expiresOn);
    const seconds = (result.expiresOn.getTime() - Date.now()) / 1000;
    assert.ok(seconds > 60 && seconds <= 121, `expires in ${seconds}s`);
    // msal-node renews tokens within 300 s of expiry, so a 120 s token is fetched again.
    await client.acquireTokenByClientCredential({ scopes: [short.info.graphScope] });
    assert.equal(short.tokenRequestCount() - before, 2);
    assert.ok(ca.length > 0);
  });
});
