// The sandbox's Entra ID without a socket: the token endpoint's answers (success and each AADSTS
// error with its status and shape), the metadata documents, client assertions, and the TokenVerifier
// every other service relies on.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { createSandboxCertificates, type SandboxCertificates } from '../../../src/sandbox/certs';
import { createEntraService, createTokenVerifier, type EntraService } from '../../../src/sandbox/entra';
import { signJwt } from '../../../src/sandbox/entra/jwt';
import { createPrng } from '../../../src/sandbox/prng';
import { generatePractice } from '../../../src/sandbox/seed';
import { sandboxUrls } from '../../../src/sandbox';
import type { PracticeSeed, SandboxRequest, SandboxResponse, TokenVerifier } from '../../../src/sandbox/types';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const urls = sandboxUrls(4443);
const GRAPH = 'https://graph.microsoft.com/.default';

type Json = Record<string, unknown>;

describe('sandbox Entra ID', function () {
  this.timeout(10_000);
  let certs: SandboxCertificates;
  let practice: PracticeSeed;
  let entra: EntraService;
  let verifier: TokenVerifier;
  let clock = NOW;

  before(async () => {
    certs = await createSandboxCertificates();
    practice = generatePractice({ seed: 'entra-unit', now: NOW, clients: 3 });
    verifier = createTokenVerifier({
      signingCertPem: certs.signing.cert,
      kid: certs.signing.kid,
      clock: { now: () => clock },
      homeTenantId: () => practice.tenantId,
    });
    entra = createEntraService(
      {
        urls,
        tokens: verifier,
        clock: { now: () => clock },
        prng: createPrng('entra'),
        outbound: () => Promise.reject(new Error('no outbound in unit tests')),
      },
      { signing: certs.signing, appCertificatePem: certs.client.cert },
    );
    entra.load(practice);
  });
  after(() => certs.remove());
  beforeEach(() => {
    clock = NOW;
  });

  let counter = 0;
  function send(
    method: string,
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<SandboxResponse | undefined> {
    const request: SandboxRequest = {
      method,
      url: new URL(`${urls.origin}${path}`),
      path: path.split('?')[0] as string,
      headers,
      body: Buffer.from(form ? new URLSearchParams(form).toString() : ''),
      requestId: `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    };
    return entra.handle(request);
  }
  const token = (
    form: Record<string, string>,
    tenant = practice.tenantId,
    headers?: Record<string, string>,
  ): Promise<SandboxResponse | undefined> =>
    send('POST', `/${tenant}/oauth2/v2.0/token`, { grant_type: 'client_credentials', ...form }, headers);
  const secretForm = (scope = GRAPH): Record<string, string> => ({
    client_id: practice.app.clientId,
    client_secret: practice.app.clientSecret,
    scope,
  });
  const claimsOf = (jwt: string): Json =>
    JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8')) as Json;

  function assertAadError(response: SandboxResponse | undefined, status: number, error: string, code: number): void {
    assert.ok(response);
    assert.equal(response.status, status);
    const body = response.body as Json;
    assert.equal(body.error, error);
    assert.deepEqual(body.error_codes, [code]);
    assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.match(
      String(body.error_description),
      new RegExp(
        `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
        's',
      ),
    );
    assert.equal(body.error_uri, `https://login.microsoftonline.com/error?code=${code}`);
  }

  describe('token endpoint', () => {
    it('issues a Graph token by client secret with numeric lifetimes and the app roles', async () => {
      const response = await token(secretForm());
      assert.equal(response?.status, 200);
      const body = response?.body as Json;
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 3599);
      assert.equal(body.ext_expires_in, 3599);
      assert.equal(body.refresh_token, undefined);
      const claims = claimsOf(String(body.access_token));
      assert.equal(claims.aud, 'https://graph.microsoft.com');
      assert.equal(claims.iss, `https://sts.windows.net/${practice.tenantId}/`);
      assert.equal(claims.tid, practice.tenantId);
      assert.equal(claims.appid, practice.app.clientId);
      assert.equal(claims.appidacr, '1');
      assert.equal(claims.idtyp, 'app');
      assert.equal(claims.oid, claims.sub);
      assert.deepEqual(claims.roles, practice.app.graphRoles);
      assert.equal(Number(claims.exp) - Number(claims.iat), 3599);
    });

    it('accepts the secret in HTTP Basic and gives Dataverse tokens without roles', async () => {
      const basic = Buffer.from(`${practice.app.clientId}:${encodeURIComponent(practice.app.clientSecret)}`).toString(
        'base64',
      );
      const response = await token({ scope: `${urls.dataverseUrl}//.default` }, practice.tenantId, {
        authorization: `Basic ${basic}`,
      });
      assert.equal(response?.status, 200);
      const claims = claimsOf(String((response?.body as Json).access_token));
      assert.equal(claims.aud, urls.dataverseUrl);
      assert.equal(claims.roles, undefined);
    });

    it('answers a wrong secret with 401 invalid_client AADSTS7000215', async () => {
      assertAadError(await token({ ...secretForm(), client_secret: 'nope' }), 401, 'invalid_client', 7000215);
    });

    it('answers an expired secret with 401 invalid_client AADSTS7000222', async () => {
      const expired = entra.directory().apps.find((a) => a.displayName.includes('expired'));
      assert.ok(expired);
      const response = await token({
        client_id: expired.clientId,
        client_secret: expired.secrets[0]?.value ?? '',
        scope: GRAPH,
      });
      assertAadError(response, 401, 'invalid_client', 7000222);
    });

    it('answers a missing credential with 401 invalid_client AADSTS7000218', async () => {
      assertAadError(await token({ client_id: practice.app.clientId, scope: GRAPH }), 401, 'invalid_client', 7000218);
    });

    it('answers an unknown client, or the app in the other tenant, with 400 unauthorized_client AADSTS700016', async () => {
      assertAadError(
        await token({ ...secretForm(), client_id: '11111111-2222-4333-8444-555555555555' }),
        400,
        'unauthorized_client',
        700016,
      );
      const otherTenant = entra.directory().tenants[1];
      assert.ok(otherTenant);
      assertAadError(await token(secretForm(), otherTenant.tenantId), 400, 'unauthorized_client', 700016);
    });

    it('answers an unknown tenant with 400 invalid_request AADSTS90002', async () => {
      assertAadError(await token(secretForm(), '99999999-9999-4999-8999-999999999999'), 400, 'invalid_request', 90002);
    });

    it('answers a scope without /.default with 400 invalid_scope AADSTS1002012', async () => {
      assertAadError(await token(secretForm('https://graph.microsoft.com/Mail.Send')), 400, 'invalid_scope', 1002012);
    });

    it('answers an unknown resource with 400 invalid_resource AADSTS500011 and two resources with AADSTS70011', async () => {
      assertAadError(
        await token(secretForm('https://example.crm.dynamics.com/.default')),
        400,
        'invalid_resource',
        500011,
      );
      assertAadError(await token(secretForm(`${GRAPH} ${urls.dataverseUrl}/.default`)), 400, 'invalid_scope', 70011);
    });

    it('echoes client-request-id as the correlation id and counts every token request', async () => {
      const before = entra.tokenRequestCount();
      const response = await token({ ...secretForm(), client_secret: 'x' }, practice.tenantId, {
        'client-request-id': 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      });
      assert.equal((response?.body as Json).correlation_id, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
      assert.equal(entra.tokenRequestCount(), before + 1);
    });

    it('refuses GET on the token endpoint', async () => {
      assertAadError(await send('GET', `/${practice.tenantId}/oauth2/v2.0/token`), 400, 'invalid_request', 900561);
    });
  });

  describe('client assertions (private_key_jwt)', () => {
    const tokenEndpoint = (): string => `${urls.authorityHost}/${practice.tenantId}/oauth2/v2.0/token`;
    const assertion = (overrides: Json = {}, header: Json = {}, key = certs.client.key): string => {
      const iat = Math.floor(clock / 1000);
      return signJwt(
        { alg: 'RS256', typ: 'JWT', x5t: Buffer.from(certs.client.thumbprint, 'hex').toString('base64url'), ...header },
        {
          aud: tokenEndpoint(),
          iss: practice.app.clientId,
          sub: practice.app.clientId,
          iat,
          nbf: iat,
          exp: iat + 600,
          jti: 'j',
          ...overrides,
        },
        key,
      );
    };
    const assertionForm = (jwt: string): Record<string, string> => ({
      client_id: practice.app.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
      scope: GRAPH,
    });

    it('issues a token with appidacr "2" for a valid assertion', async () => {
      const response = await token(assertionForm(assertion()));
      assert.equal(response?.status, 200);
      assert.equal(claimsOf(String((response?.body as Json).access_token)).appidacr, '2');
    });

    it('rejects an unregistered key (700027), a wrong subject (700021), a wrong audience (700023) and an expired assertion (700024)', async () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      assertAadError(await token(assertionForm(assertion({}, {}, stranger))), 401, 'invalid_client', 700027);
      assertAadError(
        await token(assertionForm(assertion({}, { x5t: Buffer.alloc(20, 1).toString('base64url') }))),
        401,
        'invalid_client',
        700027,
      );
      assertAadError(await token(assertionForm(assertion({ sub: 'someone-else' }))), 401, 'invalid_client', 700021);
      assertAadError(
        await token(assertionForm(assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }))),
        401,
        'invalid_client',
        700023,
      );
      assertAadError(
        await token(assertionForm(assertion({ exp: Math.floor(clock / 1000) - 3600 }))),
        401,
        'invalid_client',
        700024,
      );
    });
  });

  describe('metadata', () => {
    it('serves the tenant openid-configuration with every field msal needs and the tenant GUID', async () => {
      const response = await send('GET', `/${practice.tenantId}/v2.0/.well-known/openid-configuration`);
      assert.equal(response?.status, 200);
      const doc = response?.body as Json;
      for (const field of ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri', 'end_session_endpoint'])
        assert.equal(typeof doc[field], 'string', field);
      assert.equal(doc.token_endpoint, `${urls.origin}/${practice.tenantId}/oauth2/v2.0/token`);
      assert.equal(doc.issuer, `${urls.origin}/${practice.tenantId}/v2.0`);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ]);
    });

    it('resolves a verified domain to the tenant GUID and answers an unknown tenant with invalid_tenant', async () => {
      const byDomain = await send('GET', '/contosopractice.onmicrosoft.com/v2.0/.well-known/openid-configuration');
      assert.equal((byDomain?.body as Json).token_endpoint, `${urls.origin}/${practice.tenantId}/oauth2/v2.0/token`);
      assertAadError(
        await send('GET', '/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration'),
        400,
        'invalid_tenant',
        90002,
      );
    });

    it('serves instance discovery and the signing key set', async () => {
      const discovery = await send(
        'GET',
        `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${urls.origin}/${practice.tenantId}/oauth2/v2.0/authorize`)}`,
      );
      assert.equal(
        (discovery?.body as Json).tenant_discovery_endpoint,
        `${urls.origin}/${practice.tenantId}/v2.0/.well-known/openid-configuration`,
      );
      const keys = (await send('GET', `/${practice.tenantId}/discovery/v2.0/keys`))?.body as { keys: Json[] };
      assert.equal(keys.keys[0]?.kid, certs.signing.kid);
      assert.equal(keys.keys[0]?.kty, 'RSA');
    });
  });

  describe('TokenVerifier', () => {
    const graph = 'https://graph.microsoft.com';
    it('accepts a fresh token for its audience', async () => {
      const check = await verifier.verify(
        `Bearer ${entra.mintToken({ audience: graph, roles: ['Mail.Send'] })}`,
        graph,
      );
      assert.ok(check.ok);
      assert.deepEqual(check.claims.roles, ['Mail.Send']);
    });

    const reasonOf = async (header: string | undefined, audience = graph): Promise<string> => {
      const check = await verifier.verify(header, audience);
      return check.ok ? 'ok' : check.reason;
    };

    it('reports a missing header', async () => assert.equal(await reasonOf(undefined), 'missing'));
    it('reports a malformed header or token', async () => {
      assert.equal(await reasonOf('Basic abc'), 'malformed');
      assert.equal(await reasonOf('Bearer not-a-jwt'), 'malformed');
    });
    it('reports a bad signature (tampered payload or a foreign key)', async () => {
      const [h, , s] = entra.mintToken({ audience: graph }).split('.');
      const forged = Buffer.from(JSON.stringify({ aud: graph, tid: practice.tenantId })).toString('base64url');
      assert.equal(await reasonOf(`Bearer ${h}.${forged}.${s}`), 'signature');
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      assert.equal(
        await reasonOf(`Bearer ${signJwt({ alg: 'RS256', kid: certs.signing.kid }, { aud: graph }, stranger)}`),
        'signature',
      );
    });
    it('reports an expired token by the sandbox clock', async () => {
      const jwt = entra.mintToken({ audience: graph, lifetimeSeconds: 60 });
      assert.equal(await reasonOf(`Bearer ${jwt}`), 'ok');
      clock += 61_000;
      assert.equal(await reasonOf(`Bearer ${jwt}`), 'expired');
    });
    it('reports the wrong audience', async () =>
      assert.equal(await reasonOf(`Bearer ${entra.mintToken({ audience: urls.dataverseUrl })}`), 'audience'));
    it('reports a token from another tenant', async () => {
      const other = entra.directory().apps.find((a) => a.tenantId !== practice.tenantId);
      assert.equal(
        await reasonOf(`Bearer ${entra.mintToken({ audience: graph, clientId: other?.clientId })}`),
        'tenant',
      );
    });
  });
});
