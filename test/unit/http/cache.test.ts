// The GET cache: fresh entries answer without the network, stale ones revalidate with If-None-Match and a 304
// reuses the held body; only 200s are kept.
import * as assert from 'node:assert/strict';
import { ValidationError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

describe('HttpClient response cache', () => {
  const server = new TestServer();
  let base = '';
  let clock: FakeClock;
  let http: HttpClient;
  let etag = 'W/"1"';
  let version = 1;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    clock = new FakeClock();
    http = new HttpClient({ logger: silentLogger, clock });
    etag = 'W/"1"';
    version = 1;
    server.reset((request, response) => {
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag });
        response.end();
        return;
      }
      response.writeHead(200, { etag, 'content-type': 'application/json' });
      response.end(JSON.stringify({ version }));
    });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  const get = () =>
    http.request({
      service: 'dataverse',
      method: 'GET',
      url: `${base}/api/data/v9.2/EntityDefinitions`,
      cache: { ttlMs: 60_000 },
    });

  it('answers from the cache within the TTL without asking the server', async () => {
    const first = await get();
    const second = await get();
    assert.equal(first.cache, 'miss');
    assert.equal(second.cache, 'hit');
    assert.equal(second.attempts, 0);
    assert.deepEqual(await second.json(), { version: 1 });
    assert.equal(server.requests.length, 1);
  });

  it('revalidates a stale entry with If-None-Match and reuses the body on 304', async () => {
    await get();
    clock.advance(60_000);
    const revalidated = await get();
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1]?.headers['if-none-match'], 'W/"1"');
    assert.equal(revalidated.status, 200);
    assert.equal(revalidated.cache, 'revalidated');
    assert.deepEqual(await revalidated.json(), { version: 1 });
    // The 304 made the entry fresh again.
    assert.equal((await get()).cache, 'hit');
    assert.equal(server.requests.length, 2);
  });

  it('takes the new body when the resource changed', async () => {
    await get();
    clock.advance(60_000);
    etag = 'W/"2"';
    version = 2;
    const changed = await get();
    assert.equal(changed.cache, 'miss');
    assert.deepEqual(await changed.json(), { version: 2 });
    assert.equal((await get()).cache, 'hit');
  });

  it('does not cache what was not asked to be cached, nor error answers', async () => {
    await http.request({ service: 'dataverse', method: 'GET', url: `${base}/api/data/v9.2/EntityDefinitions` });
    server.reset((_request, response) => {
      response.statusCode = 404;
      response.end();
    });
    assert.equal((await get()).status, 404);
    assert.equal((await get()).status, 404);
    assert.equal(server.requests.length, 2);
  });

  it('refuses to cache anything but a GET', async () => {
    await assert.rejects(
      http.request({ service: 'dataverse', method: 'POST', url: `${base}/x`, cache: { ttlMs: 1 } }),
      ValidationError,
    );
  });
});
