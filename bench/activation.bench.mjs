// VS Code's own activation figure for Life Cockpit, as Developer: Show Running Extensions shows it, in
// code-server (the editor the end-to-end suite drives), against a do-nothing extension activated the same
// way in the same run. The figure is the extension host's: from the start of loading the extension's main
// file to the return of activate(). What activate() does after its first wait is not in it (Startup
// Performance's "Finish Activate", printed per window as "then"); what else the host runs meanwhile is.
//
// One code-server holds the packaged .vsix and the baseline: a 3-line extension whose activate() does
// nothing. Two workspaces: one holds a `.lifecockpit` folder (Life Cockpit's activation event,
// `workspaceContains:.lifecockpit`), the other an `.activation-baseline` folder (the baseline's,
// `workspaceContains:.activation-baseline`), so in each window exactly one of them activates, on the same
// kind of event at the same point of the window's start-up. Each window is a fresh browser context (a new
// workbench and a new extension host): the bench opens Running Extensions through the command palette,
// reads the figures, reads Startup Performance's split of Life Cockpit's (load, activate(), the rest),
// closes the window, and starts the next once that window's extension host has exited. Windows alternate
// between the workspaces; the first of each warms the file cache and is not counted. Medians are
// compared. The do-nothing extension shows what the host adds to any figure (about 1 ms); Git's figure,
// read in the same windows, moves with the machine's load as ours does, so Life Cockpit/Git is the ratio
// to compare between machines. Nothing fails on timing; a window that never shows a figure stops the bench.
//
// Needs `npm run package` (life-cockpit.vsix) and the end-to-end editor (test/e2e/setup.mjs, run here
// unless LC_E2E_SKIP_SETUP=1); `npm run bench:activation` does both. BENCH_ACTIVATION_ROUNDS (default 9:
// windows of each workspace) and BENCH_ACTIVATION_WARM_UP (1 of each). LC_E2E_VSIX measures another .vsix.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { editorDirs, installExtension, startCodeServer } from '../test/e2e/harness/codeServer.mjs';
import { chromiumPath, editorDir, repoRoot, vsixPath } from '../test/e2e/harness/paths.mjs';
import { waitFor } from '../test/e2e/harness/processes.mjs';
import { Workbench } from '../test/e2e/harness/workbench.mjs';

const WARM_UP = Math.max(0, Number(process.env.BENCH_ACTIVATION_WARM_UP ?? 1));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ACTIVATION_ROUNDS ?? 9));
const TARGET_MS = 100;
const LIFE_COCKPIT = { name: 'Life Cockpit', id: 'lifecockpit.life-cockpit', marker: '.lifecockpit' };
const BASELINE = {
  name: 'Activation Baseline',
  id: 'lifecockpit-bench.activation-baseline',
  marker: '.activation-baseline',
};
// VS Code's Git extension (built in, activated in every window on `*`): a real extension of a similar
// size (its dist/main.js is 0.74 MB), so its figure moves with the machine's load as ours does.
const GIT = 'Git';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Packages the baseline, an extension whose activate() does nothing, activated as Life Cockpit is. */
async function packageBaseline(root) {
  const dir = join(root, 'baseline');
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'activation-baseline',
    displayName: BASELINE.name,
    description: 'Does nothing when activated: the baseline of bench/activation.bench.mjs.',
    version: '0.0.1',
    publisher: 'lifecockpit-bench',
    license: 'UNLICENSED',
    engines: { vscode: '^1.105.0' },
    activationEvents: [`workspaceContains:${BASELINE.marker}`],
    main: './extension.js',
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'README.md'), '# Activation baseline\n');
  writeFileSync(
    join(dir, 'extension.js'),
    "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n",
  );
  const vsce = createRequire(join(repoRoot, 'package.json'))('@vscode/vsce');
  const packagePath = join(root, 'activation-baseline.vsix');
  await vsce.createVSIX({
    cwd: dir,
    packagePath,
    dependencies: false,
    allowMissingRepository: true,
    skipLicense: true,
  });
  return packagePath;
}

/** A workspace holding `marker`, the folder one extension's activation event waits for. */
function workspaceFor(root, side) {
  const dir = join(root, `workspace${side.marker}`);
  mkdirSync(join(dir, side.marker), { recursive: true });
  return dir;
}

/** code-server's extension hosts (one per window): processes of its group started as an extension host. */
function extensionHosts(server) {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid, ...args]) => Number(pgid) === server.process.pid && args.join(' ').includes('extensionHost'));
}

/** The Running Extensions rows: display name → the figure it shows, once its activation has finished. */
async function runningExtensionFigures(page) {
  return page.evaluate(() => {
    const figures = {};
    for (const row of document.querySelectorAll('.runtime-extensions-editor .monaco-list-row')) {
      const name = row.querySelector('.name')?.textContent?.trim();
      const time = row.querySelector('.activation-time')?.textContent ?? '';
      const ms = /Activation: (\d+)ms/.exec(time);
      if (name && ms) figures[name] = { ms: Number(ms[1]), startup: time.startsWith('Startup') };
    }
    return figures;
  });
}

/**
 * Runs a command from the palette until what it opens (`shown`, a selector) is visible: on a window's
 * first start Life Cockpit opens its views and a notification, and the focus they take can close the
 * palette before the command is picked.
 */
async function runUntilShown(workbench, title, shown) {
  await waitFor(
    `"${title}" to open`,
    async () => {
      if (await workbench.page.locator(shown).first().isVisible()) return true;
      // Running Extensions opens as a modal editor, which keeps F1 from the palette; a click beside it closes it.
      const modal = workbench.page.locator('.monaco-modal-editor-block');
      if (await modal.isVisible()) await modal.click({ position: { x: 3, y: 3 } });
      await workbench.runCommand(title, { timeoutMs: 30_000 });
      await workbench.page.locator(shown).first().waitFor({ state: 'visible', timeout: 5_000 });
      return true;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

/**
 * The row of `extensionId` in Developer: Startup Performance's "Extension Activation Stats": VS Code's
 * own split of the figure (Load Code + Call Activate) and what activate()'s promise took after it
 * returned (Finish Activate). The document is copied whole: the editor renders only the lines in view.
 */
async function startupPerformanceRow(page, workbench, extensionId) {
  await runUntilShown(workbench, 'Developer: Startup Performance', '.tab.active[aria-label*="Startup Performance"]');
  const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  const row = await waitFor(
    `Startup Performance to list ${extensionId}'s activation`,
    async () =>
      (await copyActiveEditor(page, editor))
        .split('\n')
        .find((line) => line.replace(/\s/g, '').startsWith(`|${extensionId}|`)),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  const [, , , load, call, finish] = row.split('|').map((cell) => cell.trim());
  return { load: Number(load), call: Number(call), finish: Number(finish) };
}

async function copyActiveEditor(page, editor) {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  return page.evaluate(() => navigator.clipboard.readText());
}

/** One window on `workspace`: reads the figures Running Extensions shows for `side` and Git, then closes. */
async function measureOneWindow(browser, server, workspace, side) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    const workbench = new Workbench(page, { logsRoot: tmpdir() });
    await workbench.ready();
    await runUntilShown(workbench, 'Developer: Show Running Extensions', '.runtime-extensions-editor');
    const figures = await waitFor(
      `Running Extensions to show ${side.name}'s and ${GIT}'s activation`,
      async () => {
        const shown = await runningExtensionFigures(page);
        return shown[side.name] && shown[GIT] ? shown : undefined;
      },
      { timeoutMs: 60_000 },
    );
    if (!figures[side.name].startup) throw new Error(`${side.name} was not activated at start-up`);
    const stats = await startupPerformanceRow(page, workbench, side.id);
    return { ms: figures[side.name].ms, gitMs: figures[GIT].ms, stats };
  } finally {
    await context.close();
    // The next window starts once this one's extension host is gone, so two never share the machine.
    await waitFor("the closed window's extension host to exit", () => extensionHosts(server).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
  }
}

async function main() {
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run "npm run package" first`);
  if (process.env.LC_E2E_SKIP_SETUP !== '1') {
    const { setup } = await import('../test/e2e/setup.mjs');
    setup({ browser: true });
  }
  const root = mkdtempSync(join(tmpdir(), 'lc-bench-activation-'));
  const owned = [];
  let failed = false;
  try {
    const dirs = editorDirs(root);
    // A closed window's extension host exits within a second instead of waiting hours for it to return.
    writeFileSync(dirs.configFile, 'reconnection-grace-time: 1\n');
    installExtension(dirs, vsixPath);
    installExtension(dirs, await packageBaseline(root));
    const installed = readdirSync(dirs.extensionsDir).find((name) => name.startsWith('lifecockpit.life-cockpit-'));
    const mainFile = join(dirs.extensionsDir, installed, 'dist', 'extension.js');
    const workspaces = new Map([LIFE_COCKPIT, BASELINE].map((side) => [side, workspaceFor(root, side)]));
    const server = await startCodeServer(dirs);
    owned.push(server.stop);
    const { chromium } = createRequire(join(editorDir, 'package.json'))('playwright-core');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    owned.push(() => browser.close());

    const figures = new Map([
      [LIFE_COCKPIT, []],
      [BASELINE, []],
    ]);
    const gitMs = [];
    // Life Cockpit's whole activation: the figure plus what activate()'s promise took after it returned.
    const wholeMs = [];
    for (let round = 0; round < WARM_UP + ROUNDS; round++) {
      // Alternate which side goes first, so neither always follows the other's window.
      const order = round % 2 === 0 ? [LIFE_COCKPIT, BASELINE] : [BASELINE, LIFE_COCKPIT];
      for (const side of order) {
        const window = await measureOneWindow(browser, server, workspaces.get(side), side);
        const counted = round >= WARM_UP;
        process.stderr.write(
          `  window ${round + 1} ${side.name}: ${window.ms} ms (load ${window.stats.load}, call ${window.stats.call}, ` +
            `then ${window.stats.finish}), ${GIT} ${window.gitMs} ms${counted ? '' : ' (warm-up)'}\n`,
        );
        if (!counted) continue;
        figures.get(side).push(window.ms);
        gitMs.push(window.gitMs);
        if (side === LIFE_COCKPIT) wholeMs.push(window.stats.load + window.stats.call + window.stats.finish);
      }
    }

    const lcMs = figures.get(LIFE_COCKPIT);
    const baseMs = figures.get(BASELINE);
    const lcMedian = median(lcMs);
    const baseMedian = median(baseMs);
    const gitMedian = median(gitMs);
    const holds = lcMedian < TARGET_MS;
    const { version } = JSON.parse(
      readFileSync(join(editorDir, 'node_modules', 'code-server', 'package.json'), 'utf8'),
    );
    const kB = (file) => `${(statSync(file).size / 1024).toFixed(0)} kB`;
    console.log(
      `Developer: Show Running Extensions, code-server ${version}; ${ROUNDS} windows of each workspace after ` +
        `${WARM_UP} warm-up each, alternating`,
    );
    console.log(`    loaded at activation : dist/extension.js of ${relative(repoRoot, vsixPath)}, ${kB(mainFile)}`);
    console.log(`    do-nothing extension : median ${baseMedian} ms (p95 ${percentile(baseMs, 95)})`);
    console.log(`    Life Cockpit         : median ${lcMedian} ms (p95 ${percentile(lcMs, 95)})`);
    console.log(
      `    Life Cockpit, whole activation (figure + Finish Activate): median ${median(wholeMs)} ms ` +
        `(p95 ${percentile(wholeMs, 95)})`,
    );
    console.log(`    ${GIT} (built in), all windows: median ${gitMedian} ms (p95 ${percentile(gitMs, 95)})`);
    console.log(`    Life Cockpit/do-nothing : ${(lcMedian / Math.max(1, baseMedian)).toFixed(1)}×`);
    console.log(`    Life Cockpit/${GIT}        : ${(lcMedian / gitMedian).toFixed(2)}×`);
    console.log(
      `targets: ${holds ? 1 : 0} of 1 hold${holds ? '' : '; missed'}: Life Cockpit's median under ${TARGET_MS} ms`,
    );
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    for (const close of owned.reverse()) await close();
    // A failed run keeps the editor's logs (user-data/logs) for a look at what the window did.
    if (failed) process.stderr.write(`the editor's folders and logs are kept in ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  }
}

await main();
