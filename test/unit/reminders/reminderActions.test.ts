// Approve, skip, edit and retry one reminder: each is conditional on the row's ETag, so a change racing the
// sender's claim is a ConflictError naming what the row became, never a silent overwrite; a repeated action
// changes nothing; a message that is being sent or was sent is not edited.
import { strict as assert } from 'node:assert';
import { ConflictError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/log/types';
import { DEFAULT_TABLES, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import {
  approveReminder,
  editReminder,
  retryReminder,
  skipReminder,
  type ReminderActionDeps,
  type ReminderStatus,
} from '../../../src/core/reminders';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { failure } from '../../builders/failure';

const T = DEFAULT_TABLES.scheduledMessage;
const C = T.columns;
let counter = 0;

function seedMessage(dv: MemoryDataverse, status: ReminderStatus, extra: Record<string, unknown> = {}): string {
  return dv.seed(T.entitySet, {
    [T.primaryId]: `bbbbbbbb-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    [T.primaryName]: 'Reminder: your session',
    [C.clientName]: 'Alex Morgan',
    [C.email]: 'alex@example.test',
    [C.status]: MESSAGE_STATUS[status],
    [C.kind]: MESSAGE_KIND.reminder,
    [C.subject]: 'Reminder: your session',
    [C.text]: '<p>Hello Alex</p>',
    [C.scheduledTime]: '2026-01-06T09:00:00Z',
    [C.attempts]: status === 'failed' ? 5 : 0,
    [C.lastError]: status === 'failed' ? 'Graph: mailbox full' : null,
    ...extra,
  });
}

describe('acting on a reminder', () => {
  let dv: MemoryDataverse;
  let deps: ReminderActionDeps;
  beforeEach(() => {
    dv = new MemoryDataverse();
    deps = { dataverse: dv, tables: DEFAULT_TABLES, log: silentLogger };
  });

  /** The sender's claim, as it makes it: the row to sending under the ETag it read. */
  const claimBySender = (id: string) => () =>
    dv.update(T.entitySet, id, { [C.status]: MESSAGE_STATUS.sending }, { ifMatch: dv.etag(T.entitySet, id) });

  it('approves a draft, and approving it again changes nothing', async () => {
    const id = seedMessage(dv, 'draft');
    const first = await approveReminder(deps, id);
    assert.equal(first.reminder.status, 'approved');
    assert.equal(first.changed, true);
    const second = await approveReminder(deps, id);
    assert.equal(second.changed, false);
    assert.equal(dv.writes.length, 1);
  });

  it('reports a skip that races the sender’s claim as a conflict, and leaves the claimed row as the sender set it', async () => {
    const id = seedMessage(dv, 'approved');
    dv.beforeWrite = claimBySender(id);
    const error = await failure(skipReminder(deps, id));
    assert.ok(error instanceof ConflictError, String(error));
    assert.equal(error.code, 'reminders.changed');
    assert.match(error.message, /now being sent/);
    assert.equal(dv.row(T.entitySet, id)?.[C.status], MESSAGE_STATUS.sending);
    const skip = dv.writes.find((w) => w.body[C.status] === MESSAGE_STATUS.cancelled);
    assert.ok(skip?.ifMatch, 'the skip was conditional on the ETag read');
  });

  it('reports an edit that races the sender’s claim as a conflict, the text unchanged', async () => {
    const id = seedMessage(dv, 'approved');
    dv.beforeWrite = claimBySender(id);
    const error = await failure(editReminder(deps, id, { text: '<p>Changed</p>' }));
    assert.equal(error.code, 'reminders.changed');
    assert.equal(dv.row(T.entitySet, id)?.[C.text], '<p>Hello Alex</p>');
  });

  it('refuses to edit a message that is being sent or was sent', async () => {
    for (const status of ['sending', 'sent'] as const) {
      const id = seedMessage(dv, status);
      const error = await failure(editReminder(deps, id, { subject: 'New subject' }));
      assert.equal(error.code, 'reminders.notAllowed', status);
      assert.equal(dv.row(T.entitySet, id)?.[C.subject], 'Reminder: your session');
    }
    assert.equal(dv.writes.length, 0);
  });

  it('refuses an edit saved over a version the editor did not show', async () => {
    const id = seedMessage(dv, 'draft');
    const shown = dv.etag(T.entitySet, id);
    await approveReminder(deps, id);
    const error = await failure(editReminder(deps, id, { text: '<p>Mine</p>' }, { etag: shown }));
    assert.equal(error.code, 'reminders.changed');
    assert.equal(dv.row(T.entitySet, id)?.[C.text], '<p>Hello Alex</p>');
  });

  it('edits the subject and text of a draft', async () => {
    const id = seedMessage(dv, 'draft');
    const { reminder } = await editReminder(deps, id, { subject: '  See you   tomorrow ', text: '<p>Hi</p>' });
    assert.equal(reminder.subject, 'See you tomorrow');
    assert.equal(dv.row(T.entitySet, id)?.[C.text], '<p>Hi</p>');
  });

  it('skips a draft as cancelled; a second skip changes nothing; a sent message is not skipped', async () => {
    const id = seedMessage(dv, 'draft');
    assert.equal((await skipReminder(deps, id)).reminder.status, 'cancelled');
    assert.equal((await skipReminder(deps, id)).changed, false);
    const sent = seedMessage(dv, 'sent');
    assert.equal((await failure(skipReminder(deps, sent))).code, 'reminders.notAllowed');
  });

  it('retries a failed message: approved again with its attempts reset and its error cleared', async () => {
    const id = seedMessage(dv, 'failed', { [C.graphMessageId]: 'AAMk-immutable' });
    const { reminder } = await retryReminder(deps, id);
    assert.equal(reminder.status, 'approved');
    assert.equal(reminder.attempts, 0);
    assert.equal(reminder.lastError, undefined);
    assert.equal(dv.row(T.entitySet, id)?.[C.graphMessageId], 'AAMk-immutable', 'the sender still finds its message');
    assert.equal((await retryReminder(deps, id)).changed, false);
    assert.equal((await failure(retryReminder(deps, seedMessage(dv, 'sent')))).code, 'reminders.notAllowed');
  });
});
