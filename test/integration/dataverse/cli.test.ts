// `lc dv` as a user's script runs it: a child process pointed at an in-process sandbox through its `env`,
// checking stdout's JSON and NDJSON and the exit codes (0 ok, 11 an effect without confirmation).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('lc dv against the sandbox', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let logDir: string;

  function lc(...args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: path.resolve(__dirname, '../../..'),
        env: { PATH: process.env.PATH, HOME: logDir, LC_LOG_DIR: logDir, ...sandbox.info.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function contactCount(): Promise<number> {
    const run = await lc('--json', 'dv', 'query', 'contacts', '--all', '--select', 'contactid');
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim().split('\n').length;
  }

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'dv-cli-test', clients: 12 });
    logDir = await mkdtemp(path.join(tmpdir(), 'lc-dv-cli-'));
  });

  after(async () => {
    await sandbox?.stop();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  it('prints one JSON document with three contacts for query --top 3 --json', async () => {
    const run = await lc('--json', 'dv', 'query', 'contacts', '--top', '3', '--select', 'contactid,fullname');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const doc = JSON.parse(run.stdout) as { value: { contactid: string; fullname: string }[]; more: boolean };
    assert.equal(doc.value.length, 3);
    assert.ok(doc.value.every((r) => typeof r.contactid === 'string' && typeof r.fullname === 'string'));
    assert.equal(doc.more, false);
  });

  it('streams every row as NDJSON with --all --json', async () => {
    const run = await lc('--json', 'dv', 'query', 'contacts', '--all', '--page-size', '5', '--select', 'contactid');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const lines = run.stdout.trim().split('\n');
    const ids = lines.map((line) => (JSON.parse(line) as { contactid: string }).contactid);
    assert.ok(ids.length >= 12);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('refuses to create without --yes when there is no terminal: exit 11, nothing created', async () => {
    const before = await contactCount();
    const run = await lc('--json', 'dv', 'create', 'contacts', '--data', '{"lastname":"NoConfirm"}');
    assert.equal(run.code, 11, run.stderr + run.stdout);
    assert.equal((JSON.parse(run.stdout) as { error: { class: string } }).error.class, 'policy');
    assert.equal(await contactCount(), before);
  });

  it('creates with --yes and reads the row back with its etag', async () => {
    const created = await lc('--json', '--yes', 'dv', 'create', 'contacts', '--data', '{"lastname":"Confirmed"}');
    assert.equal(created.code, 0, created.stderr + created.stdout);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const read = await lc('--json', 'dv', 'get', 'contacts', id, '--select', 'lastname');
    assert.equal(read.code, 0, read.stderr);
    const fetched = JSON.parse(read.stdout) as { row: { lastname: string }; etag: string };
    assert.equal(fetched.row.lastname, 'Confirmed');
    assert.match(fetched.etag, /^W\//);
  });

  it('creates exactly one row when the answer to lc dv create is lost, and prints its id', async () => {
    sandbox.faults.add({
      service: 'dataverse',
      kind: 'lostAnswer',
      rate: 1,
      limit: 1,
      route: '^POST /api/data/v9\\.2/contacts$',
    });
    try {
      const run = await lc('--json', '--yes', 'dv', 'create', 'contacts', '--data', '{"lastname":"LostAnswerCli"}');
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const { id } = JSON.parse(run.stdout) as { id: string };
      const found = await lc(
        '--json',
        'dv',
        'query',
        'contacts',
        '--filter',
        "lastname eq 'LostAnswerCli'",
        '--select',
        'contactid',
      );
      assert.equal(found.code, 0, found.stderr);
      const rows = (JSON.parse(found.stdout) as { value: { contactid: string }[] }).value;
      assert.deepEqual(
        rows.map((r) => r.contactid),
        [id],
      );
      assert.ok(sandbox.requestLog().some((e) => e.faults?.includes('lostAnswer')));
    } finally {
      sandbox.faults.clear();
    }
  });

  it('exits 10 for a mistyped entity set, naming the nearest ones and lc dv tables', async () => {
    const run = await lc('--json', 'dv', 'query', 'contact', '--top', '1');
    assert.equal(run.code, 10, run.stderr + run.stdout);
    const error = (JSON.parse(run.stdout) as { error: { class: string; message: string; retriable: boolean } }).error;
    assert.equal(error.class, 'validation');
    assert.equal(error.retriable, false);
    assert.match(error.message, /"contact"/);
    assert.match(error.message, /\bcontacts\b/);
    assert.match(error.message, /lc dv tables/);
  });

  it('answers an over-long URL with 414 once, and exits 10 saying how long a URL may be', async () => {
    const ids = Array.from(
      { length: 600 },
      (_, i) => `contactid eq ${String(i).padStart(12, '0').padStart(36, '00000000-0000-0000-0000-')}`,
    );
    const filter = ids.join(' or ');
    assert.ok(filter.length > 20_000);
    const before = sandbox.requestLog().length;
    const run = await lc('--json', 'dv', 'query', 'contacts', '--filter', filter);
    assert.equal(run.code, 10, run.stderr + run.stdout);
    const error = (JSON.parse(run.stdout) as { error: { class: string; message: string } }).error;
    assert.equal(error.class, 'validation');
    assert.match(error.message, /32,768/);
    const asked = sandbox
      .requestLog()
      .slice(before)
      .filter((e) => e.service === 'dataverse');
    assert.deepEqual(
      asked.map((e) => e.status),
      [414],
      'one request, answered 414, not retried',
    );
  });

  it('refuses an empty --filter instead of querying every row', async () => {
    const run = await lc('--json', 'dv', 'query', 'contacts', '--filter', '');
    assert.equal(run.code, 10, run.stderr + run.stdout);
    assert.match((JSON.parse(run.stdout) as { error: { message: string } }).error.message, /--filter|filter/);
    const blank = await lc('--json', 'dv', 'query', 'contacts', '--filter', '   ');
    assert.equal(blank.code, 10, blank.stderr + blank.stdout);
  });

  it('exits 13 with a JSON error for a row that does not exist, and 10 for bad --data', async () => {
    const missing = await lc('--json', 'dv', 'get', 'contacts', '00000000-0000-0000-0000-00000000dead');
    assert.equal(missing.code, 13, missing.stderr + missing.stdout);
    assert.equal((JSON.parse(missing.stdout) as { error: { class: string } }).error.class, 'notFound');
    const bad = await lc('--json', '--yes', 'dv', 'create', 'contacts', '--data', '[1,2]');
    assert.equal(bad.code, 10, bad.stderr + bad.stdout);
  });
});
