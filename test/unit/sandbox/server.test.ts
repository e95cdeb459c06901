// The sandbox server over a real socket with stand-in services: routing by prefix, faults as the
// client sees them, the request log, the inspector endpoints, persistence and a clean stop.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { resolveMount } from '../../../src/sandbox/server';
import type { PracticeSeed, SandboxService, ServiceContext } from '../../../src/sandbox/types';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

function call(
  sandbox: RunningSandbox,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const ca = readFileSync(sandbox.info.caFile, 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(`${sandbox.urls.origin}${path}`, { method, ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A stand-in service: echoes what it received and keeps a counter as its state. */
function echoService(name: 'graph' | 'dataverse' | 'stripe') {
  return (ctx: ServiceContext): SandboxService & { loaded: PracticeSeed[] } => {
    let hits = 0;
    const loaded: PracticeSeed[] = [];
    return {
      name,
      loaded,
      handle: async (req) => {
        if (req.path.endsWith('/missing')) return undefined;
        if (req.path === '/boom') throw new Error('service bug');
        hits++;
        const auth = await ctx.tokens.verify(
          req.headers.authorization,
          name === 'graph' ? 'https://graph.microsoft.com' : ctx.urls.dataverseUrl,
        );
        return {
          status: 200,
          body: {
            service: name,
            method: req.method,
            path: req.path,
            query: req.url.search,
            body: req.body.toString('utf8'),
            auth: auth.ok ? 'ok' : auth.reason,
          },
        };
      },
      load: (practice) => {
        loaded.push(practice);
        hits = 0;
      },
      exportState: () => ({ hits }),
      importState: (state) => {
        hits = (state as { hits: number }).hits;
      },
      inspect: () => ({ hits }),
    };
  };
}

const services = { graph: echoService('graph'), dataverse: echoService('dataverse'), stripe: echoService('stripe') };

describe('sandbox server', function () {
  this.timeout(20_000);

  it('maps path prefixes to services', () => {
    assert.deepEqual(resolveMount('/graph/v1.0/me'), { service: 'graph', path: '/v1.0/me' });
    assert.deepEqual(resolveMount('/graph'), { service: 'graph', path: '/' });
    assert.deepEqual(resolveMount('/dataverse/api/data/v9.2/WhoAmI'), {
      service: 'dataverse',
      path: '/api/data/v9.2/WhoAmI',
    });
    assert.deepEqual(resolveMount('/v1/customers'), { service: 'stripe', path: '/v1/customers' });
    assert.deepEqual(resolveMount('/_sandbox/inspect'), { service: 'inspector', path: '/inspect' });
    assert.deepEqual(resolveMount('/graphql'), { service: 'entra', path: '/graphql' });
    assert.deepEqual(resolveMount('/t/oauth2/v2.0/token'), { service: 'entra', path: '/t/oauth2/v2.0/token' });
  });

  describe('running', () => {
    let sandbox: RunningSandbox;
    before(async () => {
      sandbox = await startSandbox({ seed: 'server-unit', clients: 5, services });
    });
    after(() => sandbox.stop());
    beforeEach(() => {
      sandbox.faults.clear();
      sandbox.reset();
    });

    it('routes to each service with the path below its prefix and hands it a working token verifier', async () => {
      const token = await sandbox.mintToken({ audience: 'https://graph.microsoft.com' });
      const graph = await call(sandbox, 'POST', '/graph/v1.0/users/x/sendMail?a=1', '{"m":1}', {
        authorization: `Bearer ${token}`,
      });
      assert.deepEqual(graph.json, {
        service: 'graph',
        method: 'POST',
        path: '/v1.0/users/x/sendMail',
        query: '?a=1',
        body: '{"m":1}',
        auth: 'ok',
      });
      assert.equal(
        (await call(sandbox, 'GET', '/dataverse/api/data/v9.2/WhoAmI', undefined, { authorization: `Bearer ${token}` }))
          .json.auth,
        'audience',
      );
      assert.equal((await call(sandbox, 'GET', '/v1/customers')).json.path, '/v1/customers');
    });

    it('answers unknown routes with 404 and service errors with 500, in the service shape', async () => {
      const missing = await call(sandbox, 'GET', '/v1/missing');
      assert.equal(missing.status, 404);
      assert.equal((missing.json.error as { type: string }).type, 'invalid_request_error');
      const boom = await call(sandbox, 'GET', '/graph/boom');
      assert.equal(boom.status, 500);
      assert.equal((boom.json.error as { code: string }).code, 'generalException');
    });

    it('injects a throttle with Retry-After for the chosen service only, up to its limit', async () => {
      sandbox.faults.add({ service: 'dataverse', kind: 'throttle', rate: 1, value: 3, limit: 1 });
      const first = await call(sandbox, 'GET', '/dataverse/api/data/v9.2/accounts');
      assert.equal(first.status, 429);
      assert.equal(first.headers['retry-after'], '3');
      assert.equal((first.json.error as { code: string }).code, '0x80072322');
      assert.equal((await call(sandbox, 'GET', '/graph/v1.0/me')).status, 200, 'graph unaffected');
      assert.equal((await call(sandbox, 'GET', '/dataverse/api/data/v9.2/accounts')).status, 200, 'limit reached');
      const logged = sandbox.requestLog().find((e) => e.status === 429);
      assert.deepEqual(logged?.faults, ['throttle']);
    });

    it('drops the connection for a drop fault', async () => {
      sandbox.faults.add({ service: 'stripe', kind: 'drop', rate: 1 });
      await assert.rejects(
        call(sandbox, 'GET', '/v1/customers'),
        (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message),
      );
      assert.equal(sandbox.requestLog().at(-1)?.status, 0);
    });

    it('delivers a slow body completely', async () => {
      sandbox.faults.add({ service: 'graph', kind: 'slowBody', rate: 1, value: 100 });
      sandbox.faults.add({ service: 'graph', kind: 'latency', rate: 1, value: 50 });
      const reply = await call(sandbox, 'GET', '/graph/v1.0/me');
      assert.equal(reply.json.path, '/v1.0/me');
      assert.ok((sandbox.requestLog().at(-1)?.durationMs ?? 0) >= 100);
    });

    it('serves the inspector: inspect, faults by spec, requests, reset', async () => {
      await call(sandbox, 'GET', '/graph/v1.0/me');
      const inspected = (await call(sandbox, 'GET', '/_sandbox/inspect')).json;
      assert.equal(inspected.tenantId, sandbox.info.tenantId);
      assert.deepEqual((inspected.services as Record<string, unknown>).graph, { hits: 1 });
      const added = await call(sandbox, 'POST', '/_sandbox/faults', JSON.stringify({ spec: 'graph:error503:1' }));
      assert.equal((added.json.rules as unknown[]).length, 1);
      assert.equal((await call(sandbox, 'GET', '/graph/v1.0/me')).status, 503);
      assert.equal((await call(sandbox, 'POST', '/_sandbox/faults', '{"spec":"graph:nonsense:1"}')).status, 400);
      await call(sandbox, 'POST', '/_sandbox/faults', '{"action":"clear"}');
      assert.equal((await call(sandbox, 'GET', '/graph/v1.0/me')).status, 200);
      const requests = (await call(sandbox, 'GET', '/_sandbox/requests?limit=2')).json.requests as Array<{
        path: string;
      }>;
      assert.equal(requests.length, 2);
      await call(sandbox, 'POST', '/_sandbox/reset');
      assert.deepEqual(
        ((await call(sandbox, 'GET', '/_sandbox/inspect')).json.services as Record<string, unknown>).graph,
        { hits: 0 },
      );
    });

    it('round-trips state through export and import', async () => {
      await call(sandbox, 'GET', '/graph/a');
      await call(sandbox, 'GET', '/graph/b');
      const exported = JSON.parse(JSON.stringify(sandbox.exportState())) as object;
      sandbox.reset();
      sandbox.importState(exported);
      assert.deepEqual((sandbox.inspect().services as Record<string, unknown>).graph, { hits: 2 });
      assert.throws(() => sandbox.importState({ nonsense: true }), /not a Life Cockpit sandbox export/);
    });
  });

  it('saves to its data file on stop and loads it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-sbx-test-'));
    const dataFile = join(dir, 'state.json');
    try {
      const first = await startSandbox({ seed: 'persist', clients: 3, dataFile, services });
      await call(first, 'GET', '/graph/x');
      const tenant = first.info.tenantId;
      await first.stop();
      assert.ok(existsSync(dataFile));
      assert.ok(!existsSync(first.info.caFile), 'certificate files removed on stop');
      const second = await startSandbox({ seed: 'a-different-seed', dataFile, services });
      try {
        assert.equal(second.info.tenantId, tenant, 'the saved practice wins over the seed');
        assert.deepEqual((second.inspect().services as Record<string, unknown>).graph, { hits: 1 });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes its certificate folder on stop even when saving the state fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-sbx-test-'));
    const gone = join(dir, 'data');
    try {
      const sandbox = await startSandbox({ seed: 'unsaved', clients: 1, dataFile: join(gone, 'state.json'), services });
      writeFileSync(gone, 'a file where the data folder was to be'); // saving will fail
      await assert.rejects(sandbox.stop(), /EEXIST|ENOTDIR/);
      assert.ok(!existsSync(dirname(sandbox.info.caFile)), 'the certificate folder is removed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('releases its port on stop', async () => {
    const sandbox = await startSandbox({ seed: 'port', clients: 1 });
    const port = sandbox.port;
    await sandbox.stop();
    await listenOnceOn(port);
  });

  it('closes its port and removes its certificate folder when its saved state is rejected at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-sbx-test-'));
    const dataFile = join(dir, 'state.json');
    const certificatesGoTo = join(dir, 'tmp');
    mkdirSync(certificatesGoTo);
    try {
      // Graph is a stand-in; Stripe is the sandbox's own and checks its part of the saved state.
      const first = await startSandbox({ seed: 'rejected', clients: 1, dataFile, services: { graph: services.graph } });
      await first.stop();
      const saved = JSON.parse(readFileSync(dataFile, 'utf8')) as { services: Record<string, unknown> };
      saved.services.stripe = { version: 1 }; // a hand-edited file: its Stripe part lacks the customers
      writeFileSync(dataFile, JSON.stringify(saved));
      const port = await aFreePort();

      await withTempFolder(certificatesGoTo, () =>
        assert.rejects(
          startSandbox({ port, dataFile, services: { graph: services.graph } }),
          /Not a Stripe sandbox state/,
        ),
      );

      assert.deepEqual(
        readdirSync(certificatesGoTo).filter((name) => name.startsWith('lc-sandbox-')),
        [],
        'no certificate folder left behind',
      );
      await listenOnceOn(port);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Resolves once something else could listen on the port: nothing holds it any more. */
function listenOnceOn(port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function aFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `work` with os.tmpdir() answering `folder` (it reads TMPDIR on each call), then restores it. */
async function withTempFolder(folder: string, work: () => Promise<void>): Promise<void> {
  const before = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  try {
    await work();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}
