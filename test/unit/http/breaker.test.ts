// The per-service circuit breaker: it opens after N failures in a row, fails fast without touching the server,
// half-opens after the delay and closes again on a successful probe. Time runs on a fake clock.
import * as assert from 'node:assert/strict';
import { TransientError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

describe('HttpClient circuit breaker', () => {
  const server = new TestServer();
  let base = '';
  let clock: FakeClock;
  let http: HttpClient;
  let status = 503;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    clock = new FakeClock();
    http = new HttpClient({
      logger: silentLogger,
      clock,
      services: {
        dataverse: {
          retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100, maxTotalMs: 1000 },
          breaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
        },
      },
    });
    status = 503;
    server.reset((_request, response) => {
      response.statusCode = status;
      response.end();
    });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  const get = () => http.request({ service: 'dataverse', method: 'GET', url: `${base}/api/data/v9.2/WhoAmI` });

  async function failFiveTimes(): Promise<void> {
    for (let i = 0; i < 5; i++) assert.equal((await get()).status, 503);
  }

  it('opens after 5 failures in a row and then fails fast without touching the server', async () => {
    await failFiveTimes();
    assert.equal(http.breakerState('dataverse'), 'open');
    await assert.rejects(get(), (error: unknown) => {
      assert.ok(error instanceof TransientError);
      assert.equal(error.code, 'http.circuitOpen');
      assert.equal(error.message, 'Dataverse looks unavailable: 5 failures in a row; trying again in 30 s.');
      return true;
    });
    assert.equal(server.requests.length, 5);
  });

  it('keeps other services going while one is open', async () => {
    await failFiveTimes();
    status = 200;
    const response = await http.request({ service: 'graph', method: 'GET', url: `${base}/v1.0/me` });
    assert.equal(response.status, 200);
  });

  it('half-opens after the delay, and one successful probe closes it', async () => {
    await failFiveTimes();
    clock.advance(29_000);
    await assert.rejects(get(), /trying again in 1 s/);
    clock.advance(1_000);
    assert.equal(http.breakerState('dataverse'), 'halfOpen');
    status = 200;
    assert.equal((await get()).status, 200);
    assert.equal(http.breakerState('dataverse'), 'closed');
    assert.equal(server.requests.length, 6);
  });

  it('opens again at once when the half-open probe fails', async () => {
    await failFiveTimes();
    clock.advance(30_000);
    assert.equal((await get()).status, 503);
    assert.equal(http.breakerState('dataverse'), 'open');
    await assert.rejects(get(), TransientError);
  });

  it('does not count 4xx answers as failures: they reset the run', async () => {
    for (let i = 0; i < 4; i++) await get();
    status = 404;
    await get();
    status = 503;
    for (let i = 0; i < 4; i++) await get();
    assert.equal(http.breakerState('dataverse'), 'closed');
  });

  it('counts timeouts as failures', async () => {
    const short = new HttpClient({
      logger: silentLogger,
      clock,
      services: {
        stripe: {
          timeoutMs: 20,
          retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100, maxTotalMs: 1000 },
          breaker: { failureThreshold: 2, halfOpenAfterMs: 5_000 },
        },
      },
    });
    server.reset(() => undefined);
    try {
      for (let i = 0; i < 2; i++) {
        await assert.rejects(
          short.request({ service: 'stripe', method: 'GET', url: `${base}/v1/x` }),
          /did not answer/,
        );
      }
      await assert.rejects(
        short.request({ service: 'stripe', method: 'GET', url: `${base}/v1/x` }),
        /Stripe looks unavailable/,
      );
      // A 20 ms timeout can fire before a request reaches the server on a busy machine, so the
      // server may have seen fewer than two; the open breaker must have sent none after them.
      assert.ok(server.requests.length <= 2, `the open breaker sent a request (${server.requests.length})`);
    } finally {
      await short.close();
    }
  });
});
