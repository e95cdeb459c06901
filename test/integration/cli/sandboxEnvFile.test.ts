// `lc sandbox --write-env FILE`: the lines that point lc at the running sandbox, in a file a shell can
// source while the sandbox still runs (README's way; a pipe into `eval "$(…)"` waits for the sandbox to
// exit). Readable by the user alone, and gone once the sandbox stops, as its secret is no longer any use.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath, lcProcess } from './lcProcess';

function waitForFile(file: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (fs.existsSync(file)) return resolve();
      if (child.exitCode !== null) return reject(new Error(`lc sandbox exited (${child.exitCode}) before ${file}`));
      if (Date.now() - started > timeoutMs) return reject(new Error(`${file} did not appear within ${timeoutMs} ms`));
      setTimeout(check, 50);
    };
    check();
  });
}

describe('lc sandbox --write-env', function () {
  this.timeout(90_000);
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-envfile-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the env lines for a shell to source while the sandbox runs, 0600, and removes them when it stops', async () => {
    const envFile = path.join(dir, '.lc', 'sandbox.env');
    const run = lcProcess(['sandbox', '--write-env', envFile, '--seed', 'env-file', '--clients', '3'], {
      logDir: path.join(dir, 'logs'),
      onSpawn: (c) => (child = c),
    });
    assert.ok(child);
    await waitForFile(envFile, child);

    assert.equal(fs.statSync(envFile).mode & 0o777, 0o600, 'readable by the user alone');
    const text = fs.readFileSync(envFile, 'utf8');
    assert.match(text, /^export LC_CLIENT_SECRET=/m);
    assert.match(text, /^export LC_PROFILE_KIND=/m);

    // What README says: source the file in another shell, and lc works against the sandbox.
    const sourced = await runShellArgs(envFile, path.join(dir, 'shell-logs'));
    assert.equal(sourced.code, 0, sourced.out);
    assert.equal((JSON.parse(sourced.out) as { profile?: string }).profile, 'sandbox');

    child.kill('SIGTERM');
    const done = await run;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(fs.existsSync(envFile), false, 'the env file goes with the sandbox');
  });

  it('replaces a file already there (a symlink is replaced, not followed) and keeps it private', async () => {
    const envFile = path.join(dir, 'sandbox.env');
    const elsewhere = path.join(dir, 'elsewhere.txt');
    fs.writeFileSync(elsewhere, 'untouched\n', { mode: 0o644 });
    fs.symlinkSync(elsewhere, envFile);
    const run = lcProcess(['sandbox', '--write-env', envFile, '--seed', 'env-file-2', '--clients', '3'], {
      logDir: path.join(dir, 'logs'),
      onSpawn: (c) => (child = c),
    });
    assert.ok(child);
    await waitForFile(path.join(dir, 'sandbox.env'), child);
    await waitFor(() => !fs.lstatSync(envFile).isSymbolicLink());
    assert.equal(fs.readFileSync(elsewhere, 'utf8'), 'untouched\n');
    assert.equal(fs.statSync(envFile).mode & 0o777, 0o600);
    child.kill('SIGINT');
    const done = await run;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(fs.existsSync(envFile), false);
  });
});

function runShellArgs(envFile: string, logDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
    const child = spawn(
      'sh',
      ['-c', '. "$1" && exec "$2" "$3" auth test --json', 'sh', envFile, process.execPath, cliPath],
      {
        env: { ...clean, LC_LOG_DIR: logDir },
        cwd: os.tmpdir(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: code === 0 ? out : `${out}\n${err}` }));
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
