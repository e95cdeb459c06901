// A 2xx body that is not JSON fails the same way however it is read (requestJson, response.json(), msal's
// network module): one typed http.invalidJson error naming the status, never a bare SyntaxError.
import * as assert from 'node:assert/strict';
import { ExternalServiceError } from '../../../src/core/errors';
import { HttpClient, msalNetworkClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

describe('JSON bodies', () => {
  const server = new TestServer();
  let base = '';
  let http: HttpClient;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    http = new HttpClient({ logger: silentLogger, clock: new FakeClock(), random: () => 0 });
    server.reset((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>gateway</html>');
    });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  const invalidJson = (who: RegExp) => (e: unknown) =>
    e instanceof ExternalServiceError &&
    e.code === 'http.invalidJson' &&
    who.test(e.message) &&
    / answered 200 with a body that is not JSON/.test(e.message) &&
    e.detail?.contentType === 'text/html';

  it('fails as http.invalidJson from requestJson and from response.json()', async () => {
    await assert.rejects(
      http.requestJson({ service: 'graph', method: 'GET', url: `${base}/v1.0/me` }),
      invalidJson(/^The service/),
    );
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/v1.0/users` });
    await assert.rejects(response.json(), invalidJson(/^The service/));
  });

  it('fails as http.invalidJson naming Entra ID from msal’s network module', async () => {
    const network = msalNetworkClient(http);
    await assert.rejects(
      network.sendGetRequestAsync(`${base}/tenant/v2.0/.well-known/openid-configuration`),
      (e: unknown) => {
        const cause = (e as { cause?: unknown }).cause ?? e;
        return invalidJson(/^Microsoft Entra ID/)(cause);
      },
    );
  });
});
