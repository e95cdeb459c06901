// The CLI as a process against the sandbox, with --verbose: secret shapes planted through its input (a
// mistyped entity set, an id pasted from a URL, a service URL with a password in it) reach neither its
// stderr, nor its stdout, nor its log files (lc.jsonl, audit.jsonl); and `lc doctor` and `lc config show`
// print every URL without its userinfo.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';

const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

const CANARIES = {
  formSecret: 'canaryCliFormSecret~0451',
  apiKey: 'canaryCliApiKey0123456789',
  xApiKey: 'canaryCliXApiKey987654321',
  urlPassword: 'canaryCliUrlPassw0rd-33',
  dataverseUrlPassword: 'canaryDataverseUrlPw-77',
  graphUrlPassword: 'canaryGraphUrlPw-88',
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every file the run left in its log directory, by name. */
  logs: Record<string, string>;
}

function lc(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-canary-logs-'));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...clean, LC_LOG_DIR: logDir, ...env },
      cwd: os.tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const logs = Object.fromEntries(
        fs.readdirSync(logDir).map((f) => [f, fs.readFileSync(path.join(logDir, f), 'utf8')] as const),
      );
      fs.rmSync(logDir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, logs });
    });
  });
}

function assertNoCanary(run: Run, what: string): void {
  const places: Record<string, string> = { stdout: run.stdout, stderr: run.stderr, ...run.logs };
  for (const [place, text] of Object.entries(places)) {
    for (const [name, canary] of Object.entries(CANARIES)) {
      assert.ok(!text.includes(canary), `${what}: ${name} leaked into ${place}:\n${text}`);
    }
  }
}

describe('the lc CLI keeps secrets out of what it prints and logs', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;

  before(async () => {
    if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
    sandbox = await startSandbox({ port: 0, seed: 'cli-canary', clients: 3 });
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('masks secret shapes planted through its input on stderr with --verbose, stdout and every log file', async () => {
    const runs: Array<[string, string[]]> = [
      ['a form pasted as an entity set', ['dv', 'query', `client_secret=${CANARIES.formSecret}&scope=x`]],
      [
        'an id pasted with API keys',
        ['dv', 'get', 'contacts', `abc?api_key=${CANARIES.apiKey}&x-api-key=${CANARIES.xApiKey}`],
      ],
      ['a URL with a password as an entity set', ['dv', 'query', `https://bob:${CANARIES.urlPassword}@example.test/x`]],
    ];
    for (const [what, args] of runs) {
      for (const json of [false, true]) {
        const run = await lc(['--verbose', ...(json ? ['--json'] : []), ...args], sandbox.info.env);
        assert.equal(run.code, 10, `${what}: ${run.stdout}${run.stderr}`);
        assert.ok(run.logs['lc.jsonl']?.includes('verb failed'), `${what}: the failure is in lc.jsonl`);
        assert.match(run.stderr, /verb failed/, `${what}: --verbose shows the log on stderr`);
        assertNoCanary(run, what);
      }
    }
  });

  it('prints and logs service URLs without their userinfo in doctor and config show', async () => {
    const env = {
      ...sandbox.info.env,
      LC_DATAVERSE_URL: sandbox.info.dataverseUrl.replace('https://', `https://user:${CANARIES.dataverseUrlPassword}@`),
      // Not https, so rejected: the problem report quotes the value it rejected.
      LC_GRAPH_URL: sandbox.info.graphUrl.replace('https://', `http://bob:${CANARIES.graphUrlPassword}@`),
    };
    const dataverseHost = new URL(sandbox.info.dataverseUrl).host;
    for (const args of [['doctor'], ['doctor', '--json'], ['config', 'show'], ['config', 'show', '--json']]) {
      const run = await lc(['--verbose', ...args], env);
      assertNoCanary(run, args.join(' '));
      assert.ok(run.stdout.includes(`[redacted]@${dataverseHost}/dataverse`), `${args.join(' ')}: ${run.stdout}`);
      assert.ok(!run.stdout.includes('bob:'), `${args.join(' ')} hides the rejected URL's user too`);
    }
  });
});
