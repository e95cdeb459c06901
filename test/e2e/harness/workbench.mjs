// What a user does in the workbench, as Playwright actions on VS Code's own DOM: the command palette,
// quick input, activity bar, views and their welcome content, trees, context menus, the status bar,
// notifications and editors. Every wait is bounded; selectors are VS Code's, gathered here only.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { waitFor } from './processes.mjs';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
// Monaco renders spaces in editor lines as non-breaking spaces.
const plain = (text) => text.replace(/\u00a0/g, ' ');

export class Workbench {
  /** @param {import('playwright-core').Page} page @param {{ logsRoot: string }} options */
  constructor(page, { logsRoot }) {
    this.page = page;
    this.logsRoot = logsRoot;
  }

  /** Waits until the workbench has rendered its parts (and so the extension host is on its way). */
  async ready({ timeoutMs = 60_000 } = {}) {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: timeoutMs });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
  }

  // ---- command palette and quick input ----

  /**
   * The quick input while it is open. Closing, VS Code keeps it on screen for a short animation, inert
   * (class quick-input-widget-closing): to a user, and here, that one is already gone.
   */
  quickInput() {
    return this.page.locator('.quick-input-widget:not(.quick-input-widget-closing):not([inert])');
  }

  quickInputBox() {
    return this.quickInput().locator('.quick-input-box input');
  }

  /** Whether the command palette is open, not closing, with the keyboard in its input. */
  async commandPaletteHasFocus() {
    return this.page.evaluate(() => {
      const input = document.activeElement;
      const widget = input?.closest('.quick-input-widget');
      return (
        !!widget &&
        !widget.inert &&
        !widget.classList.contains('quick-input-widget-closing') &&
        input.matches('.quick-input-box input') &&
        input.value.startsWith('>')
      );
    });
  }

  /**
   * F1 until the command palette is open with the keyboard in it. F1 only works once the workbench has
   * keyboard focus; and a palette that loses focus closes, as when an editor opening takes the focus
   * right after F1 (the walkthrough does), so an open palette counts only while its input has the focus.
   */
  async openCommandPalette({ timeoutMs = 30_000 } = {}) {
    await waitFor(
      'the command palette to open with the keyboard in its input',
      async () => {
        if (await this.commandPaletteHasFocus()) return true;
        await this.page.keyboard.press('F1');
        return waitFor('F1 to open the command palette', () => this.commandPaletteHasFocus(), { timeoutMs: 2_000 });
      },
      { timeoutMs },
    );
  }

  /**
   * Runs a command by its palette title ("Life Cockpit: Sign In"), as a user would: F1, type, pick. Until
   * the pick nothing has run, so a palette that closed under the typing (focus taken), or that lacks the
   * command, is opened again.
   */
  async runCommand(title, { timeoutMs = 15_000 } = {}) {
    const row = this.quickInput()
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(title) }) })
      .first();
    await waitFor(
      `"${title}" to be picked in the command palette`,
      async () => {
        await this.openCommandPalette({ timeoutMs });
        await this.quickInputBox().fill(`>${title}`, { timeout: 2_000 });
        try {
          await row.click({ timeout: 5_000 });
        } catch (error) {
          // The palette lists the commands known when it opened: one opened before the extension's
          // contributions reached the workbench never shows them, however long it stays open. Closed, the
          // next try opens a fresh one.
          if (await this.commandPaletteHasFocus()) await this.page.keyboard.press('Escape');
          throw error;
        }
        return true;
      },
      { timeoutMs: timeoutMs * 2 },
    );
    // The palette closes (or is replaced by the command's own input) once the command has been picked.
    await waitFor(
      `the command palette to hand over after "${title}"`,
      async () => {
        if (!(await this.quickInput().isVisible())) return true;
        return !(await this.quickInputBox().inputValue()).startsWith('>');
      },
      { timeoutMs },
    );
  }

  /** Waits for a quick input (input box or pick) to show and describes it. */
  async waitForQuickInput({ titleIncludes, timeoutMs = 15_000 } = {}) {
    const widget = this.quickInput();
    // A widget still holding ">…" is the command palette, not the input the command asked for.
    await waitFor(
      'a quick input other than the command palette',
      async () => {
        if (!(await widget.isVisible())) return false;
        return !(await this.quickInputBox().inputValue()).startsWith('>');
      },
      { timeoutMs },
    );
    if (titleIncludes) {
      await widget.locator('.quick-input-title', { hasText: titleIncludes }).waitFor({ timeout: timeoutMs });
    }
    const box = this.quickInputBox();
    return {
      title: (await widget.locator('.quick-input-title').textContent()) ?? '',
      placeholder: (await box.getAttribute('placeholder')) ?? '',
      prompt: (await widget.locator('.quick-input-message').textContent()) ?? '',
      password: (await box.getAttribute('type')) === 'password',
    };
  }

  /** Types into the open quick input and, unless told not to, presses Enter. */
  async typeIntoQuickInput(text, { submit = true } = {}) {
    await this.quickInputBox().fill(text);
    if (submit) await this.quickInputBox().press('Enter');
  }

  /** Picks an item of an open quick pick by its label. */
  async pickQuickItem(label, { timeoutMs = 15_000 } = {}) {
    const row = this.quickInput()
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** The items an open quick pick lists now: label and description of each rendered row. */
  async quickPickItems({ timeoutMs = 15_000 } = {}) {
    const rows = this.quickInput().locator('.monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
    return (await rows.evaluateAll(describeRows)).map(({ label, description }) => ({ label, description }));
  }

  /** Closes the open quick input with Escape, as a user changing their mind. */
  async closeQuickInput({ timeoutMs = 15_000 } = {}) {
    await this.quickInputBox().press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  // ---- activity bar, views, welcome content ----

  activityBarItem(title) {
    return this.page
      .locator('.part.activitybar .action-item')
      .filter({ has: this.page.locator(`.action-label[aria-label^="${title}"]`) })
      .first();
  }

  /** Opens a view container from the activity bar, unless it is already the one showing. */
  async openViewContainer(title, { timeoutMs = 30_000 } = {}) {
    const item = this.activityBarItem(title);
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    if (!/\bchecked\b/.test((await item.getAttribute('class')) ?? '')) await item.click();
    await this.page
      .locator('.part.sidebar .composite.title', { hasText: new RegExp(escapeRegExp(title), 'i') })
      .waitFor({ timeout: timeoutMs });
  }

  /** A view (pane) of the side bar by its title, expanded if it was collapsed. */
  async view(title, { timeoutMs = 15_000 } = {}) {
    const pane = this.page
      .locator('.part.sidebar .pane')
      .filter({ has: this.page.locator('.pane-header .title', { hasText: exactly(title) }) })
      .first();
    await pane.waitFor({ state: 'visible', timeout: timeoutMs });
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return pane;
  }

  /** Collapses a view (pane) of the side bar by its title, when it shows and is expanded: the others get its height. */
  async collapseView(title) {
    const header = this.page
      .locator('.part.sidebar .pane')
      .filter({ has: this.page.locator('.pane-header .title', { hasText: exactly(title) }) })
      .first()
      .locator('.pane-header')
      .first();
    if ((await header.count()) === 0) return;
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  }

  /** Clicks an action of a view's title bar by its label ("Collapse All", "Refresh Sessions"). */
  async viewTitleAction(viewTitle, action, { timeoutMs = 15_000 } = {}) {
    const header = (await this.view(viewTitle, { timeoutMs })).locator('.pane-header').first();
    // Title actions show only while the pointer is over the view (or it has focus).
    await header.hover();
    await header.locator(`.actions .action-label[aria-label^="${action}"]`).first().click({ timeout: timeoutMs });
  }

  /** The welcome content of a view (shown while its tree is empty): its text and its buttons' labels. */
  async welcomeView(title, { timeoutMs = 15_000 } = {}) {
    const content = (await this.view(title, { timeoutMs })).locator('.welcome-view-content');
    await content.waitFor({ state: 'visible', timeout: timeoutMs });
    return {
      text: plain(await content.innerText()),
      buttons: (await content.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()),
    };
  }

  // ---- trees ----

  async treeItem(viewTitle, label, { timeoutMs = 15_000 } = {}) {
    const pane = await this.view(viewTitle, { timeoutMs });
    const row = pane
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: label }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    return row;
  }

  /** The labels of the rows a tree shows now (the rendered ones: VS Code virtualises long lists). */
  async treeLabels(viewTitle) {
    const pane = await this.view(viewTitle);
    return (await pane.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => plain(t).trim());
  }

  /**
   * The rows a tree renders now, top to bottom: label, description, nesting level (1 = top) and
   * `expanded` (true, false, or undefined for a leaf).
   */
  async treeRows(viewTitle) {
    const pane = await this.view(viewTitle);
    return pane.locator('.monaco-list-row').evaluateAll(describeRows);
  }

  /** Waits until a tree shows at least `count` rows. */
  async waitForTreeRows(viewTitle, count = 1, { timeoutMs = 30_000 } = {}) {
    return waitFor(
      `${count} rows in the ${viewTitle} tree`,
      async () => {
        const labels = await this.treeLabels(viewTitle);
        return labels.length >= count ? labels : false;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  async expandTreeItem(viewTitle, label, { timeoutMs = 15_000 } = {}) {
    const row = await this.treeItem(viewTitle, label, { timeoutMs });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await waitFor(`${label} to expand`, async () => (await row.getAttribute('aria-expanded')) === 'true', {
      timeoutMs,
    });
  }

  /** Right-clicks a tree item and picks `action` from its context menu. */
  async contextMenuAction(viewTitle, label, action, { timeoutMs = 15_000 } = {}) {
    const row = await this.treeItem(viewTitle, label, { timeoutMs });
    await row.click({ button: 'right' });
    const entry = this.page.locator('.monaco-menu .action-item .action-label', { hasText: exactly(action) }).first();
    await entry.waitFor({ state: 'visible', timeout: timeoutMs });
    // The menu can swallow a click that comes right after it opened (it guards against the right-click's
    // own mouse-up), so click until the menu closes; a swallowed click ran nothing, so a retry is safe.
    await waitFor(
      `"${action}" to run from the context menu`,
      async () => {
        if (!(await entry.isVisible())) return true;
        await entry.click({ timeout: 2_000 });
        await entry.waitFor({ state: 'hidden', timeout: 500 });
        return true;
      },
      { timeoutMs },
    );
  }

  // ---- status bar, notifications, editors ----

  /** Waits for a status-bar item whose text matches, and returns its text and tooltip label. */
  async waitForStatusBarItem(text, { timeoutMs = 30_000 } = {}) {
    const item = this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    return { text: plain(await item.innerText()).trim(), ariaLabel: (await item.getAttribute('aria-label')) ?? '' };
  }

  /** Clicks the status-bar item whose text matches (it runs the item's command). */
  async clickStatusBarItem(text, { timeoutMs = 30_000 } = {}) {
    const item = this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
    await item.click({ timeout: timeoutMs });
  }

  async statusBarTexts() {
    return (await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map((t) => plain(t).trim());
  }

  /** Waits for a notification toast whose text matches; returns its text. */
  async waitForNotification(text, { timeoutMs = 30_000 } = {}) {
    const toast = this.page.locator('.notification-toast-container', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return plain(await toast.innerText());
  }

  /**
   * Waits for a modal dialog (showWarningMessage with `modal: true`) whose message matches, clicks the
   * button labelled `button`, and returns the dialog's text.
   */
  async answerDialog(text, button, { timeoutMs = 30_000 } = {}) {
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: text }).first();
    await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
    const message = plain(await dialog.innerText());
    await dialog
      .locator('.dialog-buttons .monaco-button', { hasText: exactly(button) })
      .first()
      .click();
    await dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
    return message;
  }

  /**
   * The badge on a view container's activity-bar icon (a TreeView's badge shows there): its number as
   * text, or '' when no badge is shown.
   */
  async activityBadge(title) {
    const badge = this.activityBarItem(title).locator('.badge .badge-content').first();
    if ((await badge.count()) === 0 || !(await badge.isVisible())) return '';
    return plain(await badge.innerText()).trim();
  }

  /** Text of the active editor's rendered lines (enough for a document's first screen). */
  async activeEditorText({ timeoutMs = 15_000 } = {}) {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout: timeoutMs });
    return plain(await lines.innerText());
  }

  /** The active tab's title as shown: its name and the suffix newer editors render apart (".md"). */
  async activeEditorTitle() {
    const tab = this.page.locator('.editor-group-container.active .tab.active').first();
    const name = await tab.locator('.label-name').first().innerText();
    const suffix = await tab.locator('.label-suffix').allInnerTexts();
    return plain(name + suffix.join(''));
  }

  /**
   * Starts recording the text of every notification shown from now on: a progress notification can
   * come and go between two polls, so a MutationObserver in the page collects them as they render.
   */
  async recordNotifications() {
    await this.page.evaluate(() => {
      const seen = new Set();
      const collect = () => {
        for (const node of document.querySelectorAll('.notification-list-item-message')) seen.add(node.textContent);
      };
      window.__lcNotifications?.observer.disconnect();
      const observer = new MutationObserver(collect);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      window.__lcNotifications = { seen, observer };
    });
    return {
      /** The texts seen so far (each once, in order of first appearance). */
      texts: async () =>
        (await this.page.evaluate(() => [...(window.__lcNotifications?.seen ?? [])])).map((t) => plain(t)),
    };
  }

  /** The text on the system clipboard, read in the page (the page is granted clipboard access first). */
  async readClipboard() {
    const origin = new URL(this.page.url()).origin;
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /**
   * "Developer: Reload Window", as a user restarting the editor: waits until a new page has replaced
   * the old one (a marker left in the old page is gone) and the new workbench has rendered.
   */
  async reloadWindow({ timeoutMs = 60_000 } = {}) {
    await this.page.evaluate(() => {
      window.__lcBeforeReload = true;
    });
    await this.runCommand('Developer: Reload Window', { timeoutMs });
    await waitFor(
      'the window to reload',
      async () => (await this.page.evaluate(() => window.__lcBeforeReload !== true)) && true,
      { timeoutMs },
    );
    await this.ready({ timeoutMs });
  }

  // ---- output channel ----

  /**
   * The text a LogOutputChannel has written, read from its log file under the editor's logs: the same
   * lines the Output view shows, without depending on the view's virtualised rendering.
   */
  readOutputChannel(name) {
    return outputChannelFiles(this.logsRoot, name)
      .map((file) => readFileSync(file, 'utf8'))
      .join('');
  }

  /** Waits until the channel's log holds a line matching `pattern`; returns the whole log. */
  async waitForOutputLine(name, pattern, { timeoutMs = 30_000 } = {}) {
    return waitFor(
      `"${pattern}" in the ${name} output channel`,
      () => {
        const text = this.readOutputChannel(name);
        return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) ? text : false;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }
}

/** In the page: list rows (tree or quick pick) in display order, described by their labels and ARIA state. */
function describeRows(rows) {
  const text = (row, selector) => (row.querySelector(selector)?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
  return rows
    .map((row) => ({
      index: Number(row.getAttribute('data-index')),
      label: text(row, '.label-name'),
      description: text(row, '.label-description'),
      level: Number(row.getAttribute('aria-level') ?? 1),
      // The codicon of a row's ThemeIcon ("calendar", "pass"), or '' when it has none.
      icon: (row.querySelector('.custom-view-tree-node-item-icon')?.className.match(/codicon-([\w-]+)/) ?? [])[1] ?? '',
      expanded: row.hasAttribute('aria-expanded') ? row.getAttribute('aria-expanded') === 'true' : undefined,
    }))
    .sort((a, b) => a.index - b.index)
    .map(({ index: _index, ...rest }) => rest);
}

/** Log files of an output channel: VS Code names them "<name>.log" or "<n>-<name>.log". */
export function outputChannelFiles(root, name) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (new RegExp(`^(\\d+-)?${escapeRegExp(name)}\\.log$`).test(basename(path))) found.push(path);
    }
  };
  walk(root);
  return found;
}
