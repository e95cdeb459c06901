// The Graph SDK over the HTTP layer: Client.initWithMiddleware with the SDK's AuthenticationHandler and the
// layer's terminal middleware reaches a tiny fake Graph route, carries the bearer token and client-request-id,
// retries 429 once here (not in the SDK), and queues per mailbox.
import * as assert from 'node:assert/strict';
import { AuthenticationHandler, Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { HttpClient, graphFetchMiddleware, graphMailboxOf } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer, aTestCertificate, type TestCertificate } from './testServer';

const authProvider: AuthenticationProvider = { getAccessToken: () => Promise.resolve('graph-token') };

describe('Graph client through graphFetchMiddleware', () => {
  let certificate: TestCertificate;
  let server: TestServer;
  let base = '';
  let clock: FakeClock;
  let http: HttpClient;
  let client: Client;

  // HTTPS like the sandbox: the SDK's AuthenticationHandler adds the token only to https custom hosts.
  before(async () => {
    certificate = await aTestCertificate();
    server = new TestServer(certificate);
    base = await server.start();
  });
  beforeEach(() => {
    clock = new FakeClock();
    http = new HttpClient({ logger: silentLogger, clock, trust: { ca: certificate.cert, origins: [base] } });
    client = Client.initWithMiddleware({
      middleware: [new AuthenticationHandler(authProvider), graphFetchMiddleware(http)],
      baseUrl: base,
      customHosts: new Set([new URL(base).hostname]),
    });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  function fakeGraph(): void {
    server.reset((request, response) => {
      if (request.method === 'GET' && request.url.startsWith('/v1.0/users')) {
        response.writeHead(200, { 'content-type': 'application/json', 'request-id': 'g-1' });
        response.end(JSON.stringify({ value: [{ id: 'u1', displayName: 'Ada' }] }));
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"code":"itemNotFound","message":"Not found"}}');
    });
  }

  it("answers api('/users').get() with the fake route's users, sending token and client-request-id", async () => {
    fakeGraph();
    const users = (await client.api('/users').get()) as { value: Array<{ displayName: string }> };
    assert.deepEqual(
      users.value.map((user) => user.displayName),
      ['Ada'],
    );
    const seen = server.requests[0];
    assert.equal(seen?.url, '/v1.0/users');
    assert.equal(seen?.headers.authorization, 'Bearer graph-token');
    assert.match(String(seen?.headers['client-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('lets the SDK turn a 404 into its GraphError', async () => {
    fakeGraph();
    await assert.rejects(client.api('/groups/missing').get(), (error: unknown) => {
      assert.equal((error as { statusCode?: number }).statusCode, 404);
      assert.equal((error as { code?: string }).code, 'itemNotFound');
      return true;
    });
  });

  it('retries a throttled request once per Retry-After, here and not in the SDK', async () => {
    let calls = 0;
    server.reset((request, response) => {
      if (calls++ === 0) {
        response.writeHead(429, { 'retry-after': '2.5', 'content-type': 'application/json' });
        response.end('{"error":{"code":"TooManyRequests"}}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ retryAttempt: request.headers['retry-attempt'] ?? null }));
    });
    const result = (await client.api('/users/ada@practice.test/messages').get()) as { retryAttempt: string | null };
    assert.equal(server.requests.length, 2);
    assert.deepEqual(clock.sleeps, [2500]);
    // The SDK's RetryHandler would have set Retry-Attempt; it is not in the chain.
    assert.equal(result.retryAttempt, null);
  });

  it('sends a POST body through unchanged', async () => {
    server.reset((_request, response) => {
      response.writeHead(202);
      response.end();
    });
    await client.api('/users/ada@practice.test/sendMail').post({ message: { subject: 'Hi' } });
    assert.equal(server.requests[0]?.method, 'POST');
    assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), { message: { subject: 'Hi' } });
    assert.match(String(server.requests[0]?.headers['content-type']), /application\/json/);
  });
});

describe('graphMailboxOf', () => {
  it('keys requests by the mailbox in /users/{id}/, case-insensitively', () => {
    assert.equal(
      graphMailboxOf(new URL('https://g.test/v1.0/users/Ada%40Practice.test/messages')),
      'ada@practice.test',
    );
    assert.equal(graphMailboxOf(new URL("https://g.test/v1.0/users('ada@x.test')")), undefined);
    assert.equal(graphMailboxOf(new URL('https://g.test/v1.0/me/messages')), undefined);
  });
});
