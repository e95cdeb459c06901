// A newcomer's first minutes, as `npm start` gives them (test/e2e/start.mjs in code-server, a fresh editor
// and sandbox of its own): the editor opens on Life Cockpit's views, not the Explorer, with no Git prompt,
// signed in to the sandbox without being asked for a secret, and a notification offering the walkthrough.
// They open it: the steps already done (the sandbox, the sign-in and today's sessions, all before the
// walkthrough first opened) show done, the others not yet. They take the rest: each shows done only after
// its real event (a send they cancel ticks nothing), and Life Cockpit: Get Started shows the same ticks.
// On the way the test takes the walkthrough's images (media/walkthrough/*.png, with LC_SAVE_SCREENSHOTS=1;
// always in the artifacts), each cropped to what its step is about.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser } from '../harness/browser.mjs';
import { freePort, waitFor } from '../harness/processes.mjs';
import { artifactsRoot, e2eDir, repoRoot } from '../harness/paths.mjs';
import { Workbench } from '../harness/workbench.mjs';
import {
  CONTAINER,
  PREVIEW_DUE_REMINDERS,
  SEND_BUTTON,
  SEND_DUE_REMINDERS,
  SEND_QUESTION,
  STATUS_SANDBOX,
} from './expectations.mjs';
import { dashboardFrame, waitForEditorText } from './steps.mjs';

const WELCOME = /Welcome to Life Cockpit/;
const WALKTHROUGH_TITLE = 'Get Started with Life Cockpit';
const STEP_TITLES = [
  'Start the Sandbox',
  'Sign In',
  'See Today',
  'Preview Reminders',
  'Send Them',
  'Open the Dashboard',
];
const DONE_AT_START = ['Start the Sandbox', 'Sign In', 'See Today'];

let start;
let browser;
let workbench;
let output = '';

/** Brings the walkthrough back to the front through the command palette, as a user would. */
async function showWalkthrough() {
  await workbench.runCommand('Welcome: Open Walkthrough...');
  await workbench.pickQuickItem(WALKTHROUGH_TITLE);
  await workbench.quickInput().waitFor({ state: 'hidden' });
  await browser.page.locator('.gettingStartedContainer', { hasText: WALKTHROUGH_TITLE }).first().waitFor();
}

/** The walkthrough's step rows by title, and whether each shows done. */
async function walkthroughSteps(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.getting-started-step')].map((step) => ({
      title: (step.querySelector('.step-title')?.textContent ?? '').trim(),
      // The step's check icon carries `complete` once its completion event happened.
      done: step.classList.contains('complete') || step.querySelector('[data-done-step-id].complete') !== null,
    })),
  );
}

async function waitForStep(page, title, done) {
  try {
    await waitFor(`walkthrough step "${title}" ${done ? 'done' : 'not done'}`, async () => {
      const step = (await walkthroughSteps(page)).find((s) => s.title === title);
      return step?.done === done;
    });
  } catch (error) {
    const steps = JSON.stringify(await walkthroughSteps(page));
    throw new Error(`${error.message}; the walkthrough shows ${steps}`);
  }
}

/** The smallest rectangle holding every box, `pad` pixels wider on each side, inside the page. */
function around(boxes, pad = 0) {
  const { width, height } = browser.page.viewportSize();
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const right = Math.min(width, Math.max(...boxes.map((b) => b.x + b.width)) + pad);
  const bottom = Math.min(height, Math.max(...boxes.map((b) => b.y + b.height)) + pad);
  return { x: Math.round(x), y: Math.round(y), width: Math.round(right - x), height: Math.round(bottom - y) };
}

async function boxOf(locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} is not on screen`);
  return box;
}

/**
 * A walkthrough step's image (media/walkthrough/<file>): the part of the window `clip` holds. Saved to the
 * artifacts always, and over the walkthrough's own image with LC_SAVE_SCREENSHOTS=1.
 */
async function saveStepImage(file, clip) {
  const png = await browser.page.screenshot({ clip });
  const dir = join(artifactsRoot, 'walkthrough');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), png);
  if (process.env.LC_SAVE_SCREENSHOTS === '1') writeFileSync(join(repoRoot, 'media', 'walkthrough', file), png);
}

describe('Life Cockpit: a newcomer’s first minutes (npm start) and the walkthrough', function () {
  this.timeout(240_000);

  before(async () => {
    const port = await freePort();
    start = spawn(process.execPath, [join(e2eDir, 'start.mjs')], {
      env: { ...process.env, LC_START_HOST: 'code-server', LC_START_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout.on('data', (d) => (output += d.toString()));
    start.stderr.on('data', (d) => (output += d.toString()));
    const url = await waitFor(
      'npm start to print the editor’s URL',
      async () => /running in code-server: (\S+)/.exec(output)?.[1] ?? false,
      { timeoutMs: 180_000 },
    );
    browser = await openBrowser(url);
    workbench = new Workbench(browser.page, { logsRoot: join(repoRoot, '.lc', 'code-server') });
    await workbench.ready();
  });

  after(async () => {
    await browser?.close();
    if (start && start.exitCode === null) {
      const exited = new Promise((resolve) => start.once('exit', resolve));
      start.kill('SIGINT');
      await exited;
    }
  });

  it('prints no secret, and opens on Life Cockpit’s views signed in to the sandbox, with no Git prompt', async () => {
    assert.doesNotMatch(output, /lcsbx~/, 'the sandbox secret is never printed');
    await workbench.waitForStatusBarItem(STATUS_SANDBOX, { timeoutMs: 90_000 });
    await browser.page
      .locator('.part.sidebar .composite.title', { hasText: new RegExp(CONTAINER, 'i') })
      .waitFor({ timeout: 30_000 });
    assert.equal(await workbench.quickInput().isVisible(), false, 'no input asks for the secret');
    const toasts = await browser.page.locator('.notification-toast-container').allInnerTexts();
    assert.ok(!toasts.some((t) => /git repository/i.test(t)), `no Git prompt: ${toasts.join(' | ')}`);
  });

  it('shows the sandbox’s sessions, and who is signed in when the pointer rests on the status bar', async () => {
    const { page } = browser;
    await workbench.expandTreeItem('Sessions', 'Today');
    await workbench.waitForTreeRows('Sessions', 5);
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: STATUS_SANDBOX }).first();
    // The views and the status bar saying sandbox: the left of the window, top to bottom.
    await saveStepImage('sandbox.png', around([await boxOf(page.locator('.part.sidebar')), await boxOf(status)]));
    const pane = await workbench.view('Sessions');
    // The Sessions view down to its Later group.
    const later = await boxOf(await workbench.treeItem('Sessions', 'Later'));
    await saveStepImage('today.png', around([await boxOf(pane.locator('.pane-header').first()), later], 4));

    await status.hover();
    const hover = page.locator('.workbench-hover, .monaco-hover', { hasText: /Signed in/ }).first();
    await hover.waitFor({ state: 'visible' });
    assert.match(await hover.innerText(), /Signed in to profile sandbox \(sandbox\)/);
    await saveStepImage('signIn.png', around([await boxOf(hover), await boxOf(status)], 8));
    await page.mouse.move(700, 400);
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden' });
  });

  it('offers the walkthrough, which opens with the steps done at start ticked and the others not yet', async () => {
    // The toast may have gone to the notification centre by now: it keeps the offer and its button.
    await workbench.runCommand('Notifications: Show Notifications');
    const offer = browser.page.locator('.notifications-center .notification-list-item', { hasText: WELCOME }).first();
    await offer.locator('.monaco-button', { hasText: 'Open Walkthrough' }).click();
    await browser.page.locator('.gettingStartedContainer', { hasText: WALKTHROUGH_TITLE }).first().waitFor();
    // While the notification centre is open, new notifications go there instead of showing as toasts.
    const center = browser.page.locator('.notifications-center.visible');
    if (await center.isVisible()) await workbench.runCommand('Notifications: Hide Notifications');
    await center.waitFor({ state: 'hidden' });
    assert.deepEqual(
      (await walkthroughSteps(browser.page)).map((s) => s.title),
      STEP_TITLES,
    );
    for (const title of DONE_AT_START) await waitForStep(browser.page, title, true);
    // The open step shows its screenshot, loaded from the extension (code-server's URL for it holds the
    // file's path encoded in its query).
    let image;
    const shown = () =>
      browser.page.evaluate(() => {
        const img = document.querySelector('.getting-started-media img');
        // VS Code gives it as a srcset (at 1.5x), not a src.
        return img ? { src: decodeURIComponent(img.currentSrc), width: img.naturalWidth } : undefined;
      });
    await waitFor(`the open step’s screenshot to show`, async () => {
      image = await shown();
      return /\/media\/walkthrough\/\w+\.png/.test(image?.src ?? '') && image.width > 0;
    }).catch((error) => {
      throw new Error(`${error.message}; the step's media is ${JSON.stringify(image)}`);
    });
    const steps = await walkthroughSteps(browser.page);
    for (const title of ['Preview Reminders', 'Send Them', 'Open the Dashboard'])
      assert.equal(steps.find((s) => s.title === title)?.done, false, `${title} is not done yet`);
  });

  it('ticks Preview Reminders once the dry run is shown', async () => {
    await workbench.runCommand(PREVIEW_DUE_REMINDERS);
    await waitForEditorText(workbench, '# Due reminders:');
    const editor = await boxOf(browser.page.locator('.editor-group-container.active').first());
    await saveStepImage('preview.png', around([{ ...editor, width: Math.min(editor.width, 720), height: 420 }]));
    await showWalkthrough();
    await waitForStep(browser.page, 'Preview Reminders', true);
  });

  it('leaves Send Them undone when the send is cancelled, and ticks it once reminders were sent', async () => {
    await workbench.runCommand(SEND_DUE_REMINDERS);
    await workbench.answerDialog(SEND_QUESTION, 'Cancel');
    await showWalkthrough();
    const cancelled = (await walkthroughSteps(browser.page)).find((s) => s.title === 'Send Them');
    assert.equal(cancelled?.done, false, 'a cancelled send ticks nothing');
    await workbench.runCommand(SEND_DUE_REMINDERS);
    const question = browser.page.locator('.monaco-dialog-box', { hasText: SEND_QUESTION }).first();
    await question.waitFor({ state: 'visible' });
    await saveStepImage('send.png', around([await boxOf(question)], 2));
    await workbench.answerDialog(SEND_QUESTION, SEND_BUTTON);
    await workbench.waitForNotification(/Sent due reminders/, { timeoutMs: 60_000 });
    await showWalkthrough();
    await waitForStep(browser.page, 'Send Them', true);
  });

  it('ticks Open the Dashboard once its panel is open', async () => {
    await workbench.runCommand('Life Cockpit: Open Dashboard');
    const frame = await dashboardFrame(browser.page);
    await frame.evaluate(() => window.scrollTo(0, 0));
    await waitFor('the dashboard scrolled to its top', () => frame.evaluate(() => window.scrollY === 0));
    const panel = await boxOf(browser.page.locator('iframe.webview.ready:visible').first());
    await saveStepImage('dashboard.png', around([{ ...panel, width: Math.min(panel.width, 900), height: 520 }]));
    await showWalkthrough();
    await waitForStep(browser.page, 'Open the Dashboard', true);
  });

  it('Get Started shows the same steps with the same ticks', async () => {
    await showWalkthrough();
    const walkthrough = (await walkthroughSteps(browser.page)).map((s) => ({ title: s.title, done: s.done }));
    await workbench.runCommand('Life Cockpit: Get Started');
    const page = browser.page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
    const items = page.locator('li.step');
    await waitFor('the Get Started page’s six steps', async () => (await items.count()) === 6);
    const shown = [];
    for (let i = 0; i < 6; i++) {
      const item = items.nth(i);
      shown.push({
        title: (await item.locator('h2').innerText())
          .replace(/^\S+\s+/, '')
          .replace(/\s*(Done|Not done yet)$/, '')
          .trim(),
        done: /\bdone\b/.test((await item.getAttribute('class')) ?? ''),
      });
    }
    assert.deepEqual(shown, walkthrough);
    assert.deepEqual(
      shown.filter((s) => s.done).map((s) => s.title),
      STEP_TITLES,
    );
  });
});
