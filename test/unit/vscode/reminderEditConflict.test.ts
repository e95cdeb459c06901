// An Edit Reminder document whose save is refused because the row changed since it was opened. How it goes
// wrong for a practitioner: every later save refused with the same old ETag (stuck: copy, revert, reopen); a
// retry that overwrites text someone else wrote without it being seen; another window's approval (which does
// not touch the text) blocking the save for nothing; a third actor changing the row between Save Mine Over
// It's re-read and its write; the sender claiming the row in that gap, or the row sent, cancelled or moved to
// the other channel meanwhile (never overwritten, whatever the user picks); a profile switch or sign-out while
// the notification is open (Save Mine Over It then writes nothing on either profile); a change elsewhere right
// after the document's own write, taken as seen by the next save.
import { strict as assert } from 'node:assert';
import { profileSchema } from '../../../src/core/config';
import { LogHub, silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import { approveReminder, defaultTemplates, reminderFromRow, setReminderChannel } from '../../../src/core/reminders';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aSessionWithReminders } from '../../builders/sessionActionDeps';
import { editorModule, forgetEditorModules, SilentEventEmitter } from './vscodeStandIn';

type Commands = typeof import('../../../src/vscode/reminderRowCommands');

const MESSAGES = DEFAULT_TABLES.scheduledMessage.entitySet;
const M = DEFAULT_TABLES.scheduledMessage.columns;
const COMPARE = 'Compare with Current';
const SAVE_MINE = 'Save Mine Over It';
const sandbox = profileSchema.parse({ name: 'sandbox', kind: 'sandbox' });
const other = profileSchema.parse({ name: 'other', kind: 'sandbox' });

const infos: string[] = [];
const errors: string[] = [];
const warnings: Array<{ message: string; buttons: string[] }> = [];
/** What the user picks in the next warnings (undefined: dismissed); a promise lets a test act before picking. */
const answers: Array<string | undefined | Promise<string | undefined>> = [];
const standIn = {
  window: {
    showInformationMessage: async (message: string) => void infos.push(message),
    showErrorMessage: async (message: string) => void errors.push(message),
    showWarningMessage: async (message: string, ...buttons: string[]) => {
      warnings.push({ message, buttons });
      return answers.shift();
    },
  },
  workspace: { workspaceFolders: undefined },
  EventEmitter: SilentEventEmitter,
};

const commands = editorModule<Commands>('../../../src/vscode/reminderRowCommands', standIn);

/** An open edit document as the editor holds it: its buffer, whether it is dirty, the save behind it. */
interface Doc {
  path: string;
  text: string;
  dirty: boolean;
  save(text: string): Promise<void>;
}

function clientsOf(profile: typeof sandbox, dv: MemoryDataverse) {
  return {
    profile,
    dataverse: dv,
    tables: DEFAULT_TABLES,
    identity: { clientId: 'app', tenantId: 't', roles: [], userName: 'Dr. Morgan' },
    http: {},
  };
}

/** The signed-in editor's services; the editable documents behave as the editor does with a save that throws. */
function services(dv: MemoryDataverse) {
  const hub = new LogHub();
  const clients = clientsOf(sandbox, dv);
  const docs = new Map<string, Doc>();
  const compared: Array<{ path: string; current: string; title: string }> = [];
  const editable = {
    open: async (p: string, text: string, save: (text: string) => Promise<void>) => {
      if (docs.get(p)?.dirty) return;
      docs.set(p, { path: p, text, dirty: false, save });
    },
    compare: async (p: string, current: string, title: string) => void compared.push({ path: p, current, title }),
    saveOpen: async (p: string) => {
      const doc = docs.get(p);
      if (!doc) return 'closed';
      if (!doc.dirty) return 'clean';
      // The editor shows a failed save's error itself.
      const error = await type(doc, doc.text);
      if (error) errors.push(error.message);
      return error ? 'notSaved' : 'saved';
    },
  };
  const session = { clients: clients as unknown, refresh: async () => undefined };
  const s = { session, hub, log: hub.logger('business'), editable, showLog: () => undefined };
  return { s: s as never, c: clients as never, session, docs, compared };
}

/** The user types `text` and saves: undefined when saved, else the error the editor shows. */
async function type(doc: Doc, text: string): Promise<(Error & { code?: string }) | undefined> {
  doc.text = text;
  doc.dirty = true;
  try {
    await doc.save(text);
    doc.dirty = false;
    return undefined;
  } catch (error) {
    return error as Error & { code?: string };
  }
}

/** Waits (turn by turn, no timer) until what a notification's button started has happened. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`never happened: ${what}`);
}

async function practiceWithReminder(dv: MemoryDataverse): Promise<string> {
  return (await aSessionWithReminders(dv)).reminders[0]?.id as string;
}

async function rowNode(dv: MemoryDataverse, id: string) {
  const { row } = await dv.get(MESSAGES, id);
  return { kind: 'reminder', reminder: reminderFromRow(row, DEFAULT_TABLES) };
}

const stored = (dv: MemoryDataverse, id: string) => ({ ...dv.row(MESSAGES, id) });
/** Another window or the CLI changing the row. */
const elsewhere = (dv: MemoryDataverse, id: string, change: Record<string, unknown>) => dv.update(MESSAGES, id, change);
const coreDeps = (dv: MemoryDataverse) => ({ dataverse: dv, tables: DEFAULT_TABLES, log: silentLogger });

/** Opens the reminder in Edit; returns its document. */
async function edit(dv: MemoryDataverse, id: string) {
  const env = services(dv);
  await commands().editReminderCommand(env.s, env.c, await rowNode(dv, id));
  const doc = [...env.docs.values()][0];
  assert.ok(doc, 'Edit opened a document');
  return { ...env, doc };
}

/** The answer to the next warning, picked when the test calls the returned function. */
function pickLater(): (choice: string) => void {
  let pick: (choice: string) => void = () => undefined;
  answers.push(new Promise((resolve) => (pick = resolve)));
  return (choice) => pick(choice);
}

const mine = (doc: Doc) => doc.text.replace('</p>', ' Mine.</p>');

describe('Edit Reminder when the row changed since it was opened', () => {
  beforeEach(() => {
    infos.splice(0);
    errors.splice(0);
    warnings.splice(0);
    answers.length = 0;
  });
  after(forgetEditorModules);

  it('keeps the text and offers Compare with Current and Save Mine Over It, naming the profile and the client', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await elsewhere(dv, id, { [M.text]: '<p>Theirs.</p>' });
    const error = await type(doc, mine(doc));
    assert.equal(error?.code, 'reminders.editConflict');
    assert.match(error.message, /nothing was saved/);
    assert.equal(doc.dirty, true);
    assert.equal(stored(dv, id)[M.text], '<p>Theirs.</p>');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /reminder to Alex Morgan/);
    assert.match(warnings[0]?.message ?? '', /profile "sandbox"/);
    assert.deepEqual(warnings[0]?.buttons, [COMPARE, SAVE_MINE]);
  });

  it('Save Mine Over It writes the document’s current text under the new ETag and leaves it saved; later saves work', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await elsewhere(dv, id, { [M.text]: '<p>Theirs.</p>' });
    answers.push(SAVE_MINE);
    const text = mine(doc);
    await type(doc, text);
    await until(() => !doc.dirty, 'the document saved');
    assert.equal(stored(dv, id)[M.text], text.split('\n\n')[1]?.trimEnd());
    assert.match(infos.join('\n'), /Saved the reminder to Alex Morgan on profile "sandbox"/);
    assert.equal(await type(doc, 'Subject: Later\n\n<p>Later.</p>'), undefined, 'the next save is not stuck');
    assert.equal(stored(dv, id)[M.text], '<p>Later.</p>');
  });

  it('Compare with Current shows the row’s current text against the document, which then saves over what was compared', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc, compared } = await edit(dv, id);
    await elsewhere(dv, id, { [M.subject]: 'Their subject', [M.text]: '<p>Theirs.</p>' });
    answers.push(COMPARE);
    await type(doc, mine(doc));
    await until(() => compared.length === 1, 'the diff opened');
    assert.equal(compared[0]?.path, doc.path);
    assert.equal(compared[0]?.current, 'Subject: Their subject\n\n<p>Theirs.</p>');
    assert.match(compared[0]?.title ?? '', /sandbox/);
    assert.equal(await type(doc, 'Subject: Merged\n\n<p>Theirs. Mine.</p>'), undefined);
    assert.equal(stored(dv, id)[M.text], '<p>Theirs. Mine.</p>');
    assert.equal(stored(dv, id)[M.subject], 'Merged');
  });

  it('a change that leaves the text alone (approved in another window) does not block the save, and the approval stays', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await approveReminder(coreDeps(dv), id);
    assert.equal(await type(doc, mine(doc)), undefined);
    assert.match(String(stored(dv, id)[M.text]), /Mine\.<\/p>/);
    assert.equal(stored(dv, id)[M.status], MESSAGE_STATUS.approved);
    assert.equal(warnings.length, 0);
  });

  it('a third actor changing the text between Save Mine Over It’s re-read and its write is not overwritten: it asks again', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await elsewhere(dv, id, { [M.text]: '<p>Second.</p>' });
    answers.push(SAVE_MINE);
    dv.beforeWrite = () => elsewhere(dv, id, { [M.text]: '<p>Third.</p>' });
    await type(doc, mine(doc));
    await until(() => warnings.length === 2, 'asked again');
    assert.equal(stored(dv, id)[M.text], '<p>Third.</p>');
    assert.equal(doc.dirty, true);
    assert.deepEqual(warnings[1]?.buttons, [COMPARE, SAVE_MINE]);
  });

  it('the sender claiming the row between Save Mine Over It’s re-read and its write: refused, saying it is being sent', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await elsewhere(dv, id, { [M.text]: '<p>Theirs.</p>' });
    answers.push(SAVE_MINE);
    dv.beforeWrite = () => elsewhere(dv, id, { [M.status]: MESSAGE_STATUS.sending });
    await type(doc, mine(doc));
    await until(() => errors.length === 1, 'the refusal shown');
    assert.match(errors[0] ?? '', /being sent/);
    assert.equal(stored(dv, id)[M.text], '<p>Theirs.</p>');
    assert.equal(doc.dirty, true);
    assert.equal(warnings.length, 1, 'not offered to overwrite a row being sent');
  });

  for (const [status, words] of [
    ['sent', /is now sent/],
    ['cancelled', /is now cancelled/],
    ['sending', /is now being sent/],
  ] as const) {
    it(`a reminder ${status} meanwhile is never overwritten: the save says what it is now and offers nothing`, async () => {
      const dv = new MemoryDataverse();
      const id = await practiceWithReminder(dv);
      const { doc } = await edit(dv, id);
      await elsewhere(dv, id, { [M.status]: MESSAGE_STATUS[status] });
      const before = stored(dv, id);
      const error = await type(doc, mine(doc));
      assert.equal(error?.code, 'reminders.editNotEditable');
      assert.match(error.message, words);
      assert.match(error.message, /your text stays/);
      assert.deepEqual(stored(dv, id), before);
      assert.equal(warnings.length, 0);
      assert.equal(doc.dirty, true);
    });
  }

  it('a reminder sent after the notification appeared is not overwritten by Save Mine Over It', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await elsewhere(dv, id, { [M.text]: '<p>Theirs.</p>' });
    const pick = pickLater();
    await type(doc, mine(doc));
    await elsewhere(dv, id, { [M.status]: MESSAGE_STATUS.sent });
    const before = stored(dv, id);
    pick(SAVE_MINE);
    await until(() => errors.length === 1, 'the refusal shown');
    assert.match(errors[0] ?? '', /is now sent/);
    assert.deepEqual(stored(dv, id), before);
    assert.equal(doc.dirty, true);
  });

  for (const what of ['a switch to another profile', 'a sign-out'] as const) {
    it(`Save Mine Over It after ${what} while the notification was open writes nothing on either profile`, async () => {
      const dv = new MemoryDataverse();
      const id = await practiceWithReminder(dv);
      const otherDv = new MemoryDataverse();
      const { doc, session } = await edit(dv, id);
      await elsewhere(dv, id, { [M.text]: '<p>Theirs.</p>' });
      const pick = pickLater();
      await type(doc, mine(doc));
      const before = stored(dv, id);
      const writes = dv.writes.length;
      session.clients = what === 'a sign-out' ? undefined : clientsOf(other, otherDv);
      pick(SAVE_MINE);
      await until(() => errors.length === 1, 'the refusal shown');
      assert.match(errors[0] ?? '', /profile "sandbox", which is no longer signed in/);
      assert.deepEqual(stored(dv, id), before);
      assert.equal(dv.writes.length, writes);
      assert.equal(otherDv.writes.length, 0);
      assert.equal(doc.dirty, true);
    });
  }

  it('Save Mine Over It on a reminder moved to SMS meanwhile refuses, naming the channel', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    await elsewhere(dv, id, { [M.text]: '<p>Theirs.</p>' });
    const pick = pickLater();
    await type(doc, mine(doc));
    const deps = { ...coreDeps(dv), templates: defaultTemplates() };
    await setReminderChannel({ ...deps, practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/London' } }, id, 'sms');
    const before = stored(dv, id);
    pick(SAVE_MINE);
    await until(() => errors.length === 1, 'the refusal shown');
    assert.match(errors[0] ?? '', /now goes by SMS/);
    assert.deepEqual(stored(dv, id), before);
  });

  it('a save right after its own save is not refused (the document follows its own write)', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    assert.equal(await type(doc, mine(doc)), undefined);
    assert.equal(await type(doc, 'Subject: Again\n\n<p>Again.</p>'), undefined);
    assert.equal(stored(dv, id)[M.text], '<p>Again.</p>');
  });

  it('a change elsewhere right after its own write is not taken as seen: the next save asks instead of overwriting it', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { doc } = await edit(dv, id);
    const update = dv.update.bind(dv);
    dv.update = async (...args: Parameters<MemoryDataverse['update']>) => {
      dv.update = update;
      await update(...args);
      await update(MESSAGES, id, { [M.text]: '<p>Right after.</p>' });
    };
    assert.equal(await type(doc, mine(doc)), undefined);
    const error = await type(doc, 'Subject: Again\n\n<p>Again.</p>');
    assert.equal(error?.code, 'reminders.editConflict');
    assert.equal(stored(dv, id)[M.text], '<p>Right after.</p>');
    assert.equal(warnings.length, 1);
  });
});
