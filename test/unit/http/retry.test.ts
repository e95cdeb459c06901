// Retries: which answers and failures are retried, for which requests, how long the layer waits (Retry-After in
// its forms, full-jitter backoff) and the bounds on attempts and total time. Waits run on a fake clock.
import * as assert from 'node:assert/strict';
import { CancelledError, TransientError } from '../../../src/core/errors';
import { HttpClient, parseRetryAfter, type ServicePolicy } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

const retry = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalMs: 120_000 };

function aClient(clock: FakeClock, overrides: Partial<ServicePolicy> = {}): HttpClient {
  const policy: Partial<ServicePolicy> = { timeoutMs: 2000, retry, ...overrides };
  return new HttpClient({
    logger: silentLogger,
    clock,
    random: () => 0.5,
    services: { graph: policy, dataverse: policy, stripe: policy },
  });
}

/** Answers with the given statuses in turn (and 200 "done" after), each with optional headers. */
function answers(...steps: Array<[number, Record<string, string>?]>) {
  let index = 0;
  return (_request: unknown, response: import('node:http').ServerResponse): void => {
    const [status, headers] = steps[index++] ?? [200, {}];
    response.writeHead(status, headers ?? {});
    response.end(status === 200 ? 'done' : '{"error":{"code":"TooManyRequests"}}');
  };
}

describe('HttpClient retries', () => {
  const server = new TestServer();
  let base = '';
  let clock: FakeClock;
  let http: HttpClient;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    clock = new FakeClock();
    http = aClient(clock);
  });
  afterEach(() => http.close());
  after(() => server.stop());

  it('retries a 429 after the fractional Retry-After seconds Graph sends', async () => {
    server.reset(answers([429, { 'retry-after': '2.128' }], [429, { 'retry-after': '1' }]));
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/v1.0/users` });
    assert.equal(response.status, 200);
    assert.equal(response.attempts, 3);
    assert.deepEqual(clock.sleeps, [2128, 1000]);
  });

  it('retries a 429 after a Retry-After given as an HTTP date', async () => {
    const retryAt = new Date(clock.now() + 7000).toUTCString();
    server.reset(answers([429, { 'retry-after': retryAt }]));
    const response = await http.request({ service: 'dataverse', method: 'GET', url: `${base}/api/data/v9.2/accounts` });
    assert.equal(response.status, 200);
    assert.deepEqual(clock.sleeps, [7000]);
  });

  it('retries a 503 with full-jitter backoff, then returns the success', async () => {
    server.reset(answers([503], [503]));
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/x` });
    assert.equal(await response.text(), 'done');
    assert.equal(server.requests.length, 3);
    // random() = 0.5 of the ceilings 1000·2⁰ and 1000·2¹.
    assert.deepEqual(clock.sleeps, [500, 1000]);
  });

  it('does not retry a POST that is not marked idempotent', async () => {
    server.reset(answers([503]));
    const response = await http.request({
      service: 'graph',
      method: 'POST',
      url: `${base}/v1.0/users/a/sendMail`,
      body: '{}',
    });
    assert.equal(response.status, 503);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('retries a POST answered 429, which the service did not process, after its Retry-After', async () => {
    server.reset(answers([429, { 'retry-after': '2' }]));
    const response = await http.request({
      service: 'graph',
      method: 'POST',
      url: `${base}/v1.0/users/a/sendMail`,
      body: '{}',
    });
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(clock.sleeps, [2000]);
  });

  it('retries a Dataverse POST answered 429 or 503 (service protection: not processed)', async () => {
    server.reset(answers([429, { 'retry-after': '1' }], [503, { 'retry-after': '3' }]));
    const response = await http.request({
      service: 'dataverse',
      method: 'POST',
      url: `${base}/api/data/v9.2/contacts`,
      body: '{}',
    });
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(clock.sleeps, [1000, 3000]);
  });

  it('retries a POST marked idempotent (it carries an Idempotency-Key)', async () => {
    server.reset(answers([502]));
    const response = await http.request({
      service: 'stripe',
      method: 'POST',
      url: `${base}/v1/customers`,
      headers: { 'Idempotency-Key': 'key-1' },
      body: 'name=A',
      idempotent: true,
    });
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(
      server.requests.map((request) => request.headers['idempotency-key']),
      ['key-1', 'key-1'],
    );
  });

  it('retries a PATCH that carries an If-Match ETag, and not one marked idempotent: false', async () => {
    server.reset(answers([503]));
    const guarded = await http.request({
      service: 'dataverse',
      method: 'PATCH',
      url: `${base}/api/data/v9.2/accounts(1)`,
      headers: { 'If-Match': 'W/"470867"' },
      body: '{}',
    });
    assert.equal(guarded.status, 200);
    assert.equal(server.requests.length, 2);

    server.reset(answers([503]));
    const refused = await http.request({
      service: 'dataverse',
      method: 'PATCH',
      url: `${base}/api/data/v9.2/accounts(1)`,
      headers: { 'If-Match': 'W/"470867"' },
      body: '{}',
      idempotent: false,
    });
    assert.equal(refused.status, 503);
    assert.equal(server.requests.length, 1);
  });

  it('stops after maxAttempts and returns the last 429/5xx response', async () => {
    server.reset((_request, response) => {
      response.writeHead(503, { 'retry-after': '1' });
      response.end('{"error":{"code":"serviceNotAvailable"}}');
    });
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/x` });
    assert.equal(response.status, 503);
    assert.equal(response.attempts, 4);
    assert.equal(server.requests.length, 4);
    assert.deepEqual(await response.json(), { error: { code: 'serviceNotAvailable' } });
  });

  it('does not start a retry past maxTotalMs', async () => {
    http = aClient(clock, { retry: { ...retry, maxAttempts: 10, maxTotalMs: 25_000 } });
    server.reset((_request, response) => {
      response.writeHead(429, { 'retry-after': '10' });
      response.end();
    });
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/x` });
    assert.equal(response.status, 429);
    // 10 s + 10 s fit in 25 s; a third wait would end at 30 s.
    assert.deepEqual(clock.sleeps, [10_000, 10_000]);
    assert.equal(server.requests.length, 3);
  });

  it('does not wait out a Retry-After longer than maxDelayMs: it returns the 429 at once', async () => {
    server.reset(answers([429, { 'retry-after': '3600' }]));
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/x` });
    assert.equal(response.status, 429);
    assert.equal(response.headers['retry-after'], '3600');
    assert.deepEqual(clock.sleeps, []);
  });

  it('retries a GET whose connection was reset, and throws TransientError when resets persist', async () => {
    server.reset((_request, response) => response.socket?.destroy());
    await assert.rejects(
      http.request({ service: 'graph', method: 'GET', url: `${base}/x` }),
      (error: unknown) => error instanceof TransientError && error.code === 'http.connectionFailed',
    );
    assert.equal(server.requests.length, 4);
  });

  it('retries a POST whose connection was refused, since nothing was sent', async () => {
    http = aClient(clock, { retry: { ...retry, maxAttempts: 2 } });
    await assert.rejects(
      http.request({ service: 'graph', method: 'POST', url: 'http://127.0.0.1:1/x', body: 'a' }),
      (error: unknown) => error instanceof TransientError && error.code === 'http.connectionRefused',
    );
    assert.equal(clock.sleeps.length, 1);
  });

  it('stops waiting at once when the caller aborts during the backoff', async () => {
    clock = new FakeClock(false);
    http = aClient(clock);
    server.reset(answers([503, { 'retry-after': '20' }]));
    const controller = new AbortController();
    const pending = http.request({ service: 'graph', method: 'GET', url: `${base}/x`, signal: controller.signal });
    await clock.whenSleeping();
    controller.abort();
    await assert.rejects(pending, CancelledError);
    assert.equal(server.requests.length, 1);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 5, 9, 0, 0);
  it('reads whole seconds, fractional seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('10', now), 10_000);
    assert.equal(parseRetryAfter('0.249', now), 249);
    assert.equal(parseRetryAfter('Mon, 05 Jan 2026 09:00:30 GMT', now), 30_000);
  });
  it('treats a date in the past as no wait and nonsense as absent', () => {
    assert.equal(parseRetryAfter('Mon, 05 Jan 2026 08:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
