// The sandbox's device-code flow without a socket: the devicecode endpoint's answer, each state the
// token endpoint reports while polling (pending, approved, declined, expired, already redeemed),
// the delegated token's claims, the refresh-token grant, and the discovery document advertising it.
import { strict as assert } from 'node:assert';
import { createSandboxCertificates, type SandboxCertificates } from '../../../src/sandbox/certs';
import { createEntraService, createTokenVerifier, type EntraService } from '../../../src/sandbox/entra';
import { decodeJwt } from '../../../src/sandbox/entra/jwt';
import { createPrng } from '../../../src/sandbox/prng';
import { generatePractice } from '../../../src/sandbox/seed';
import { sandboxUrls } from '../../../src/sandbox';
import type { PracticeSeed, SandboxRequest, SandboxResponse, TokenVerifier } from '../../../src/sandbox/types';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const urls = sandboxUrls(4443);
const GRAPH = 'https://graph.microsoft.com/.default openid profile offline_access';

type Json = Record<string, unknown>;

describe('sandbox Entra ID device-code flow', function () {
  let certs: SandboxCertificates;
  let practice: PracticeSeed;
  let entra: EntraService;
  let verifier: TokenVerifier;
  let clock = NOW;
  let counter = 0;

  before(async () => {
    certs = await createSandboxCertificates();
    practice = generatePractice({ seed: 'entra-device-unit', now: NOW, clients: 3 });
    const ctxClock = { now: () => clock };
    verifier = createTokenVerifier({
      signingCertPem: certs.signing.cert,
      kid: certs.signing.kid,
      clock: ctxClock,
      homeTenantId: () => practice.tenantId,
    });
    entra = createEntraService(
      {
        urls,
        tokens: verifier,
        clock: ctxClock,
        prng: createPrng('entra-device'),
        outbound: () => Promise.reject(new Error('no outbound in unit tests')),
      },
      { signing: certs.signing, appCertificatePem: certs.client.cert, deviceCodeIntervalSeconds: 1 },
    );
    entra.load(practice);
  });
  after(() => certs.remove());
  beforeEach(() => {
    clock = NOW;
  });

  async function post(path: string, form: Record<string, string>): Promise<{ status: number; body: Json }> {
    const request: SandboxRequest = {
      method: 'POST',
      url: new URL(`${urls.origin}${path}`),
      path,
      headers: {},
      body: Buffer.from(new URLSearchParams(form).toString()),
      requestId: `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    };
    const response = (await entra.handle(request)) as SandboxResponse;
    return { status: response.status, body: response.body as Json };
  }
  const start = (form: Record<string, string> = {}) =>
    post(`/${practice.tenantId}/oauth2/v2.0/devicecode`, { client_id: practice.app.clientId, scope: GRAPH, ...form });
  const poll = (deviceCode: string, grant = 'device_code') =>
    post(`/${practice.tenantId}/oauth2/v2.0/token`, {
      grant_type: grant,
      client_id: practice.app.clientId,
      device_code: deviceCode,
      scope: GRAPH,
    });

  it('hands out a device code, user code, verification URI, lifetime, interval and message', async () => {
    const { status, body } = await start();
    assert.equal(status, 200);
    assert.match(String(body.user_code), /^[A-Z0-9]{8}$/);
    assert.ok(String(body.device_code).length > 20);
    assert.equal(body.verification_uri, `${urls.origin}/_sandbox/devicelogin`);
    assert.equal(body.expires_in, 900);
    assert.equal(body.interval, 1);
    assert.match(String(body.message), new RegExp(`enter the code ${String(body.user_code)} to authenticate`));
  });

  it('refuses an unknown client and a missing scope with AADSTS errors', async () => {
    const unknown = await start({ client_id: '11111111-2222-3333-4444-555555555555' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'unauthorized_client');
    assert.deepEqual(unknown.body.error_codes, [700016]);
    const noScope = await start({ scope: '' });
    assert.equal(noScope.status, 400);
    assert.deepEqual(noScope.body.error_codes, [900144]);
  });

  it('answers authorization_pending until approved, then a delegated token for the practitioner, once', async () => {
    const { body } = await start();
    const deviceCode = String(body.device_code);
    const pending = await poll(deviceCode);
    assert.equal(pending.status, 400);
    assert.equal(pending.body.error, 'authorization_pending');
    assert.deepEqual(pending.body.error_codes, [70016]);
    assert.match(String(pending.body.error_description), /^AADSTS70016: /);

    assert.equal(entra.settleDeviceCode(String(body.user_code).toLowerCase(), 'approved'), true);
    const granted = await poll(deviceCode, 'urn:ietf:params:oauth:grant-type:device_code');
    assert.equal(granted.status, 200);
    const access = decodeJwt(String(granted.body.access_token));
    assert.ok(access);
    assert.equal(access.payload.oid, practice.practitioner.userId.toLowerCase());
    assert.equal(access.payload.upn, practice.practitioner.mail);
    assert.match(String(access.payload.scp), /\bMail\.Send\b/);
    assert.equal(access.payload.idtyp, undefined);
    assert.equal(access.payload.roles, undefined);
    const check = await verifier.verify(`Bearer ${String(granted.body.access_token)}`, 'https://graph.microsoft.com');
    assert.equal(check.ok, true);

    const id = decodeJwt(String(granted.body.id_token));
    assert.equal(id?.payload.aud, practice.app.clientId);
    assert.equal(id?.payload.iss, `${urls.authorityHost}/${practice.tenantId}/v2.0`);
    assert.equal(id?.payload.preferred_username, practice.practitioner.mail);
    const clientInfo = JSON.parse(Buffer.from(String(granted.body.client_info), 'base64url').toString()) as Json;
    assert.deepEqual(clientInfo, { uid: practice.practitioner.userId.toLowerCase(), utid: practice.tenantId });
    assert.equal(typeof granted.body.refresh_token, 'string');

    const again = await poll(deviceCode);
    assert.equal(again.body.error, 'bad_verification_code');
  });

  it('answers authorization_declined for a refused code and expired_token after 15 minutes', async () => {
    const declined = await start();
    assert.equal(entra.settleDeviceCode(String(declined.body.user_code), 'declined'), true);
    const refused = await poll(String(declined.body.device_code));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'authorization_declined');

    const late = await start();
    clock = NOW + 901_000;
    const expired = await poll(String(late.body.device_code));
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, 'expired_token');
    assert.deepEqual(expired.body.error_codes, [70020]);
    assert.equal(
      entra.settleDeviceCode(String(late.body.user_code), 'approved'),
      false,
      'an expired code cannot be approved',
    );
  });

  it('renews with the refresh token for another resource (Dataverse) and refuses an unknown one', async () => {
    const { body } = await start();
    entra.settleDeviceCode(String(body.user_code), 'approved');
    const granted = await poll(String(body.device_code));
    const refreshed = await post(`/${practice.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: practice.app.clientId,
      refresh_token: String(granted.body.refresh_token),
      scope: `${urls.dataverseUrl}/.default openid profile offline_access`,
    });
    assert.equal(refreshed.status, 200);
    const access = decodeJwt(String(refreshed.body.access_token));
    assert.equal(access?.payload.aud, urls.dataverseUrl);
    assert.equal(access?.payload.scp, 'user_impersonation');
    const bad = await post(`/${practice.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: practice.app.clientId,
      refresh_token: 'not-a-refresh-token',
      scope: GRAPH,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_grant');
  });

  it('with autoApproveDeviceCodes, a fresh code redeems on the first poll', async () => {
    const auto = createEntraService(
      {
        urls,
        tokens: verifier,
        clock: { now: () => clock },
        prng: createPrng('entra-device-auto'),
        outbound: () => Promise.reject(new Error('no outbound in unit tests')),
      },
      { signing: certs.signing, appCertificatePem: certs.client.cert, autoApproveDeviceCodes: true },
    );
    auto.load(practice);
    const previous = entra;
    entra = auto;
    try {
      const { body } = await start();
      assert.equal(body.interval, 5, "Entra's default poll interval");
      const granted = await poll(String(body.device_code));
      assert.equal(granted.status, 200);
    } finally {
      entra = previous;
    }
  });

  it('advertises the device authorization endpoint in the openid-configuration', async () => {
    const request: SandboxRequest = {
      method: 'GET',
      url: new URL(`${urls.origin}/${practice.tenantId}/v2.0/.well-known/openid-configuration`),
      path: `/${practice.tenantId}/v2.0/.well-known/openid-configuration`,
      headers: {},
      body: Buffer.alloc(0),
      requestId: 'openid',
    };
    const response = (await entra.handle(request)) as SandboxResponse;
    assert.equal(
      (response.body as Json).device_authorization_endpoint,
      `${urls.authorityHost}/${practice.tenantId}/oauth2/v2.0/devicecode`,
    );
  });
});
