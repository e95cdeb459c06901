// The trees' context values and package.json's when-clauses agree: each row action shows on exactly the
// rows it applies to (Send Now on approved reminders, not on sent ones), and no clause matches nothing.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MESSAGE_STATUS, PAYMENT_STATUS } from '../../../src/core/practice';
import type { ReminderStatus } from '../../../src/core/reminders';
import type { SessionStatus } from '../../../src/core/sessions';
import { reminderItemView } from '../../../src/vscode/reminderItem';
import { sessionItemView } from '../../../src/vscode/sessionItem';
import { aReminder, aSession } from '../../builders/sessionBuilder';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const entries = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
const now = new Date('2026-11-25T12:00:00Z');

/** Every context value a reminder row can carry. */
function reminderContexts(): string[] {
  const values = new Set<string>();
  for (const status of Object.keys(MESSAGE_STATUS) as ReminderStatus[]) {
    for (const at of ['2026-11-25T11:00:00Z', '2026-11-25T13:00:00Z']) {
      values.add(reminderItemView({ ...aReminder().at(at).build(), status }, now).contextValue);
    }
  }
  return [...values];
}

function sessionContexts(): string[] {
  const values = new Set<string>();
  for (const status of ['scheduled', 'attended', 'noShow', 'canceled'] as SessionStatus[])
    for (const payment of Object.keys(PAYMENT_STATUS) as Array<keyof typeof PAYMENT_STATUS>)
      values.add(sessionItemView({ ...aSession().build(), status, payment }).contextValue);
  return [...values];
}

/** Evaluates the `viewItem` part of a when-clause (`viewItem == x` or `viewItem =~ /re/`). */
function matchesViewItem(when: string, value: string): boolean {
  const equal = /viewItem == ([\w.]+)/.exec(when);
  if (equal) return equal[1] === value;
  const regex = /viewItem =~ \/(.+?)\//.exec(when);
  if (regex) return new RegExp(regex[1] as string).test(value);
  return true;
}

function rowsFor(view: string, command: string, values: string[]): string[] {
  const clauses = entries.filter((e) => e.command === command && e.when.includes(`view == ${view}`));
  assert.ok(clauses.length > 0, `${command} is in no context menu of ${view}`);
  return values.filter((v) => clauses.some((c) => matchesViewItem(c.when, v)));
}

describe('context menus of the trees', () => {
  it('every row clause of the Sessions and Reminders views matches some row', () => {
    const values = { 'lifeCockpit.sessions': sessionContexts(), 'lifeCockpit.reminders': reminderContexts() };
    for (const entry of entries) {
      const view = Object.keys(values).find((v) => entry.when.includes(`view == ${v}`)) as keyof typeof values;
      if (!view || !entry.when.includes('viewItem') || /viewItem == group\./.test(entry.when)) continue;
      assert.ok(
        values[view].some((v) => matchesViewItem(entry.when, v)),
        `${entry.command}: "${entry.when}" matches no row of ${view}`,
      );
    }
  });

  it('offers Send Now on approved reminders, due or not, and on nothing else', () => {
    assert.deepEqual(rowsFor('lifeCockpit.reminders', 'lifeCockpit.sendReminderNow', reminderContexts()).sort(), [
      'reminder.approved',
      'reminder.approved.due',
    ]);
  });
});

describe('reminder row actions in the Reminders view', () => {
  const rows = (command: string) => rowsFor('lifeCockpit.reminders', command, reminderContexts()).sort();

  it('approves drafts only, retries failed ones only', () => {
    assert.deepEqual(rows('lifeCockpit.approveReminder'), ['reminder.draft']);
    assert.deepEqual(rows('lifeCockpit.retryReminder'), ['reminder.failed']);
  });

  it('edits and skips what has not left, never what is sending or sent', () => {
    const pending = ['reminder.approved', 'reminder.approved.due', 'reminder.draft', 'reminder.failed'];
    assert.deepEqual(rows('lifeCockpit.editReminder'), pending);
    assert.deepEqual(rows('lifeCockpit.skipReminder'), pending);
  });

  it('previews any reminder', () => {
    assert.deepEqual(rows('lifeCockpit.previewReminder'), reminderContexts().sort());
  });
});

describe('session row actions in the Sessions view', () => {
  const rows = (command: string) =>
    rowsFor('lifeCockpit.sessions', command, sessionContexts()).map((v) => v.split('.')[1]);
  const statuses = (command: string) => [...new Set(rows(command))].sort();

  it('marks, moves and cancels only scheduled sessions', () => {
    for (const command of [
      'lifeCockpit.markAttended',
      'lifeCockpit.markNoShow',
      'lifeCockpit.rescheduleSession',
      'lifeCockpit.cancelSession',
    ])
      assert.deepEqual(statuses(command), ['scheduled'], command);
  });

  it('takes notes on sessions that took place or are to come, not on cancelled ones', () => {
    assert.deepEqual(statuses('lifeCockpit.addSessionNote'), ['attended', 'noShow', 'scheduled']);
  });

  it('copies the id and opens Dataverse for every session, whatever its payment', () => {
    assert.equal(rows('lifeCockpit.copySessionId').length, sessionContexts().length);
  });
});
