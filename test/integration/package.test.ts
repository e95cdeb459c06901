// Lists the packaged .vsix and fails if anything but the run-time files slipped in: no sources, tests,
// node_modules, source maps, .env files or keys. Runs after `npm run package` (see package.json).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

const vsix = path.join(__dirname, '..', '..', 'life-cockpit.vsix');
const openvsx = path.join(__dirname, '..', '..', 'scripts', 'openvsx.mjs');

function entries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('the packaged extension', () => {
  let names: string[] = [];
  before(async function () {
    if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
    names = (await entries(vsix))
      .filter((n) => n.startsWith('extension/'))
      .map((n) =>
        n.slice('extension/'.length).replace(/^(readme|changelog)\.md$/i, (m) => m.toUpperCase().replace('.MD', '.md')),
      );
  });

  it('holds the bundle, the CLI, media and the documents', () => {
    for (const required of [
      'package.json',
      'dist/extension.js',
      'dist/cli.js',
      'dist/lc/sandbox.mjs',
      'dist/lc/mcp.mjs',
      'dist/lazy/undici.js',
      'dist/lazy/msal-node.js',
      'dist/lazy/stripe.js',
      'media/life-cockpit.svg',
      'media/icon.png',
      'README.md',
      'LICENSE.txt',
      'CHANGELOG.md',
    ]) {
      assert.ok(
        names.includes(required) || (required === 'LICENSE.txt' && names.includes('LICENSE')),
        `${required} is in the vsix: ${names.join(', ')}`,
      );
    }
  });

  it('holds nothing else: no sources, tests, node_modules, maps, .env or keys', () => {
    const forbidden = names.filter((n) =>
      /^(src|test|bench|node_modules|\.ci|\.vscode)\/|\.map$|(^|\/)\.env|\.(pem|key|pfx|ts)$/.test(n),
    );
    assert.deepEqual(forbidden, []);
    const allowed = names.filter(
      (n) =>
        !/^(dist\/(extension|cli)\.js|dist\/lc\/[\w-]+\.mjs|dist\/lazy\/[\w-]+\.js|dist\/webview\/[\w-]+\.(js|css)|media\/.+|package\.json|README\.md|LICENSE(\.txt)?|CHANGELOG\.md)$/.test(
          n,
        ),
    );
    assert.deepEqual(allowed, [], 'only run-time files');
  });

  it('keeps the extension bundle free of the sandbox', () => {
    const bundle = fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'extension.js'), 'utf8');
    assert.ok(
      !bundle.includes('AADSTS7000215: Invalid client secret provided'),
      'the sandbox’s Entra answers are not in the extension bundle',
    );
  });

  it('loads on its own, with nothing but vscode beside it, as the editor loads it', () => {
    // The .vsix carries no node_modules: a dependency esbuild could not follow fails only here and at
    // activation in a real editor (a UMD build's require('./impl/format') did).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-bundle-'));
    try {
      fs.copyFileSync(path.join(__dirname, '..', '..', 'dist', 'extension.js'), path.join(dir, 'extension.js'));
      fs.mkdirSync(path.join(dir, 'node_modules', 'vscode'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'node_modules', 'vscode', 'index.js'),
        // Any property of this stand-in is itself: enough for the bundle's top level, which only declares.
        "const any = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : any), apply: () => any, construct: () => ({}) });\nmodule.exports = any;\n",
      );
      const run = spawnSync(
        process.execPath,
        ['-e', "process.stdout.write(typeof require('./extension.js').activate)"],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      assert.equal(run.stdout, 'function', run.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('keeps the bundles within budget: what activation loads under 2 MB', () => {
    const distDir = path.join(__dirname, '..', '..', 'dist');
    const sizes = names
      .filter((n) => /^dist\/.+\.(m?js)$/.test(n))
      .map((n) => ({ name: n, bytes: fs.statSync(path.join(distDir, n.slice('dist/'.length))).size }))
      .sort((a, b) => b.bytes - a.bytes);
    // The sizes, for the log of each run: a bundle that grows shows here before it breaks a budget.
    for (const { name, bytes } of sizes) console.log(`      ${(bytes / 1024).toFixed(0).padStart(6)} kB  ${name}`);
    const budgets: Record<string, number> = {
      'dist/extension.js': 2_000_000,
      'dist/cli.js': 150_000,
      'dist/webview/dashboard.js': 300_000,
    };
    for (const [name, budget] of Object.entries(budgets)) {
      const bundle = sizes.find((s) => s.name === name);
      assert.ok(bundle, `${name} is in the vsix`);
      assert.ok(bundle.bytes < budget, `${name} is ${bundle.bytes} bytes, over its budget of ${budget}`);
    }
  });

  it('loads none of the lazy libraries at activation, and each one the first time it is used', () => {
    // dist/extension.js with a stand-in vscode, as the editor loads it; every require() is recorded.
    const distDir = path.join(__dirname, '..', '..', 'dist');
    const script = `
      const Module = require('module');
      const any = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : any), apply: () => any, construct: () => ({}) });
      const load = Module._load;
      const lazy = [];
      Module._load = function (request) {
        if (request === 'vscode') return any;
        if (request.startsWith('./lazy/')) lazy.push(request);
        return load.apply(this, arguments);
      };
      require(${JSON.stringify(path.join(distDir, 'extension.js'))});
      const atLoad = [...lazy];
      // A first use right after loading: the stand-in requires the library there and then, synchronously.
      const undici = require(${JSON.stringify(path.join(distDir, 'lazy', 'undici.js'))});
      process.stdout.write(JSON.stringify({ atLoad, agent: typeof undici.Agent }));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { atLoad: string[]; agent: string };
    assert.deepEqual(result.atLoad, [], 'no lazy library is loaded when the extension is');
    assert.equal(result.agent, 'function');
    const bundle = fs.readFileSync(path.join(distDir, 'extension.js'), 'utf8');
    // Strings from inside each library (its user agent, a header it sends), not names our code uses.
    for (const marker of ['X-Stripe-Client-User-Agent', 'x-client-SKU', 'undici/', 'LiquidJS']) {
      assert.ok(!bundle.includes(marker), `dist/extension.js holds ${marker}: a library meant to load lazily`);
    }
  });

  it('loads each lazy library on its own, with nothing beside it', () => {
    const lazyDir = path.join(__dirname, '..', '..', 'dist', 'lazy');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-lazy-'));
    try {
      for (const name of names.filter((n) => n.startsWith('dist/lazy/'))) {
        const file = path.join(dir, path.basename(name));
        fs.copyFileSync(path.join(lazyDir, path.basename(name)), file);
        const run = spawnSync(
          process.execPath,
          ['-e', `process.stdout.write(String(Object.keys(require(${JSON.stringify(file)})).length))`],
          { cwd: dir, encoding: 'utf8' },
        );
        assert.equal(run.status, 0, `${name}: ${run.stderr}`);
        assert.ok(Number(run.stdout) > 0, `${name} exports something`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('is ready for Open VSX: manifest fields, a license, a 128×128 PNG icon, a README, within its size', () => {
    const check = spawnSync(process.execPath, [openvsx, 'check', vsix], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /ready for Open VSX/);
  });

  it('publishes to Open VSX only with a token: without OVSX_PAT it checks, says it skipped, and exits 0', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'OVSX_PAT'));
    const dryRun = spawnSync(process.execPath, [openvsx, 'publish', vsix], { encoding: 'utf8', env });
    assert.equal(dryRun.status, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /ready for Open VSX/);
    assert.match(dryRun.stdout, /OVSX_PAT is not set: skipped publishing/);
  });
});
