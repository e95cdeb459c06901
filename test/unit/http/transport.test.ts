// The wire behaviour of HttpClient: connection reuse, the per-attempt timeout, cancellation mid-request,
// and the sandbox CA trusted only for the configured origins.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { CancelledError, ExternalServiceError, TransientError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

describe('HttpClient on the wire', () => {
  const server = new TestServer();
  let base = '';
  let http: HttpClient;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    http = new HttpClient({
      logger: silentLogger,
      clock: new FakeClock(),
      services: {
        graph: { timeoutMs: 200, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100, maxTotalMs: 1000 } },
      },
    });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  it('reuses kept-alive sockets instead of opening one per request', async () => {
    server.reset((_request, response) => response.end('hello'));
    for (let i = 0; i < 10; i++) {
      const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/v1.0/me?i=${i}` });
      assert.equal(await response.text(), 'hello');
    }
    assert.equal(server.requests.length, 10);
    // undici may open a second socket while the first is still settling its first response; never one per request.
    assert.ok(server.sockets <= 2, `${server.sockets} sockets for 10 requests`);
  });

  it('gives up on an attempt after timeoutMs with a retriable TransientError', async () => {
    server.reset(() => undefined); // never answers
    const started = Date.now();
    await assert.rejects(
      http.request({ service: 'graph', method: 'GET', url: `${base}/slow` }),
      (error: unknown) => error instanceof TransientError && error.code === 'http.timeout' && error.retriable,
    );
    assert.ok(Date.now() - started < 5000);
  });

  it('rejects with CancelledError when the caller aborts mid-request', async () => {
    server.reset(() => undefined);
    const controller = new AbortController();
    const pending = http.request({ service: 'graph', method: 'GET', url: `${base}/hang`, signal: controller.signal });
    await server.whenRequests(1);
    controller.abort();
    await assert.rejects(pending, CancelledError);
  });

  it('rejects at once when the signal is already aborted, without sending', async () => {
    server.reset((_request, response) => response.end());
    await assert.rejects(
      http.request({ service: 'graph', method: 'GET', url: `${base}/x`, signal: AbortSignal.abort() }),
      CancelledError,
    );
    assert.equal(server.requests.length, 0);
  });

  it('streams a body when asked and still reads it whole', async () => {
    server.reset((_request, response) => {
      response.write('part one, ');
      setImmediate(() => response.end('part two'));
    });
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/stream`, stream: true });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'part one, part two');
  });
});

describe('HttpClient trust for the sandbox CA', () => {
  let server: https.Server;
  let origin = '';
  let ca = '';

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: 'sandbox.test' }], {
      keyType: 'ec',
      curve: 'P-256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    ca = pems.cert;
    server = https.createServer({ key: pems.private, cert: pems.cert }, (_request, response) => response.end('secure'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('trusts the given CA for a configured origin', async () => {
    const http = new HttpClient({ logger: silentLogger, trust: { ca, origins: [origin] } });
    try {
      const response = await http.request({
        service: 'dataverse',
        method: 'GET',
        url: `${origin}/api/data/v9.2/WhoAmI`,
      });
      assert.equal(await response.text(), 'secure');
    } finally {
      await http.close();
    }
  });

  it('does not extend that trust to an origin that was not configured', async () => {
    const http = new HttpClient({ logger: silentLogger, trust: { ca, origins: ['https://127.0.0.1:1'] } });
    try {
      await assert.rejects(
        http.request({ service: 'dataverse', method: 'GET', url: `${origin}/x` }),
        (error: unknown) => error instanceof ExternalServiceError && error.code === 'http.tlsUntrusted',
      );
    } finally {
      await http.close();
    }
  });
});
