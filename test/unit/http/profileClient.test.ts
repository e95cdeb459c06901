// The extra CA a profile names (the sandbox's) is trusted only by a sandbox profile and only for its own
// loopback origins: a workspace that adds `caFile` to a live profile widens nothing.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileSchema } from '../../../src/core/config';
import { createProfileHttpClient, extraCaOrigins } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { aTestCertificate, TestServer } from './testServer';

describe('a profile’s extra CA', () => {
  let server: TestServer;
  let origin: string;
  let dir: string;
  let caFile: string;

  before(async () => {
    const certificate = await aTestCertificate();
    server = new TestServer(certificate);
    origin = await server.start();
    dir = mkdtempSync(join(tmpdir(), 'lc-ca-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, certificate.cert);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const profile = (kind: 'live' | 'test' | 'sandbox') =>
    profileSchema.parse({ name: kind, kind, authorityHost: origin, dataverseUrl: origin, caFile });

  for (const kind of ['live', 'test'] as const) {
    it(`is not trusted by a ${kind} profile, even for the hosts it names`, async () => {
      const http = createProfileHttpClient(profile(kind), silentLogger);
      try {
        await assert.rejects(
          http.request({ service: 'entra', method: 'GET', url: `${origin}/x` }),
          (error: { code?: string }) => error.code === 'http.tlsUntrusted',
        );
      } finally {
        await http.close();
      }
    });
  }

  it('is trusted by a sandbox profile for its own loopback origins', async () => {
    const http = createProfileHttpClient(profile('sandbox'), silentLogger);
    try {
      const response = await http.request({ service: 'entra', method: 'GET', url: `${origin}/x` });
      assert.equal(response.status, 200);
    } finally {
      await http.close();
    }
  });

  it('never vouches for a non-loopback host a sandbox profile names', () => {
    const sandbox = profileSchema.parse({
      name: 'sandbox',
      kind: 'sandbox',
      authorityHost: 'https://login.microsoftonline.com',
      graphUrl: 'https://localhost:8443/graph',
      dataverseUrl: 'https://contoso.crm.dynamics.com',
      caFile,
    });
    assert.deepEqual(extraCaOrigins(sandbox), ['https://localhost:8443']);
    assert.deepEqual(extraCaOrigins({ ...sandbox, kind: 'live' }), []);
  });
});
