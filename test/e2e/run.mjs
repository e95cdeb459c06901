// `npm run test:e2e` after packaging: the suite against the packaged .vsix in a real editor.
// Default (and CI): code-server in Debian's Chromium, driven by Playwright (test/e2e/suite).
// With VSCODE_EXECUTABLE set or LC_E2E_HOST=electron: VS Code itself through @vscode/test-electron
// (test/e2e/electron), where VS Code can be downloaded or is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { artifactsRoot, e2eDir, FAILURE_NOTE, repoRoot } from './harness/paths.mjs';

const host = process.env.LC_E2E_HOST ?? (process.env.VSCODE_EXECUTABLE ? 'electron' : 'code-server');
const started = Date.now();
rmSync(artifactsRoot, { recursive: true, force: true });

let status;
if (host === 'electron') {
  const { runElectronSuite } = await import('./electron/runTests.mjs');
  status = await runElectronSuite();
} else {
  if (process.env.LC_E2E_SKIP_SETUP !== '1') {
    const { setup } = await import('./setup.mjs');
    setup({ browser: true });
  }
  status = runMocha();
}

process.stderr.write(`[e2e] ${host} run took ${Math.round((Date.now() - started) / 1000)} s\n`);
// Only the folders a failure saved: the dashboard's and the walkthrough's screenshots are there on purpose.
const failures = existsSync(artifactsRoot)
  ? readdirSync(artifactsRoot).filter((entry) => existsSync(join(artifactsRoot, entry, FAILURE_NOTE)))
  : [];
if (failures.length > 0) {
  process.stderr.write(`[e2e] failure artifacts (screenshots, editor logs) in ${artifactsRoot}:\n`);
  for (const entry of failures) process.stderr.write(`  ${relative(repoRoot, join(artifactsRoot, entry))}\n`);
}
process.exit(status);

function runMocha() {
  const mocha = createRequire(join(repoRoot, 'package.json')).resolve('mocha/bin/mocha.js');
  const args = [
    mocha,
    '--require',
    join(e2eDir, 'suite', 'hooks.mjs'),
    '--sort',
    '--timeout',
    '60000',
    '--reporter',
    'spec',
    ...(process.env.LC_E2E_GREP ? ['--grep', process.env.LC_E2E_GREP] : []),
    join(e2eDir, 'suite', '**', '*.test.mjs'),
  ];
  return spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' }).status ?? 1;
}
