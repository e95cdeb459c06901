// What goes wrong for a practitioner editing a reminder from the Reminders view: an SMS opened with an e-mail's
// `Subject:` line (the saved text must be exactly what the phone gets), and a reminder moved to the other channel
// (here, from the CLI or another window) while its edit document was open, whose save would put an e-mail's
// subject and HTML on a phone, or an SMS's bare text into an e-mail, unless it is refused.
import { strict as assert } from 'node:assert';
import { profileSchema } from '../../../src/core/config';
import { LogHub, silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_CHANNEL } from '../../../src/core/practice';
import { defaultTemplates, reminderFromRow, setReminderChannel } from '../../../src/core/reminders';
import { failure } from '../../builders/failure';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aSessionWithReminders } from '../../builders/sessionActionDeps';
import { editorModule, forgetEditorModules, SilentEventEmitter } from './vscodeStandIn';

type Commands = typeof import('../../../src/vscode/reminderRowCommands');

const MESSAGES = DEFAULT_TABLES.scheduledMessage.entitySet;
const M = DEFAULT_TABLES.scheduledMessage.columns;
const sandbox = profileSchema.parse({ name: 'sandbox', kind: 'sandbox' });

const infos: string[] = [];
const standIn = {
  window: {
    showInformationMessage: async (message: string) => void infos.push(message),
    showWarningMessage: async (_m: string, _o: unknown, button: string) => button,
    withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
  },
  workspace: { workspaceFolders: undefined },
  ProgressLocation: { Notification: 15 },
  EventEmitter: SilentEventEmitter,
};

const commands = editorModule<Commands>('../../../src/vscode/reminderRowCommands', standIn);

interface OpenedDocument {
  path: string;
  text: string;
  language?: string;
  save(text: string): Promise<void>;
}

/** The signed-in editor's services, with Edit's documents recorded instead of shown. */
function services(dv: MemoryDataverse) {
  const hub = new LogHub();
  const clients = {
    profile: sandbox,
    dataverse: dv,
    tables: DEFAULT_TABLES,
    identity: { clientId: 'app', tenantId: 't', roles: [], userName: 'Dr. Morgan' },
    http: {},
  };
  const opened: OpenedDocument[] = [];
  const editable = {
    open: async (p: string, text: string, save: (text: string) => Promise<void>, language?: string) =>
      void opened.push({ path: p, text, save, ...(language === undefined ? {} : { language }) }),
  };
  const session = { clients: clients as unknown, refresh: async () => undefined };
  const s = { session, hub, log: hub.logger('business'), editable };
  return { s: s as never, c: clients as never, opened };
}

/** A practice with one session whose client has an address and a phone; returns its first reminder's id. */
async function practiceWithReminder(dv: MemoryDataverse): Promise<string> {
  return (await aSessionWithReminders(dv)).reminders[0]?.id as string;
}

/** What `lc reminders channel ID sms|email` (or another window's Change Channel…) does to the row. */
async function moveTo(dv: MemoryDataverse, id: string, channel: 'email' | 'sms'): Promise<void> {
  const deps = { dataverse: dv, tables: DEFAULT_TABLES, log: silentLogger, templates: defaultTemplates() };
  await setReminderChannel({ ...deps, practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/London' } }, id, channel);
}

async function rowNode(dv: MemoryDataverse, id: string) {
  const { row } = await dv.get(MESSAGES, id);
  return { kind: 'reminder', reminder: reminderFromRow(row, DEFAULT_TABLES) };
}

const stored = (dv: MemoryDataverse, id: string) => ({ ...dv.row(MESSAGES, id) });

function lastOpened(opened: OpenedDocument[]): OpenedDocument {
  const doc = opened[opened.length - 1];
  assert.ok(doc, 'Edit opened a document');
  return doc;
}

describe('Edit Reminder on an SMS', () => {
  beforeEach(() => void infos.splice(0));

  it('opens just the text the phone gets, as plain text, with no Subject: line', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await moveTo(dv, id, 'sms');
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const doc = lastOpened(opened);
    assert.equal(doc.text, stored(dv, id)[M.text]);
    assert.doesNotMatch(doc.text, /Subject:/);
    assert.equal(doc.language, 'plaintext');
    assert.match(doc.path, /\.txt$/);
  });

  it('saves the document as the SMS text itself (less trailing blank lines), keeping a line that looks like a header', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await moveTo(dv, id, 'sms');
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    await lastOpened(opened).save('Subject: Friday\r\n\r\nHi Alex, see you on Friday at 10. Dr. Morgan\n\n');
    const row = stored(dv, id);
    assert.equal(row[M.text], 'Subject: Friday\n\nHi Alex, see you on Friday at 10. Dr. Morgan');
    assert.equal(row[M.channel], MESSAGE_CHANNEL.sms);
    assert.match(infos.join('\n'), /Saved the reminder to Alex Morgan on profile "sandbox"/);
  });

  it('refuses an empty text, saving nothing', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await moveTo(dv, id, 'sms');
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const before = stored(dv, id);
    const error = await failure(lastOpened(opened).save(' \n\n'));
    assert.equal(error.code, 'reminders.editNoBody');
    assert.deepEqual(stored(dv, id), before);
  });
});

describe('Edit Reminder on an e-mail', () => {
  after(forgetEditorModules);

  it('opens its subject line and HTML body, and saves both', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const doc = lastOpened(opened);
    assert.match(doc.text, /^Subject: \S/);
    assert.equal(doc.language, 'html');
    assert.match(doc.path, /\.html$/);
    await doc.save('Subject: Moved to Friday\n\n<p>See you on Friday.</p>\n');
    assert.equal(stored(dv, id)[M.subject], 'Moved to Friday');
    assert.equal(stored(dv, id)[M.text], '<p>See you on Friday.</p>');
  });

  it('is not saved into a reminder moved to SMS while it was open: the refusal names the channel, and Edit then opens the SMS', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const mail = lastOpened(opened);
    await moveTo(dv, id, 'sms');
    const sms = stored(dv, id);
    const error = await failure(mail.save(mail.text.replace('</p>', ' Bring the form.</p>')));
    assert.equal(error.code, 'reminders.editChannelChanged');
    assert.match(error.message, /now goes by SMS/);
    assert.match(error.message, /nothing was saved/);
    assert.match(error.message, /Edit Reminder/);
    assert.deepEqual(stored(dv, id), sms, 'the SMS is as the channel change left it');
    // The stale document keeps its path; Edit opens the SMS as a document of its own, which saves.
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const text = lastOpened(opened);
    assert.notEqual(text.path, mail.path);
    assert.equal(text.text, sms[M.text]);
    await text.save('Hi Alex, bring the form on Friday.');
    assert.equal(stored(dv, id)[M.text], 'Hi Alex, bring the form on Friday.');
  });

  it('is not saved as an e-mail when an SMS was moved to e-mail while it was open', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await moveTo(dv, id, 'sms');
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const text = lastOpened(opened);
    await moveTo(dv, id, 'email');
    const mail = stored(dv, id);
    const error = await failure(text.save('Hi Alex, see you Friday.'));
    assert.equal(error.code, 'reminders.editChannelChanged');
    assert.match(error.message, /now goes by e-mail/);
    assert.deepEqual(stored(dv, id), mail);
  });

  it('is refused when the channel changes between the save’s check and its write', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { s, c, opened } = services(dv);
    await commands().editReminderCommand(s, c, await rowNode(dv, id));
    const mail = lastOpened(opened);
    dv.beforeWrite = () => moveTo(dv, id, 'sms');
    const error = await failure(mail.save('Subject: Friday\n\n<p>See you.</p>'));
    assert.equal(error.errorClass, 'conflict');
    assert.equal(stored(dv, id)[M.channel], MESSAGE_CHANNEL.sms);
    assert.doesNotMatch(String(stored(dv, id)[M.text]), /See you\./);
  });
});
