// Which `@odata.nextLink` the client follows with its bearer token: only one on the environment's own origin
// over https, resolved against the request URL as RFC 3986 says. A link to another origin (or to plain http)
// is an error naming it, and a second server records that no Authorization header ever reached it.
import assert from 'node:assert/strict';
import type { TokenProvider } from '../../../src/core/auth';
import { DataverseClient } from '../../../src/core/dataverse';
import { ExternalServiceError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { aTestCertificate, TestServer, type SeenRequest } from '../http/testServer';

const TOKEN = 'bearer-token-that-must-stay-home';

const tokens = {
  getToken: () => Promise.resolve(TOKEN),
  invalidate: () => undefined,
} as unknown as TokenProvider;

/** The first page carries `nextLink`; any later request gets the last page. */
function pagesWith(nextLink: string) {
  return (request: SeenRequest, response: import('node:http').ServerResponse): void => {
    const first = !request.url.includes('skiptoken');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        first ? { value: [{ contactid: '1' }], '@odata.nextLink': nextLink } : { value: [{ contactid: '2' }] },
      ),
    );
  };
}

describe('DataverseClient following @odata.nextLink', () => {
  const elsewhere = new TestServer();
  let environmentServer: TestServer;
  let envUrl = '';
  let otherUrl = '';
  let trustedCa = '';
  let http: HttpClient;
  let dv: DataverseClient;

  before(async () => {
    const certificate = await aTestCertificate();
    environmentServer = new TestServer(certificate);
    envUrl = await environmentServer.start();
    otherUrl = await elsewhere.start();
    trustedCa = certificate.cert;
  });

  beforeEach(() => {
    // A client per test, so one test's failures never open the breaker for the next.
    http = new HttpClient({ logger: silentLogger, trust: { ca: trustedCa, origins: [envUrl] } });
    dv = new DataverseClient({
      http,
      tokens,
      resource: { name: 'dataverse', scope: `${envUrl}/.default` },
      baseUrl: envUrl,
      log: silentLogger,
    });
  });

  afterEach(() => http.close());

  after(async () => {
    await environmentServer.stop();
    await elsewhere.stop();
  });

  async function queryError(): Promise<unknown> {
    return dv.list('contacts').then(
      () => undefined,
      (e: unknown) => e,
    );
  }

  it('refuses a nextLink to another origin over http: an error naming it, and no token leaves', async () => {
    const foreign = `${otherUrl}/api/data/v9.2/contacts?$skiptoken=2`;
    environmentServer.reset(pagesWith(foreign));
    elsewhere.reset((_request, response) => response.end('{"value":[]}'));
    const error = await queryError();
    assert.ok(error instanceof ExternalServiceError, String(error));
    assert.ok(error.message.includes(new URL(otherUrl).origin), error.message);
    assert.equal(elsewhere.requests.length, 0, 'the other server saw no request');
    assert.ok(elsewhere.requests.every((r) => r.headers.authorization === undefined));
  });

  it('refuses a nextLink that downgrades the environment itself to plain http', async () => {
    const downgraded = envUrl.replace(/^https:/, 'http:') + '/api/data/v9.2/contacts?$skiptoken=2';
    environmentServer.reset(pagesWith(downgraded));
    const error = await queryError();
    assert.ok(error instanceof ExternalServiceError, String(error));
    assert.match(error.message, /http:\/\/127\.0\.0\.1/);
    assert.equal(environmentServer.requests.length, 1, 'only the first page was asked for');
  });

  it('refuses a nextLink to another host name, even one that reaches the same server', async () => {
    const otherHost = envUrl.replace('127.0.0.1', 'localhost') + '/api/data/v9.2/contacts?$skiptoken=2';
    environmentServer.reset(pagesWith(otherHost));
    const error = await queryError();
    assert.ok(error instanceof ExternalServiceError, String(error));
    assert.match(error.message, /https:\/\/localhost:/);
    assert.equal(environmentServer.requests.length, 1);
  });

  it('follows a root-relative nextLink on the environment without doubling the API path', async () => {
    environmentServer.reset(pagesWith('/api/data/v9.2/contacts?$skiptoken=2'));
    const rows = await dv.list('contacts');
    assert.deepEqual(
      rows.map((r) => r.contactid),
      ['1', '2'],
    );
    assert.deepEqual(
      environmentServer.requests.map((r) => r.url),
      ['/api/data/v9.2/contacts', '/api/data/v9.2/contacts?$skiptoken=2'],
    );
    assert.equal(environmentServer.requests[1].headers.authorization, `Bearer ${TOKEN}`);
  });

  it('follows a nextLink relative to the request URL, and an absolute one on the same origin', async () => {
    environmentServer.reset(pagesWith('contacts?$skiptoken=2'));
    await dv.list('contacts');
    assert.equal(environmentServer.requests[1].url, '/api/data/v9.2/contacts?$skiptoken=2');

    environmentServer.reset(pagesWith(`${envUrl}/api/data/v9.2/contacts?$skiptoken=3`));
    await dv.list('contacts');
    assert.equal(environmentServer.requests[1].url, '/api/data/v9.2/contacts?$skiptoken=3');
  });
});
