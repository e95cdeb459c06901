// msal-node's network module over the HTTP layer: the {headers, body, status} shape msal expects, retries only
// for token requests that are safe to repeat, and typed errors carried through msal's AuthError.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AuthError, ConfidentialClientApplication } from '@azure/msal-node';
import { generate } from 'selfsigned';
import { TransientError } from '../../../src/core/errors';
import { HttpClient, msalNetworkClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

describe('msalNetworkClient', () => {
  const server = new TestServer();
  let base = '';
  let http: HttpClient;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    http = new HttpClient({ logger: silentLogger, clock: new FakeClock(), random: () => 0 });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  it('answers a GET with status, lower-cased headers and the parsed JSON body', async () => {
    server.reset((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'X-MS-Request-Id': 'r-1' });
      response.end('{"token_endpoint":"https://login.test/t/oauth2/v2.0/token"}');
    });
    const network = msalNetworkClient(http);
    const result = await network.sendGetRequestAsync<{ token_endpoint: string }>(
      `${base}/tenant/v2.0/.well-known/openid-configuration`,
      { headers: { 'client-request-id': 'msal-corr' } },
    );
    assert.equal(result.status, 200);
    assert.equal(result.headers['x-ms-request-id'], 'r-1');
    assert.equal(result.body.token_endpoint, 'https://login.test/t/oauth2/v2.0/token');
    assert.equal(server.requests[0]?.headers['client-request-id'], 'msal-corr');
  });

  it('POSTs the form body and returns error answers (400) as responses, as msal expects', async () => {
    server.reset((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":"invalid_scope","error_codes":[1002012]}');
    });
    const body = 'client_id=c&scope=https%3A%2F%2Fgraph.microsoft.com&grant_type=client_credentials';
    const result = await msalNetworkClient(http).sendPostRequestAsync<{ error: string }>(
      `${base}/t/oauth2/v2.0/token`,
      {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body,
      },
    );
    assert.equal(result.status, 400);
    assert.equal(result.body.error, 'invalid_scope');
    assert.equal(server.requests[0]?.method, 'POST');
    assert.equal(server.requests[0]?.body, body);
  });

  it('retries a client-credentials token request on 503 but never an authorization-code redemption', async () => {
    let calls = 0;
    server.reset((_request, response) => {
      response.writeHead(calls++ === 0 ? 503 : 200, { 'content-type': 'application/json' });
      response.end('{"access_token":"x"}');
    });
    const network = msalNetworkClient(http);
    const token = await network.sendPostRequestAsync(`${base}/t/token`, { body: 'grant_type=client_credentials' });
    assert.equal(token.status, 200);
    assert.equal(server.requests.length, 2);

    calls = 0;
    server.reset((_request, response) => {
      response.writeHead(calls++ === 0 ? 503 : 200);
      response.end('{}');
    });
    const code = await network.sendPostRequestAsync(`${base}/t/token`, {
      body: 'grant_type=authorization_code&code=c',
    });
    assert.equal(code.status, 503);
    assert.equal(server.requests.length, 1);
  });

  it('throws an msal AuthError whose cause is the typed error', async () => {
    await assert.rejects(msalNetworkClient(http).sendGetRequestAsync('http://127.0.0.1:1/x'), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.equal(error.errorCode, 'network_error');
      assert.ok((error as { cause?: unknown }).cause instanceof TransientError);
      return true;
    });
  });
});

describe('msalNetworkClient under ConfidentialClientApplication', () => {
  let server: https.Server;
  let origin = '';
  let ca = '';
  const seen: string[] = [];

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: 'entra.sandbox.test' }], {
      keyType: 'ec',
      curve: 'P-256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    ca = pems.cert;
    server = https.createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.setHeader('content-type', 'application/json');
      if (request.url === '/tenant-1/v2.0/.well-known/openid-configuration') {
        response.end(
          JSON.stringify({
            token_endpoint: `${origin}/tenant-1/oauth2/v2.0/token`,
            authorization_endpoint: `${origin}/tenant-1/oauth2/v2.0/authorize`,
            end_session_endpoint: `${origin}/tenant-1/oauth2/v2.0/logout`,
            jwks_uri: `${origin}/tenant-1/discovery/v2.0/keys`,
            issuer: `${origin}/tenant-1/v2.0`,
          }),
        );
        return;
      }
      response.end(
        JSON.stringify({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'at-1' }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gets a client-credentials token from a sandbox authority through the layer', async () => {
    const http = new HttpClient({ logger: silentLogger, trust: { ca, origins: [origin] } });
    try {
      const app = new ConfidentialClientApplication({
        auth: {
          clientId: 'client-1',
          clientSecret: 'secret-1',
          authority: `${origin}/tenant-1`,
          knownAuthorities: [new URL(origin).host],
        },
        system: { networkClient: msalNetworkClient(http) },
      });
      const result = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
      assert.equal(result?.accessToken, 'at-1');
      // msal also puts client-request-id in the token URL's query; only the paths matter here.
      assert.deepEqual(
        seen.map((line) => line.split('?')[0]),
        ['GET /tenant-1/v2.0/.well-known/openid-configuration', 'POST /tenant-1/oauth2/v2.0/token'],
      );
    } finally {
      await http.close();
    }
  });
});
