// Lists the packaged .vsix and fails if anything but the run-time files slipped in: no sources, tests,
// node_modules, source maps, .env files or keys. Runs after `npm run package` (see package.json).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

const vsix = path.join(__dirname, '..', '..', 'life-cockpit.vsix');

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
      'media/life-cockpit.svg',
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
      (n) => !/^(dist\/(extension|cli)\.js|media\/.+|package\.json|README\.md|LICENSE(\.txt)?|CHANGELOG\.md)$/.test(n),
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
});
