// `npm run test:keychain`: the CLI's keychain tests. Installs gnome-keyring and dbus-run-session from
// Debian when they are missing and this is root (as test/e2e/setup.mjs does for the editor), then runs
// the tests inside a private D-Bus session with its own unlocked gnome-keyring (Secret Service), under a
// throwaway HOME: they never see the user's own keyring. Without them (not root, not Debian), only the
// no-keychain tests run, and the real-keychain ones say why they skip.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const mocha = [process.execPath, require.resolve('mocha/bin/mocha.js'), '--config', 'test/keychain/.mocharc.json'];
const installed = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

const hasKeyring = () => installed('dbus-run-session') && installed('gnome-keyring-daemon');
if (!hasKeyring() && process.getuid?.() === 0 && installed('apt-get')) {
  console.log('[keychain] apt-get install gnome-keyring dbus-x11 (a Secret Service for the real-keychain tests)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env };
  execFileSync('apt-get', ['update', '-qq'], quiet);
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'gnome-keyring', 'dbus-x11'], quiet);
}

let result;
if (hasKeyring()) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-keyring-home-'));
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    LC_TEST_KEYCHAIN: 'gnome-keyring',
  };
  delete env.XDG_RUNTIME_DIR; // the daemon's control socket goes under HOME's cache, not the user's session
  // gnome-keyring-daemon --unlock creates the login keyring with this password, unlocked, and serves
  // org.freedesktop.secrets on the private bus; it exits when dbus-run-session ends the bus.
  const script = 'printf %s lc-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...mocha], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  fs.rmSync(home, { recursive: true, force: true });
} else {
  console.log(
    'SKIP the real-keychain tests: gnome-keyring-daemon or dbus-run-session is not installed ' +
      '(as root: apt-get install gnome-keyring dbus). The no-keychain tests run.',
  );
  const env = { ...process.env };
  delete env.LC_TEST_KEYCHAIN;
  result = spawnSync(mocha[0], mocha.slice(1), { cwd: root, env, stdio: 'inherit' });
}
process.exit(result.status ?? 1);
