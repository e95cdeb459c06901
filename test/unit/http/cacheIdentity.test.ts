// The GET cache answers a caller only with what was fetched for the same identity: after signing in as
// another app or user, WhoAmI shows the new one; a token renewed for the same identity still hits the cache.
import * as assert from 'node:assert/strict';
import { HttpClient } from '../../../src/core/http';
import { cacheKeyFor } from '../../../src/core/http/responseCache';
import { silentLogger } from '../../../src/core/log';
import { FakeClock } from '../../builders/fakeClock';
import { TestServer } from './testServer';

function bearer(claims: object): string {
  return `Bearer e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
}

const tenant = '11111111-2222-3333-4444-555555555555';

describe('HttpClient response cache and who is asking', () => {
  const server = new TestServer();
  let base = '';
  let http: HttpClient;

  before(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    http = new HttpClient({ logger: silentLogger, clock: new FakeClock() });
    server.reset((request, response) => {
      const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      const payload = token.split('.')[1];
      const claims = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { oid?: string }) : {};
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ UserId: claims.oid ?? token }));
    });
  });
  afterEach(() => http.close());
  after(() => server.stop());

  const whoAmI = async (authorization: string, cache: { ttlMs: number } | 'no-store' = { ttlMs: 600_000 }) => {
    const response = await http.request({
      service: 'dataverse',
      method: 'GET',
      url: `${base}/api/data/v9.2/WhoAmI`,
      headers: { authorization },
      cache,
    });
    return { ...(await response.json<{ UserId: string }>()), cache: response.cache };
  };

  it('shows the new identity after signing in as another user or app', async () => {
    assert.equal((await whoAmI(bearer({ tid: tenant, oid: 'user-a' }))).UserId, 'user-a');
    assert.equal((await whoAmI(bearer({ tid: tenant, oid: 'user-b' }))).UserId, 'user-b');
    assert.equal(server.requests.length, 2);
  });

  it('still answers from the cache for a renewed token of the same identity', async () => {
    await whoAmI(bearer({ tid: tenant, oid: 'user-a', exp: 1 }));
    const renewed = await whoAmI(bearer({ tid: tenant, oid: 'user-a', exp: 2 }));
    assert.equal(renewed.cache, 'hit');
    assert.equal(server.requests.length, 1);
  });

  it('keeps opaque tokens apart', async () => {
    assert.equal((await whoAmI('Bearer opaque-one')).UserId, 'opaque-one');
    assert.equal((await whoAmI('Bearer opaque-two')).UserId, 'opaque-two');
  });

  it('keeps profiles apart even for the same identity', () => {
    const headers = { authorization: bearer({ tid: tenant, oid: 'user-a' }) };
    const url = `${base}/api/data/v9.2/WhoAmI`;
    assert.notEqual(
      cacheKeyFor('dataverse', url, headers, 'practice'),
      cacheKeyFor('dataverse', url, headers, 'sandbox'),
    );
  });

  it("answers a 'no-store' request from the service, never from the cache", async () => {
    await whoAmI(bearer({ tid: tenant, oid: 'user-a' }));
    const fresh = await whoAmI(bearer({ tid: tenant, oid: 'user-a' }), 'no-store');
    assert.notEqual(fresh.cache, 'hit');
    assert.equal(server.requests.length, 2);
  });
});
