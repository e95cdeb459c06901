// `lc` keeps its secrets in the OS keychain: `lc auth login` stores the client secret there (read from
// stdin or typed on a terminal, never from argv) only once it works, later verbs use it, a .env that
// moves the profile to another host does not get it, the environment still wins, and `lc auth logout`
// removes it. msal's token cache persists through @azure/msal-node-extensions in the same keychain, so
// a device-code sign-in is asked once. Run by test/keychain/run.mjs: against a real gnome-keyring in
// a private D-Bus session, and, with no D-Bus session at all, the fallback to the environment.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { sandboxProfile } from '../../src/core/config';
import { createProfileHttpClient, type HttpClient } from '../../src/core/http';
import { silentLogger } from '../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { testFolder } from '../builders/testFolders';

const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const realKeychain = process.env.LC_TEST_KEYCHAIN === 'gnome-keyring';
const USER_CODE = /enter the code ([A-Z0-9]+) to authenticate/;
const NO_KEYCHAIN = /No OS keychain/g;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface LcOptions {
  env: Record<string, string>;
  /** 'session': the D-Bus session (and gnome-keyring) run.mjs started; 'none': no bus to reach. */
  bus: 'session' | 'none';
  home: string;
  stdin?: string;
  cwd?: string;
  onStderr?: (stderr: string) => void;
}

function lc(args: string[], options: LcOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
    const env: Record<string, string | undefined> = {
      ...clean,
      HOME: options.home,
      XDG_STATE_HOME: path.join(options.home, '.local', 'state'),
      LC_LOG_DIR: path.join(options.home, 'logs'),
      ...options.env,
    };
    if (options.bus === 'none') {
      // libdbus would otherwise try $XDG_RUNTIME_DIR/bus, a desktop's own session.
      env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(options.home, 'no-such-bus')}`;
      delete env.XDG_RUNTIME_DIR;
    }
    const child = spawn(process.execPath, [cli, ...args], {
      env: env as NodeJS.ProcessEnv,
      cwd: options.cwd ?? options.home,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Every regular file under `dirs` whose bytes contain `needle`. */
function filesContaining(dirs: string[], needle: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && fs.readFileSync(file).includes(needle)) found.push(file);
    }
  };
  for (const dir of dirs) if (fs.existsSync(dir)) walk(dir);
  return found;
}

/** The Secret Service entry `lc` uses for `account` ("<profile>/clientSecret", "<profile>/tokenCache"). */
function keychainEntry(account: string): Entry {
  return new Entry('life-cockpit', account, { linux: { store: 'secret-service' } });
}

function homeDirectory(): string {
  return testFolder('lc-keychain-home-');
}

function withoutSecret(env: Record<string, string>): Record<string, string> {
  const { LC_CLIENT_SECRET: _omitted, ...rest } = env;
  return rest;
}

describe('lc and the OS keychain', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let http: HttpClient;

  before(async () => {
    if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
    sandbox = await startSandbox({ port: 0, seed: 'keychain', clients: 3, deviceCodeIntervalSeconds: 1 });
    http = createProfileHttpClient(sandboxProfile(sandbox.info), silentLogger);
  });
  after(async () => {
    await http?.close();
    await sandbox?.stop();
  });

  /** The user's part of a device-code sign-in: approving the code in the browser. */
  function approveCodesIn(stderr: string, approved: Set<string>): void {
    const code = USER_CODE.exec(stderr)?.[1];
    if (!code || approved.has(code)) return;
    approved.add(code);
    void http
      .request({
        service: 'entra',
        method: 'POST',
        url: `${sandbox.urls.origin}/_sandbox/devicecode/approve`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_code: code }),
      })
      .then((response) => response.bytes());
  }

  describe('with a Secret Service (gnome-keyring in a private D-Bus session)', function () {
    let home: string;

    before(function () {
      if (!realKeychain) {
        console.log(
          '      SKIP: no gnome-keyring here (run through test/keychain/run.mjs with gnome-keyring installed)',
        );
        this.skip();
      }
    });
    beforeEach(() => {
      home = homeDirectory();
      for (const account of ['sandbox/clientSecret', 'sandbox/tokenCache', 'other/clientSecret'])
        keychainEntry(account).deleteCredential();
    });

    it('lc auth login --secret-stdin stores the client secret in the keychain, and later verbs use it', async () => {
      const secret = sandbox.info.clientSecret;
      const env = withoutSecret(sandbox.info.env);
      const login = await lc(['auth', 'login', '--secret-stdin', '--json'], {
        env,
        bus: 'session',
        home,
        stdin: `${secret}\n`,
      });
      assert.equal(login.code, 0, login.stdout + login.stderr);
      const result = JSON.parse(login.stdout) as { signedIn: boolean; tenantId: string; stored: string };
      assert.equal(result.signedIn, true);
      assert.equal(result.tenantId, sandbox.info.tenantId);
      assert.equal(result.stored, 'keychain');
      assert.match(keychainEntry('sandbox/clientSecret').getPassword() ?? '', new RegExp(secret));

      const test = await lc(['auth', 'test', '--json'], { env, bus: 'session', home });
      assert.equal(test.code, 0, test.stdout + test.stderr);
      assert.equal((JSON.parse(test.stdout) as { graph: { ok: boolean } }).graph.ok, true);
      const status = await lc(['auth', 'status', '--json'], { env, bus: 'session', home });
      assert.equal((JSON.parse(status.stdout) as { credentialSource: string }).credentialSource, 'keychain');
      const doctor = await lc(['doctor', '--json'], { env, bus: 'session', home });
      const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean }> }).checks;
      assert.equal(checks.find((c) => c.name === 'credential')?.ok, true, doctor.stdout);
      assert.deepEqual(filesContaining([home], secret), [], 'no plain file holds the secret');
    });

    it('does not store a secret that does not work', async () => {
      const login = await lc(['auth', 'login', '--secret-stdin', '--json'], {
        env: withoutSecret(sandbox.info.env),
        bus: 'session',
        home,
        stdin: 'definitely-wrong-secret\n',
      });
      assert.equal(login.code, 12, login.stdout + login.stderr);
      assert.equal(keychainEntry('sandbox/clientSecret').getPassword(), null);
    });

    it('lets LC_CLIENT_SECRET in the environment win over the keychain', async () => {
      const env = withoutSecret(sandbox.info.env);
      const login = await lc(['auth', 'login', '--secret-stdin'], {
        env,
        bus: 'session',
        home,
        stdin: sandbox.info.clientSecret,
      });
      assert.equal(login.code, 0, login.stderr);
      const test = await lc(['auth', 'test', '--json'], {
        env: { ...env, LC_CLIENT_SECRET: 'definitely-wrong-secret' },
        bus: 'session',
        home,
      });
      assert.equal(test.code, 12, 'the wrong secret from the environment was used');
    });

    it('keys secrets by profile: another profile does not get this one', async () => {
      const env = withoutSecret(sandbox.info.env);
      await lc(['auth', 'login', '--secret-stdin'], { env, bus: 'session', home, stdin: sandbox.info.clientSecret });
      const other = await lc(['auth', 'test', '--json'], {
        env: { ...env, LC_PROFILE: 'other' },
        bus: 'session',
        home,
      });
      assert.equal(other.code, 10, other.stdout);
      assert.match(other.stdout, /No credential for profile other/);
    });

    it('does not send the stored secret to an authority host that a .env moved the profile to', async () => {
      const env = withoutSecret(sandbox.info.env);
      const login = await lc(['auth', 'login', '--secret-stdin'], {
        env,
        bus: 'session',
        home,
        stdin: sandbox.info.clientSecret,
      });
      assert.equal(login.code, 0, login.stderr);
      let connections = 0;
      const lure = net.createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => lure.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = lure.address() as net.AddressInfo;
        const repository = testFolder('lc-hostile-repo-');
        fs.writeFileSync(path.join(repository, '.env'), `LC_AUTHORITY_HOST=https://127.0.0.1:${port}\n`);
        const { LC_AUTHORITY_HOST: original, ...rest } = env;
        const run = await lc(['auth', 'test', '--json'], { env: rest, bus: 'session', home, cwd: repository });
        assert.equal(run.code, 11, run.stdout + run.stderr);
        const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
        assert.equal(error.code, 'auth.secretTargetChanged');
        assert.ok(
          error.message.includes(original) && error.message.includes(`https://127.0.0.1:${port}`),
          error.message,
        );
        assert.match(error.message, /lc auth login/);
        assert.equal(connections, 0, 'nothing reached the other host');
      } finally {
        await new Promise((resolve) => lure.close(resolve));
      }
    });

    it('lc auth logout removes the secret and the token cache from the keychain', async () => {
      const env = withoutSecret(sandbox.info.env);
      await lc(['auth', 'login', '--secret-stdin'], { env, bus: 'session', home, stdin: sandbox.info.clientSecret });
      assert.notEqual(keychainEntry('sandbox/tokenCache').getPassword(), null, 'the token cache was persisted');
      const logout = await lc(['auth', 'logout', '--json'], { env, bus: 'session', home });
      assert.equal(logout.code, 0, logout.stdout + logout.stderr);
      assert.deepEqual((JSON.parse(logout.stdout) as { removed: unknown }).removed, {
        clientSecret: true,
        tokenCache: true,
      });
      assert.equal(keychainEntry('sandbox/clientSecret').getPassword(), null);
      assert.equal(keychainEntry('sandbox/tokenCache').getPassword(), null);
      const after = await lc(['auth', 'test', '--json'], { env, bus: 'session', home });
      assert.equal(after.code, 10, after.stdout);
    });

    it('asks for a device code once: the token cache persists in the keychain, not in a file', async () => {
      const env = { ...withoutSecret(sandbox.info.env), LC_AUTH_KIND: 'user' };
      const approved = new Set<string>();
      const login = await lc(['auth', 'login', '--json'], {
        env,
        bus: 'session',
        home,
        onStderr: (stderr) => approveCodesIn(stderr, approved),
      });
      assert.equal(login.code, 0, login.stderr);
      assert.equal(approved.size, 1);
      const cache = keychainEntry('sandbox/tokenCache').getPassword() ?? '';
      assert.match(cache, /RefreshToken/);

      // A second command signs in silently from the persisted cache (a code would be approved, and counted).
      const again = await lc(['auth', 'login', '--json'], {
        env,
        bus: 'session',
        home,
        onStderr: (stderr) => approveCodesIn(stderr, approved),
      });
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, USER_CODE, 'no second device code');
      assert.equal(approved.size, 1);
      assert.deepEqual(filesContaining([home], 'RefreshToken'), [], 'no plain file holds the token cache');
    });
  });

  describe('with no D-Bus session (a headless Linux without Secret Service)', function () {
    let home: string;
    beforeEach(() => {
      home = homeDirectory();
    });

    it('lc auth login says once that there is no keychain, stores nothing, and points at the environment', async () => {
      const secret = sandbox.info.clientSecret;
      const login = await lc(['auth', 'login', '--secret-stdin', '--json'], {
        env: withoutSecret(sandbox.info.env),
        bus: 'none',
        home,
        stdin: secret,
      });
      assert.equal(login.code, 10, login.stdout + login.stderr);
      assert.equal(login.stderr.match(NO_KEYCHAIN)?.length, 1, login.stderr);
      const { error } = JSON.parse(login.stdout) as { error: { code: string; message: string } };
      assert.equal(error.code, 'keychain.unavailable');
      assert.match(error.message, /LC_CLIENT_SECRET/);
      assert.deepEqual(filesContaining([home], secret), [], 'no plain file holds the secret');
    });

    it('uses the secret from the environment without a word about the keychain', async () => {
      const test = await lc(['auth', 'test', '--json'], { env: sandbox.info.env, bus: 'none', home });
      assert.equal(test.code, 0, test.stdout + test.stderr);
      assert.doesNotMatch(test.stderr, /keychain/i);
    });

    it('signs in with a device code, saying once that tokens stay in memory', async () => {
      const approved = new Set<string>();
      const login = await lc(['auth', 'login', '--json'], {
        env: { ...withoutSecret(sandbox.info.env), LC_AUTH_KIND: 'user' },
        bus: 'none',
        home,
        onStderr: (stderr) => approveCodesIn(stderr, approved),
      });
      assert.equal(login.code, 0, login.stderr);
      assert.equal(login.stderr.match(NO_KEYCHAIN)?.length, 1, login.stderr);
      assert.deepEqual(filesContaining([home], 'RefreshToken'), []);
    });
  });
});
