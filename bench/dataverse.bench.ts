// Dataverse client benchmarks against a sandbox in its own process, measured as ratios within one process:
// (a) streaming rows through DataverseClient.query vs fetching the same pages with raw HTTP + JSON.parse,
// (b) 1,000 updates through one $batch vs 1,000 single PATCHes, (c) 1,000 concurrent calls sharing one
// TokenProvider and how many tokens that took. Prints numbers, asserts nothing about timing.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { MsalTokenSource, sendAuthorized, TokenProvider, type Resource } from '../src/core/auth';
import { batchOps, DataverseClient } from '../src/core/dataverse';
import { HttpClient, msalNetworkClient } from '../src/core/http';
import { silentLogger } from '../src/core/log/types';
import { startSandboxProcess, type SandboxProcess } from './sandboxProcess';

const TOTAL_ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const TABLE_ROWS = 5_000;
const PAGE_SIZE = 5_000;
/** The seeded sessions: with 5,000 clients, 100,000 distinct rows. */
const STREAMED_TABLE = 'appointments';
const UPDATES = 1_000;
const CONCURRENT = 1_000;

interface Setup {
  sandbox: SandboxProcess;
  http: HttpClient;
  tokens: TokenProvider;
  resource: Resource;
  dv: DataverseClient;
}

async function setup(): Promise<Setup> {
  // 5,000 clients with 20 sessions each: 100,000 distinct appointment rows to stream.
  const sandbox = await startSandboxProcess(['--seed', 'bench', '--clients', '5000']);
  const origin = new URL(sandbox.info.dataverseUrl).origin;
  const http = new HttpClient({
    logger: silentLogger,
    trust: { ca: await readFile(sandbox.info.caFile), origins: [origin] },
  });
  const tokens = tokenProvider(sandbox, http);
  const resource: Resource = { name: 'dataverse', scope: `${sandbox.info.dataverseUrl}/.default` };
  const dv = new DataverseClient({ http, tokens, resource, baseUrl: sandbox.info.dataverseUrl, log: silentLogger });
  return { sandbox, http, tokens, resource, dv };
}

function tokenProvider(sandbox: SandboxProcess, http: HttpClient): TokenProvider {
  const source = new MsalTokenSource({
    identity: {
      profile: 'bench',
      tenantId: sandbox.info.tenantId,
      clientId: sandbox.info.clientId,
      authorityHost: new URL(sandbox.info.dataverseUrl).origin,
    },
    credential: { kind: 'secret', clientSecret: sandbox.info.clientSecret },
    networkClient: msalNetworkClient(http),
    log: silentLogger,
  });
  return new TokenProvider(source);
}

/** Fills contacts up to TABLE_ROWS with $batch creates (the seed generator is not meant for thousands). */
async function fillContacts(dv: DataverseClient): Promise<number> {
  const existing = await dv.count('contacts');
  const missing = Math.max(0, TABLE_ROWS - existing);
  const ops = Array.from({ length: missing }, (_, i) =>
    batchOps.create('contacts', {
      firstname: `Bench${i}`,
      lastname: `Row ${i}`,
      emailaddress1: `bench${i}@example.test`,
    }),
  );
  await dv.batch(ops);
  return dv.count('contacts');
}

/** Peak RSS and heap above the level at the start, sampled every 10 ms while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; rssMb: number; heapMb: number }> {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const start = performance.now();
  try {
    const result = await work();
    return {
      result,
      ms: performance.now() - start,
      rssMb: (peakRss - base.rss) / 1e6,
      heapMb: (peakHeap - base.heapUsed) / 1e6,
    };
  } finally {
    clearInterval(timer);
  }
}

async function streamThroughClient(s: Setup): Promise<number> {
  let rows = 0;
  while (rows < TOTAL_ROWS) {
    for await (const row of s.dv.query(STREAMED_TABLE, { pageSize: PAGE_SIZE })) {
      if (row.activityid === undefined) throw new Error('row without id');
      if (++rows === TOTAL_ROWS) break;
    }
  }
  return rows;
}

async function streamThroughRawHttp(s: Setup): Promise<number> {
  let rows = 0;
  const headers = {
    Accept: 'application/json',
    'OData-MaxVersion': '4.0',
    'OData-Version': '4.0',
    Prefer: `odata.maxpagesize=${PAGE_SIZE}`,
  };
  while (rows < TOTAL_ROWS) {
    let next: string | undefined = `${s.dv.apiBase}/${STREAMED_TABLE}`;
    while (next && rows < TOTAL_ROWS) {
      const response = await sendAuthorized(s.http, s.tokens, s.resource, {
        service: 'dataverse',
        method: 'GET',
        url: next,
        headers,
      });
      const page = JSON.parse(await response.text()) as { value: unknown[]; '@odata.nextLink'?: string };
      rows = Math.min(TOTAL_ROWS, rows + page.value.length);
      next = page['@odata.nextLink'];
    }
  }
  return rows;
}

async function benchStreaming(s: Setup): Promise<void> {
  const raw = await measured(() => streamThroughRawHttp(s));
  const client = await measured(() => streamThroughClient(s));
  console.log(`(a) streaming ${client.result} rows of ${STREAMED_TABLE}, page size ${PAGE_SIZE}`);
  console.log(
    `    raw HTTP + JSON.parse : ${raw.ms.toFixed(0)} ms, peak RSS +${raw.rssMb.toFixed(1)} MB, peak heap +${raw.heapMb.toFixed(1)} MB`,
  );
  console.log(
    `    DataverseClient.query : ${client.ms.toFixed(0)} ms, peak RSS +${client.rssMb.toFixed(1)} MB, peak heap +${client.heapMb.toFixed(1)} MB`,
  );
  console.log(`    time ratio query/raw  : ${(client.ms / raw.ms).toFixed(2)}`);
}

async function benchUpdates(s: Setup): Promise<void> {
  const ids: string[] = [];
  for await (const row of s.dv.query('contacts', { select: ['contactid'], top: UPDATES, pageSize: UPDATES }))
    ids.push(String(row.contactid));
  const single = await measured(async () => {
    for (const [i, id] of ids.entries()) await s.dv.update('contacts', id, { telephone1: `+49 30 ${i}` });
  });
  const batched = await measured(() =>
    s.dv.batch(ids.map((id, i) => batchOps.update('contacts', id, { telephone1: `+49 40 ${i}` }))),
  );
  const failed = batched.result.filter((r) => r.error).length;
  console.log(`(b) ${ids.length} updates`);
  console.log(`    single PATCH calls    : ${single.ms.toFixed(0)} ms`);
  console.log(`    one $batch change set : ${batched.ms.toFixed(0)} ms (${failed} failed)`);
  console.log(`    speed ratio single/batch: ${(single.ms / batched.ms).toFixed(2)}x`);
}

async function benchTokens(s: Setup): Promise<void> {
  const fresh = tokenProvider(s.sandbox, s.http);
  const before = await s.sandbox.tokenRequestCount();
  const dv = new DataverseClient({
    http: s.http,
    tokens: fresh,
    resource: s.resource,
    baseUrl: s.sandbox.info.dataverseUrl,
    log: silentLogger,
  });
  const ids: string[] = [];
  for await (const row of dv.query('contacts', { select: ['contactid'], top: 10 })) ids.push(String(row.contactid));
  const run = await measured(() =>
    Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => dv.get('contacts', ids[i % ids.length], { select: ['fullname'] })),
    ),
  );
  console.log(
    `(c) ${CONCURRENT} concurrent reads (plus one query) through one new TokenProvider in ${run.ms.toFixed(0)} ms`,
  );
  console.log(
    `    token requests: provider ${fresh.tokenRequests}, sandbox token endpoint ${(await s.sandbox.tokenRequestCount()) - before} (expected 1)`,
  );
}

async function main(): Promise<void> {
  const s = await setup();
  try {
    const fillStart = performance.now();
    const rows = await fillContacts(s.dv);
    console.log(`setup: contacts filled to ${rows} rows in ${(performance.now() - fillStart).toFixed(0)} ms`);
    await benchStreaming(s);
    await benchUpdates(s);
    await benchTokens(s);
  } finally {
    await s.http.close();
    await s.sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
