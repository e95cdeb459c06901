// Edit Reminder in the real editor when the row changes while its document is open: the terminal (`lc dv
// update`, as another window or a colleague's script would) rewrites the reminder's text, and the practitioner
// then saves. The save is refused and the typed text stays; the notification offers Save Mine Over It, which
// writes it over the new text and leaves the document saved; after a second change elsewhere, Compare with
// Current opens the row's text beside the document, and saving from the diff writes the document.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { lc } from '../harness/sandboxCli.mjs';
import { editor } from './hooks.mjs';
import { CONTAINER, EDIT_REMINDER, NEEDS_APPROVAL, VIEWS } from './expectations.mjs';
import { clearHovers, openRemindersGroup } from './steps.mjs';

const MESSAGES = 'cre92_scheduledmessages';
const ID = 'cre92_scheduledmessageid';
const DRAFT = 100000000;
const SMS_CHANNEL = 100000001;
const CHANGED_ELSEWHERE = /was changed elsewhere since you opened it/;
const REMINDER_SAVED = /Saved the reminder to .* on profile "sandbox"/;
const SAVE_MINE = 'Save Mine Over It';
const COMPARE = 'Compare with Current';

const rowOf = (sandbox, id) => lc(sandbox, ['dv', 'get', MESSAGES, id]).json.row;
/** What another window or the terminal does to the row while the document is open. */
const changeElsewhere = (sandbox, id, text) =>
  lc(sandbox, ['--yes', 'dv', 'update', MESSAGES, id, '--data', JSON.stringify({ cre92_text: text })]);

/** The rows a top-level group of the Reminders view shows now. */
async function groupRows(workbench, group) {
  const rows = await workbench.treeRows(VIEWS.reminders);
  const at = rows.findIndex((r) => r.level === 1 && r.label === group);
  if (at < 0) return [];
  const next = rows.findIndex((r, i) => i > at && r.level === 1);
  return rows.slice(at + 1, next < 0 ? undefined : next);
}

/** The first shown e-mail reminder draft: its client's name. */
function anEmailDraft(rows) {
  const row = rows.find(
    (r) =>
      r.level === 2 && /^reminder\b/.test(r.description) && !/ · SMS\b/.test(r.description) && !r.label.includes("'"),
  );
  return row?.label;
}

/**
 * The client's e-mail drafts with their text: a client has several (one a lead time), and the tree does not say
 * which row it shows, so the step changes them all and then finds the one the document saved into.
 */
function draftsOf(sandbox, name) {
  return lc(sandbox, [
    'dv',
    'query',
    MESSAGES,
    '--select',
    `${ID},cre92_text`,
    '--filter',
    `cre92_clientname eq '${name}' and cre92_status eq ${DRAFT} and cre92_channel ne ${SMS_CHANNEL}`,
  ]).json.value.map((m) => ({ id: m[ID], text: m.cre92_text }));
}

/** The row's text once it holds `words` (the save went through). */
const savedText = (sandbox, id, words) =>
  waitFor(`the row to hold "${words}"`, async () => {
    const text = rowOf(sandbox, id).cre92_text ?? '';
    return text.includes(words) ? text : false;
  });

/** Clicks `button` on the toast whose text matches `text`. */
async function clickOnToast(workbench, text, button) {
  await workbench.waitForNotification(text);
  const toast = workbench.page.locator('.notification-toast-container', { hasText: text }).first();
  await toast.locator('.monaco-button', { hasText: button }).first().click();
}

/** Types `words` at the end of the active editor and saves it. */
async function typeAtEndAndSave(page, words) {
  await page.keyboard.press('Control+End');
  await page.keyboard.type(words);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+S');
}

describe('Life Cockpit: editing a reminder that was changed elsewhere', () => {
  /** The draft being edited: { id, name }. */
  let draft;

  it('keeps the typed text when the row changed meanwhile, and Save Mine Over It writes it and leaves it saved', async () => {
    const { workbench, page, sandbox } = editor();
    await workbench.openViewContainer(CONTAINER);
    await openRemindersGroup(workbench, NEEDS_APPROVAL);
    const name = await waitFor('an e-mail reminder draft under Needs Approval', async () =>
      anEmailDraft(await groupRows(workbench, NEEDS_APPROVAL)),
    );
    await workbench.contextMenuAction(VIEWS.reminders, name, EDIT_REMINDER);
    await waitFor('the reminder open for editing', async () => {
      const title = await workbench.activeEditorTitle().catch(() => '');
      return title.includes(name) && title.endsWith('.html');
    });
    await workbench.activeEditorText();
    const drafts = draftsOf(sandbox, name);
    for (const d of drafts) changeElsewhere(sandbox, d.id, '<p>Changed in the terminal.</p>');

    const notes = await workbench.recordNotifications();
    await typeAtEndAndSave(page, ' Mine, first.');
    await clickOnToast(workbench, CHANGED_ELSEWHERE, SAVE_MINE);
    await workbench.waitForNotification(REMINDER_SAVED);
    const mine = await waitFor('the save in one of the drafts', async () => {
      const now = draftsOf(sandbox, name).filter((d) => d.text?.includes(' Mine, first.'));
      return now.length > 0 ? now : false;
    });
    assert.equal(mine.length, 1, 'one row saved');
    draft = { id: mine[0].id, name };
    assert.match(mine[0].text, / Mine, first\.$/);
    assert.doesNotMatch(mine[0].text, /Changed in the terminal/);
    // The other drafts get their text back, as the rest of the suite expects them.
    for (const d of drafts) if (d.id !== draft.id) changeElsewhere(sandbox, d.id, d.text);
    const said = (await notes.texts()).join('\n');
    assert.ok(said.includes(`reminder to ${name} on profile "sandbox" was changed elsewhere`), said);
    await waitFor('the document saved (not dirty)', async () =>
      (await page.locator('.editor-group-container.active .tab.active.dirty').count()) === 0 ? true : false,
    );
  });

  it('Compare with Current shows the row’s new text beside the document, and saving from the diff writes it', async () => {
    const { workbench, page, sandbox } = editor();
    assert.ok(draft, 'a draft is open for editing');
    await workbench.runCommand('Notifications: Clear All Notifications');
    changeElsewhere(sandbox, draft.id, '<p>Changed in the terminal again.</p>');
    await typeAtEndAndSave(page, ' Mine, second.');
    await clickOnToast(workbench, CHANGED_ELSEWHERE, COMPARE);
    await waitFor('the diff of the current text and the document', async () => {
      const title = await workbench.activeEditorTitle().catch(() => '');
      return title.includes('current (profile "sandbox") ↔ yours');
    });
    const diff = page.locator('.editor-group-container.active .monaco-diff-editor').first();
    await waitFor('the row’s new text in the diff', async () =>
      (await diff.innerText()).replace(/\u00a0/g, ' ').includes('Changed in the terminal again.'),
    );
    // The diff opens with the document's side focused: the save is the document's own.
    await page.keyboard.press('Control+S');
    const saved = await savedText(sandbox, draft.id, ' Mine, second.');
    assert.match(saved, / Mine, second\.$/);
    assert.doesNotMatch(saved, /Changed in the terminal/);
    // Close the diff and the document; leave no hover over the tree for the next file.
    await page.keyboard.press('Control+W');
    await page.keyboard.press('Control+W');
    await clearHovers(workbench);
  });
});
