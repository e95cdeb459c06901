// What goes wrong for a practitioner acting on a reminder's channel from the Reminders view: Send Again
// answered with anything but its button (nothing may change, nothing may leave), a row another actor settled
// meanwhile (the core refuses, the message says what the row is now, the views show it, nothing is lost), the
// profile switched while a question was open (nothing on either profile), and which rows offer which action.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { profileSchema, type Profile } from '../../../src/core/config';
import { LogHub } from '../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_STATUS } from '../../../src/core/practice';
import { reminderFromRow, type Reminder } from '../../../src/core/reminders';
import { reminderItemView } from '../../../src/vscode/reminderItem';
import { clockReading } from '../../builders/fakeClock';
import { failure } from '../../builders/failure';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aSessionWithReminders, NOW } from '../../builders/sessionActionDeps';
import { aReminder } from '../../builders/sessionBuilder';
import { editorModule, forgetEditorModules, SilentEventEmitter } from './vscodeStandIn';

type Commands = typeof import('../../../src/vscode/reminderChannelCommands');

const MESSAGES = DEFAULT_TABLES.scheduledMessage.entitySet;
const M = DEFAULT_TABLES.scheduledMessage.columns;
const PHONE = '+447700900123';
const sandbox = profileSchema.parse({ name: 'sandbox', kind: 'sandbox' });
const practice = profileSchema.parse({ name: 'practice', kind: 'live' });

interface Editor {
  /** Answers a modal question (after doing what the test wants to happen meanwhile). */
  confirm: (message: string, button: string) => string | undefined;
  pick?: (items: Array<{ label: string; medium?: string }>) => unknown;
  questions: string[];
  infos: string[];
}

// One stand-in for the whole file: the modules the commands import (confirmEffect, …) are loaded once and keep
// the vscode they first saw, so each test's editor is reached through `current`.
let current: Editor;
const standIn = {
  window: {
    showWarningMessage: async (message: string, _options: unknown, button: string) => {
      current.questions.push(message);
      return current.confirm(message, button);
    },
    showInformationMessage: async (message: string) => void current.infos.push(message),
    showQuickPick: async (items: Array<{ label: string }>) => current.pick?.(items),
    withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
  },
  workspace: { workspaceFolders: undefined },
  ProgressLocation: { Notification: 15 },
  EventEmitter: SilentEventEmitter,
};
const commands = editorModule<Commands>('../../../src/vscode/reminderChannelCommands', standIn);

function load(editor: Editor): Commands {
  current = editor;
  return commands();
}

const anEditor = (over: Partial<Editor> = {}): Editor => ({
  confirm: (_m, button) => button,
  questions: [],
  infos: [],
  ...over,
});

/** A practice with one session, its client reachable by e-mail and phone, and its reminders. */
async function practiceWithReminder(dv: MemoryDataverse): Promise<string> {
  return (await aSessionWithReminders(dv)).reminders[0]?.id as string;
}

async function reminderRow(dv: MemoryDataverse, id: string): Promise<{ kind: 'reminder'; reminder: Reminder }> {
  const { row } = await dv.get(MESSAGES, id);
  return { kind: 'reminder', reminder: reminderFromRow(row, DEFAULT_TABLES) };
}

function services(profile: Profile, dv: MemoryDataverse) {
  const hub = new LogHub();
  const clients = {
    profile,
    dataverse: dv,
    tables: DEFAULT_TABLES,
    identity: { clientId: 'app', tenantId: 't', roles: [], userName: 'Dr. Morgan' },
    http: {},
  };
  const sends: unknown[] = [];
  let refreshes = 0;
  const session = {
    clients: clients as unknown,
    requireDataverse: () => clients,
    refresh: async () => void refreshes++,
  };
  const s = {
    session,
    hub,
    log: hub.logger('business'),
    clock: clockReading(() => NOW),
    sender: { isSending: false, send: async (_c: unknown, options: unknown) => void sends.push(options) },
  };
  return { s: s as never, c: clients as never, session, sends, refreshes: () => refreshes };
}

const status = (dv: MemoryDataverse, id: string) => dv.row(MESSAGES, id)?.[M.status];

describe('Send Again… on a reminder that needs a check', () => {
  it('asks naming the profile and the recipient, and changes and sends nothing unless Send Again is clicked', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const { s, c, sends } = services(sandbox, dv);
    const writes = dv.writes.length;
    for (const answer of [undefined, 'Cancel']) {
      const editor = anEditor({ confirm: () => answer });
      const error = await failure(load(editor).sendReminderAgainCommand(s, c, await reminderRow(dv, id)));
      assert.equal(error.errorClass, 'cancelled');
      assert.match(editor.questions[0] ?? '', /profile "sandbox"/);
      assert.match(editor.questions[0] ?? '', /alex@example\.test/);
      assert.match(editor.questions[0] ?? '', /twice/);
    }
    assert.equal(dv.writes.length, writes, 'nothing was written');
    assert.equal(status(dv, id), MESSAGE_STATUS.needsCheck);
    assert.deepEqual(sends, [], 'nothing was sent');
  });

  it('asks even on a profile that does not confirm effects, then approves it afresh and sends it at once', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const { s, c, sends } = services(sandbox, dv);
    const editor = anEditor();
    await load(editor).sendReminderAgainCommand(s, c, await reminderRow(dv, id));
    assert.equal(editor.questions.length, 1);
    assert.equal(status(dv, id), MESSAGE_STATUS.approved);
    assert.deepEqual(sends, [{ reminderIds: [id], ask: false }]);
  });

  it('does nothing on either profile when the profile switched while the question was open', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const { s, c, session, sends } = services(sandbox, dv);
    const writes = dv.writes.length;
    const editor = anEditor({
      confirm: (_m, button) => {
        session.clients = { ...(session.clients as object), profile: practice, dataverse: new MemoryDataverse() };
        return button;
      },
    });
    const error = await failure(load(editor).sendReminderAgainCommand(s, c, await reminderRow(dv, id)));
    assert.equal(error.code, 'reminders.profileChanged');
    assert.match(error.message, /profile practice is active now.*nothing was sent again on sandbox/);
    assert.equal(dv.writes.length, writes);
    assert.deepEqual(sends, []);
  });
});

describe('Mark as Sent on a reminder that needs a check', () => {
  it('marks it sent with the time it was checked', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const { s, c } = services(sandbox, dv);
    const editor = anEditor();
    await load(editor).markReminderSentCommand(s, c, await reminderRow(dv, id));
    assert.equal(status(dv, id), MESSAGE_STATUS.sent);
    assert.equal(dv.row(MESSAGES, id)?.[M.sentTime], new Date(NOW).toISOString());
    assert.match(editor.infos.join('\n'), /Marked the reminder to Alex Morgan as sent on profile "sandbox"/);
  });

  it('is refused, saying what the row is now, when someone sent it again meanwhile; nothing is lost and the view refreshes', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const shown = await reminderRow(dv, id); // the row as the tree showed it
    const { s, c, refreshes } = services(sandbox, dv);
    // Another window chose Send Again between the tree's refresh and this click.
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.approved, [M.attempts]: 0 });
    const before = { ...dv.row(MESSAGES, id) };
    const error = await failure(load(anEditor()).markReminderSentCommand(s, c, shown));
    assert.match(error.message, /is approved, so it cannot be marked as sent/);
    assert.deepEqual(dv.row(MESSAGES, id), before, 'the row is as the other actor left it');
    assert.equal(refreshes(), 1, 'the views were refreshed to show it');
  });

  it('is refused when another actor changes the row between its read and its write', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const { s, c } = services(sandbox, dv);
    dv.beforeWrite = async () => {
      await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.approved });
    };
    const error = await failure(load(anEditor()).markReminderSentCommand(s, c, await reminderRow(dv, id)));
    assert.equal(error.code, 'reminders.changed');
    assert.match(error.message, /nothing was changed/);
    assert.equal(status(dv, id), MESSAGE_STATUS.approved);
  });

  it('on a live profile asks first, and marks nothing when the profile switched meanwhile', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.needsCheck });
    const { s, c, session } = services(practice, dv);
    const editor = anEditor({
      confirm: (_m, button) => {
        session.clients = undefined;
        return button;
      },
    });
    const error = await failure(load(editor).markReminderSentCommand(s, c, await reminderRow(dv, id)));
    assert.match(editor.questions[0] ?? '', /Mark the reminder to Alex Morgan as sent/);
    assert.match(error.message, /you signed out/);
    assert.equal(status(dv, id), MESSAGE_STATUS.needsCheck);
  });
});

describe('Change Channel… on a reminder not yet sent', () => {
  // The last tests of this file that load the commands: later files load the editor modules with their own stand-in.
  after(forgetEditorModules);

  it('moves a draft to SMS, with the client’s phone, rendered again as plain text', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { s, c } = services(sandbox, dv);
    const editor = anEditor({ pick: (items) => items.find((i) => i.medium === 'sms') });
    await load(editor).changeReminderChannelCommand(s, c, await reminderRow(dv, id));
    const row = dv.row(MESSAGES, id) ?? {};
    assert.equal(row[M.channel], MESSAGE_CHANNEL.sms);
    assert.equal(row[M.phone], PHONE);
    assert.doesNotMatch(String(row[M.text]), /<p>/);
    assert.match(editor.infos.join('\n'), /now goes by SMS \(\+447700900123\) on profile "sandbox"/);
  });

  it('changes nothing when the pick is dismissed or the profile switched while asked', async () => {
    const dv = new MemoryDataverse();
    const id = await practiceWithReminder(dv);
    const { s, c, session } = services(practice, dv);
    const writes = dv.writes.length;
    await load(anEditor({ pick: () => undefined })).changeReminderChannelCommand(s, c, await reminderRow(dv, id));
    const switching = anEditor({
      pick: (items) => items.find((i) => i.medium === 'sms'),
      confirm: (_m, button) => {
        session.clients = { ...(session.clients as object), profile: sandbox };
        return button;
      },
    });
    const error = await failure(load(switching).changeReminderChannelCommand(s, c, await reminderRow(dv, id)));
    assert.equal(error.code, 'reminders.profileChanged');
    assert.equal(dv.writes.length, writes);
  });
});

describe('the Reminders view’s channel actions and tooltips', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const entries = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
  const now = new Date('2026-11-25T12:00:00Z');
  const contexts = [
    ...new Set(
      (Object.keys(MESSAGE_STATUS) as Array<Reminder['status']>).flatMap((st) =>
        ['2026-11-25T11:00:00Z', '2026-11-25T13:00:00Z'].map(
          (at) => reminderItemView({ ...aReminder().at(at).build(), status: st }, now).contextValue,
        ),
      ),
    ),
  ];
  const rows = (command: string) =>
    contexts
      .filter((v) =>
        entries
          .filter((e) => e.command === command)
          .some((e) => {
            const eq = /viewItem == ([\w.]+)/.exec(e.when);
            const re = /viewItem =~ \/(.+?)\//.exec(e.when);
            return eq ? eq[1] === v : re ? new RegExp(re[1] as string).test(v) : false;
          }),
      )
      .sort();

  it('offers Mark as Sent and Send Again on rows that need a check only, Change Channel on drafts and approved ones', () => {
    assert.deepEqual(rows('lifeCockpit.markReminderSent'), ['reminder.needsCheck']);
    assert.deepEqual(rows('lifeCockpit.sendReminderAgain'), ['reminder.needsCheck']);
    assert.deepEqual(rows('lifeCockpit.changeReminderChannel'), [
      'reminder.approved',
      'reminder.approved.due',
      'reminder.draft',
    ]);
  });

  it('says in the tooltip what a crash leaves for SMTP, SendGrid and SMS, and nothing of it for Graph', () => {
    const mail = aReminder().approved().build();
    const sms = { ...aReminder().approved().build(), channel: 'sms' as const, phone: PHONE };
    const tip = (r: Reminder, mailChannel?: Profile['mailChannel']) =>
      reminderItemView(r, now, { mailChannel }).tooltip;
    assert.match(tip(mail, 'smtp'), /Channel: SMTP mail/);
    assert.match(tip(mail, 'smtp'), /waits under Needs a Check for you/);
    assert.match(tip(mail, 'sendgrid'), /SendGrid mail.*waits under Needs a Check/s);
    assert.match(tip(sms), /To: \\\+447700900123/, 'the phone, escaped for Markdown');
    assert.match(tip(sms), /within a few minutes is safe: ACS drops a repeat/);
    assert.doesNotMatch(tip(mail, 'graph'), /Needs a Check/);
    assert.doesNotMatch(tip(mail), /crash|Needs a Check/);
  });
});
