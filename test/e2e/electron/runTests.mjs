// The same user scenarios in VS Code itself (Electron), where VS Code is installed (VSCODE_EXECUTABLE)
// or can be downloaded: @vscode/test-electron starts it with the repo as the extension under development
// and runs suite/index.ts (bundled with esbuild) inside its extension host. Playwright cannot drive it, so the scenarios go
// through vscode.commands.executeCommand, the workbench's own commands and the extension's exports.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { e2eDir, repoRoot } from '../harness/paths.mjs';
import { startSandbox } from '../harness/sandbox.mjs';
import { writeSandboxWorkspace } from '../harness/workspace.mjs';
import { saveFailureArtifacts } from '../harness/session.mjs';

/** Runs the in-editor suite; resolves to the process exit status (0 when every test passed). */
export async function runElectronSuite() {
  const suiteDir = await bundleSuite();
  const root = mkdtempSync(join(tmpdir(), 'lc-e2e-electron-'));
  const sandbox = await startSandbox({ logFile: join(root, 'sandbox.log') });
  try {
    const workspace = writeSandboxWorkspace(join(root, 'workspace'), sandbox.info);
    const userDataDir = join(root, 'user-data');
    mkdirSync(userDataDir, { recursive: true });
    await runTests({
      // Unset: test-electron downloads the current stable VS Code (needs the internet).
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(suiteDir, 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        join(root, 'extensions'),
      ],
      extensionTestsEnv: {
        NODE_EXTRA_CA_CERTS: sandbox.info.caFile,
        LC_E2E_SANDBOX: JSON.stringify(sandbox.info),
        LC_E2E_LOGS: join(userDataDir, 'logs'),
      },
    });
    rmSync(root, { recursive: true, force: true });
    return 0;
  } catch (err) {
    const where = await saveFailureArtifacts({ title: 'electron suite', root, error: err });
    process.stderr.write(`[e2e] the electron suite failed (${err.message ?? err}); logs in ${where}\n`);
    return 1;
  } finally {
    await sandbox.stop();
  }
}

/** Bundles suite/*.ts into .vscode-test/ (inside the repo, so `mocha` resolves from its node_modules). */
async function bundleSuite() {
  const src = join(e2eDir, 'electron', 'suite');
  const outdir = join(repoRoot, '.vscode-test', 'e2e-electron-suite');
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: readdirSync(src)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(src, f)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return outdir;
}
