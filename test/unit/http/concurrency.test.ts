// Concurrency limits: requests beyond a per-key (mailbox) or per-service limit wait in a queue, are never
// rejected, and a cancelled waiter leaves the queue at once.
import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { CancelledError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { TestServer } from './testServer';

describe('HttpClient concurrency limits', () => {
  const server = new TestServer();
  let base = '';
  let http: HttpClient;
  const held: ServerResponse[] = [];

  /** Holds every response until the test lets them go, so the server sees the true in-flight count. */
  function holdResponses(): void {
    server.reset((_request, response) => {
      held.push(response);
    });
  }
  function releaseHeld(): void {
    for (const response of held.splice(0)) response.end('ok');
  }

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    http = new HttpClient({ logger: silentLogger, services: { graph: { concurrency: 16, perKeyConcurrency: 4 } } });
  });
  afterEach(async () => {
    releaseHeld();
    await http.close();
  });
  after(() => server.stop());

  it('never has more than 4 requests in flight for one mailbox, and queues the rest', async () => {
    holdResponses();
    const all = Array.from({ length: 10 }, (_, i) =>
      http.request({
        service: 'graph',
        method: 'GET',
        url: `${base}/v1.0/users/a/messages?i=${i}`,
        concurrencyKey: 'a@practice.test',
      }),
    );
    let answered = 0;
    while (answered < 10) {
      await server.whenRequests(Math.min(answered + 4, 10));
      assert.ok(server.inFlight <= 4, `${server.inFlight} in flight`);
      answered = server.requests.length;
      releaseHeld();
    }
    const responses = await Promise.all(all);
    assert.ok(responses.every((response) => response.status === 200));
    assert.equal(server.maxInFlight, 4);
  });

  it('lets different mailboxes run side by side', async () => {
    holdResponses();
    const all = ['a', 'b', 'c'].flatMap((mailbox) =>
      Array.from({ length: 4 }, () =>
        http.request({
          service: 'graph',
          method: 'GET',
          url: `${base}/v1.0/users/${mailbox}`,
          concurrencyKey: mailbox,
        }),
      ),
    );
    await server.whenRequests(12);
    assert.equal(server.inFlight, 12);
    releaseHeld();
    await Promise.all(all);
  });

  it('caps the whole service as well', async () => {
    await http.close();
    http = new HttpClient({ logger: silentLogger, services: { dataverse: { concurrency: 2 } } });
    holdResponses();
    const all = Array.from({ length: 5 }, () =>
      http.request({ service: 'dataverse', method: 'GET', url: `${base}/d` }),
    );
    await server.whenRequests(2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(server.requests.length, 2);
    while (server.requests.length < 5) {
      const seen = server.requests.length;
      releaseHeld();
      await server.whenRequests(Math.min(seen + 2, 5));
    }
    releaseHeld();
    await Promise.all(all);
    assert.equal(server.maxInFlight, 2);
  });

  it('drops a cancelled request from the queue at once', async () => {
    holdResponses();
    const first = Array.from({ length: 4 }, () =>
      http.request({ service: 'graph', method: 'GET', url: `${base}/busy`, concurrencyKey: 'm' }),
    );
    await server.whenRequests(4);
    const controller = new AbortController();
    const queued = http.request({
      service: 'graph',
      method: 'GET',
      url: `${base}/queued`,
      concurrencyKey: 'm',
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(queued, CancelledError);
    releaseHeld();
    await Promise.all(first);
    assert.equal(server.requests.length, 4);
  });
});
