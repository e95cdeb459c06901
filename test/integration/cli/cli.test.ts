// The `lc` CLI as a process, as scripts outside the source use it (../shared/INTERFACES.md §3):
// --help and --version, usage errors exit 10, `config show` and `auth` verbs against the sandbox,
// JSON on stdout only, and the error shape with its exit code.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { testFolder } from '../../builders/testFolders';

const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lc(args: string[], env: Record<string, string> = {}, cwd = os.tmpdir()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const logDir = testFolder('lc-cli-logs-');
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...clean, LC_LOG_DIR: logDir, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the lc CLI', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;

  before(async () => {
    if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
    sandbox = await startSandbox({ port: 0, seed: 'cli-integration', clients: 5 });
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('prints help and version, and exits 10 on a usage error', async () => {
    const help = await lc(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /config/);
    assert.match(help.stdout, /sandbox/);
    const version = await lc(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
    const usage = await lc(['config', 'frobnicate']);
    assert.equal(usage.code, 10);
    assert.equal(usage.stdout, '');
  });

  it('shows the effective configuration with sources and no secret', async () => {
    const run = await lc(['config', 'show', '--json'], sandbox.info.env);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as {
      activeProfile: string;
      entries: Array<{ key: string; value: unknown; source: string }>;
    };
    assert.equal(doc.activeProfile, 'sandbox');
    const tenant = doc.entries.find((e) => e.key === 'profiles.sandbox.tenantId');
    assert.deepEqual(tenant && { value: tenant.value, source: tenant.source }, {
      value: sandbox.info.tenantId,
      source: 'environment',
    });
    assert.ok(!run.stdout.includes(sandbox.info.clientSecret), 'the secret is masked');
    assert.match(run.stdout, /secrets\.clientSecret/);
  });

  it('reads .env below the environment and reports a bad value naming key and layer', async () => {
    const dir = testFolder('lc-dotenv-');
    fs.writeFileSync(path.join(dir, '.env'), 'LC_LOG_LEVEL=loud\nLC_WEBHOOK_PORT=9999\n');
    const run = await lc(['config', 'show'], { LC_WEBHOOK_PORT: '9100' }, dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /webhooks\.port\s+9100\s+\[environment\]/);
    assert.match(
      run.stdout,
      /LC_LOG_LEVEL \(lifeCockpit\.log\.level\) \(from \.env\): expected one of trace, debug, info, warn, error; got "loud"/,
    );
  });

  it('signs in and tests the connection against the sandbox', async () => {
    const login = await lc(['auth', 'login', '--json'], sandbox.info.env);
    assert.equal(login.code, 0, login.stdout + login.stderr);
    assert.equal((JSON.parse(login.stdout) as { tenantId: string }).tenantId, sandbox.info.tenantId);
    const test = await lc(['auth', 'test', '--json'], sandbox.info.env);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    const report = JSON.parse(test.stdout) as {
      graph: { ok: boolean };
      dataverse: { ok: boolean; whoAmI: { UserId: string } };
      roles: { granted: string[] };
    };
    assert.equal(report.graph.ok, true);
    assert.equal(report.dataverse.ok, true);
    assert.match(report.dataverse.whoAmI.UserId, /^[0-9a-f-]{36}$/);
    assert.ok(report.roles.granted.includes('Mail.Send'));
  });

  it('fails with the JSON error shape and exit 12 on a wrong secret, without echoing it', async () => {
    const run = await lc(['auth', 'login', '--json'], {
      ...sandbox.info.env,
      LC_CLIENT_SECRET: 'definitely-wrong-secret',
    });
    assert.equal(run.code, 12);
    const { error } = JSON.parse(run.stdout) as { error: { class: string; message: string; retriable: boolean } };
    assert.equal(error.class, 'authentication');
    assert.equal(error.retriable, false);
    assert.match(error.message, /client secret is not valid/);
    assert.ok(!run.stdout.includes('definitely-wrong-secret'));
  });

  it('doctor checks configuration, credentials and reachability, one line a check', async () => {
    const ok = await lc(['doctor', '--json'], sandbox.info.env);
    assert.equal(ok.code, 0, ok.stdout);
    const doc = JSON.parse(ok.stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean }> };
    assert.deepEqual(
      doc.checks.filter((c) => c.name.startsWith('reach')).map((c) => [c.name, c.ok]),
      [
        ['reach entra', true],
        ['reach graph', true],
        ['reach dataverse', true],
        ['reach stripe', true],
      ],
    );
    const { LC_CLIENT_SECRET: _omitted, ...withoutSecret } = sandbox.info.env;
    const failing = await lc(['doctor'], withoutSecret);
    assert.equal(failing.code, 10);
    assert.match(failing.stdout, /FAIL\s+credential: LC_CLIENT_SECRET is not set/);
  });

  it('exits 10 with a clear message when no profile is configured', async () => {
    const run = await lc(['auth', 'status', '--json'], { LC_PROFILE: 'nowhere' });
    assert.equal(run.code, 10);
    assert.match(
      (JSON.parse(run.stdout) as { error: { message: string } }).error.message,
      /Profile "nowhere" is not defined/,
    );
  });
});
