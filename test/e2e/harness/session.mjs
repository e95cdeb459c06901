// One editor session for the suite: the sandbox, a workspace pointing at it, code-server with the
// packaged extension, and Chromium on the workbench. Saves a screenshot and every log on failure.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser } from './browser.mjs';
import { editorDirs, installExtension, startCodeServer } from './codeServer.mjs';
import { artifactsRoot, FAILURE_NOTE, vsixPath } from './paths.mjs';
import { bookSessionsLaterToday } from './fixtures.mjs';
import { startSandbox } from './sandbox.mjs';
import { Workbench } from './workbench.mjs';
import { writeSandboxWorkspace } from './workspace.mjs';

/** The title of the extension's activity-bar container. */
const EXTENSION_CONTAINER = 'Life Cockpit';

/**
 * Starts everything and opens the workspace in the browser.
 * @returns {Promise<{ sandbox: object, workbench: Workbench, page: import('playwright-core').Page,
 *   workspace: string, dirs: object, url: string, saveArtifacts(title: string, error?: Error): Promise<string>, stop(): Promise<void> }>}
 */
export async function startEditorSession({ vsix = vsixPath, settings = {} } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'lc-e2e-'));
  const dirs = editorDirs(root);
  const sandboxLog = join(root, 'sandbox.log');
  const owned = [];
  const stop = async () => {
    for (const close of owned.reverse()) await close();
    owned.length = 0;
    rmSync(root, { recursive: true, force: true });
  };
  try {
    // A few reminders due now, besides the seeded practice's own, so sending them always has work to do.
    const sandbox = await startSandbox({ logFile: sandboxLog, extraArgs: ['--due-reminders', '3'] });
    owned.push(sandbox.stop);
    // Sessions still ahead today at any hour and on any day: the seed books weekdays' office hours only.
    bookSessionsLaterToday(sandbox.info);
    const workspace = writeSandboxWorkspace(join(root, 'workspace'), sandbox.info, settings);
    installExtension(dirs, vsix);
    // No NODE_EXTRA_CA_CERTS: the extension must trust the sandbox's CA through its profile's caFile alone.
    const server = await startCodeServer(dirs);
    owned.push(server.stop);
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
    const browser = await openBrowser(url);
    owned.push(browser.close);
    const workbench = new Workbench(browser.page, { logsRoot: root });
    await workbench.ready();
    // The workbench renders before the extension's contributions reach it (a second or two later): a test that
    // opens the command palette in between finds no Life Cockpit command. Its activity-bar container showing
    // means they are all there, whichever test runs first (a filtered run may start with signing in).
    await workbench.activityBarItem(EXTENSION_CONTAINER).waitFor({ state: 'visible', timeout: 60_000 });
    const saveArtifacts = (title, error) => saveFailureArtifacts({ title, page: browser.page, root, error });
    return { sandbox: sandbox.info, workbench, page: browser.page, workspace, dirs, url, saveArtifacts, stop };
  } catch (err) {
    // A start that fails half-way still leaves its logs for CI to print.
    const where = await saveFailureArtifacts({ title: 'session start', root, error: err });
    process.stderr.write(`[e2e] editor session failed to start; logs in ${where}\n`);
    await stop();
    throw err;
  }
}

/**
 * Copies the screenshot, code-server's and the sandbox's logs and the editor's logs into artifacts/<title>, with
 * FAILURE_NOTE naming what failed: run.mjs lists only the folders that have it (the suite also saves
 * screenshots on purpose, under artifacts/dashboard and artifacts/walkthrough).
 */
export async function saveFailureArtifacts({ title, page, root, error }) {
  const dir = join(artifactsRoot, title.replace(/[^\w.-]+/g, '_').slice(0, 120));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, FAILURE_NOTE), `${title}\n${error?.stack ?? error?.message ?? ''}\n`);
  if (page && !page.isClosed()) {
    try {
      await page.screenshot({ path: join(dir, 'screenshot.png'), timeout: 10_000 });
    } catch (err) {
      process.stderr.write(`[e2e] no screenshot: ${err.message}\n`);
    }
  }
  for (const name of ['code-server.log', 'sandbox.log', 'workspace/.vscode/settings.json']) {
    const from = join(root, name);
    if (existsSync(from)) cpSync(from, join(dir, name.replace(/\//g, '_')));
  }
  const logs = join(root, 'user-data', 'logs');
  if (existsSync(logs)) cpSync(logs, join(dir, 'editor-logs'), { recursive: true });
  return dir;
}
