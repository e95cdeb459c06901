// The request log: one debug line per request with what a person needs to trace it, and nothing secret:
// no headers (Authorization), no values of secret query parameters.
import * as assert from 'node:assert/strict';
import { HttpClient, redactUrl } from '../../../src/core/http';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer, recordingLogger } from './testServer';

describe('HttpClient request log', () => {
  const server = new TestServer();
  let base = '';

  before(async () => {
    base = await server.start();
  });
  after(() => server.stop());

  it('logs method, redacted URL, status, duration, attempts and both correlation ids', async () => {
    const logger = recordingLogger();
    const http = new HttpClient({ logger, clock: new FakeClock() });
    server.reset((_request, response) => {
      response.writeHead(200, { 'request-id': 'server-id-1' });
      response.end('{}');
    });
    try {
      await http.request({
        service: 'graph',
        method: 'GET',
        url: `${base}/v1.0/users?$top=5&code=abc123&sig=s3cr3t&access_token=tok&api_key=k1`,
        headers: { Authorization: 'Bearer eyJsecret' },
        correlationId: 'corr-1',
      });
    } finally {
      await http.close();
    }
    assert.equal(server.requests[0]?.headers['client-request-id'], 'corr-1');
    const lines = logger.lines.filter((line) => line.message === 'http request');
    assert.equal(lines.length, 1);
    const fields = lines[0]?.fields ?? {};
    assert.equal(fields.method, 'GET');
    assert.equal(fields.status, 200);
    assert.equal(fields.attempts, 1);
    assert.equal(fields.correlationId, 'corr-1');
    assert.equal(fields.serverRequestId, 'server-id-1');
    assert.equal(typeof fields.durationMs, 'number');
    assert.equal(
      fields.url,
      `${base}/v1.0/users?$top=5&code=REDACTED&sig=REDACTED&access_token=REDACTED&api_key=REDACTED`,
    );
    const everything = JSON.stringify(logger.lines);
    for (const secret of ['eyJsecret', 'abc123', 's3cr3t', 'tok&', 'k1', 'uthorization']) {
      assert.ok(!everything.includes(secret), `log contains ${secret}`);
    }
  });

  it('sends x-ms-client-request-id to Dataverse and nothing of the kind to Stripe', async () => {
    const http = new HttpClient({ logger: recordingLogger() });
    server.reset((_request, response) => response.end());
    try {
      await http.request({ service: 'dataverse', method: 'GET', url: `${base}/d`, correlationId: 'c-2' });
      await http.request({ service: 'stripe', method: 'GET', url: `${base}/s`, correlationId: 'c-3' });
    } finally {
      await http.close();
    }
    assert.equal(server.requests[0]?.headers['x-ms-client-request-id'], 'c-2');
    assert.equal(server.requests[1]?.headers['client-request-id'], undefined);
    assert.equal(server.requests[1]?.headers['x-ms-client-request-id'], undefined);
  });

  it('drops user info and leaves harmless parameters readable', () => {
    assert.equal(redactUrl('https://user:pw@h.test/p?a=1&Signature=x'), 'https://h.test/p?a=1&Signature=REDACTED');
    assert.equal(
      redactUrl('https://h.test/p?$filter=name%20eq%20%27x%27'),
      'https://h.test/p?$filter=name%20eq%20%27x%27',
    );
  });
});
