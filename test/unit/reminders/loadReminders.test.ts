// Loading reminders from Dataverse: the query is built by the escaping filter builder, so a hostile
// `lifeCockpit.tables` override cannot change what is asked, and rows are checked before they are mapped.
import { strict as assert } from 'node:assert';
import { LifeCockpitError, ValidationError } from '../../../src/core/errors';
import { DEFAULT_TABLES, MESSAGE_STATUS, resolveTables } from '../../../src/core/practice';
import { loadReminders } from '../../../src/core/reminders';
import { RecordingRowSource } from '../../builders/rowSource';

const NOW = new Date('2026-11-25T09:00:00Z');
const ID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

describe('loading reminders', () => {
  it('asks for the reminders of the last 14 days onwards, ordered by scheduled time', async () => {
    const source = new RecordingRowSource();
    await loadReminders(source, DEFAULT_TABLES, NOW);
    const [{ entitySet, options }] = source.queries;
    assert.equal(entitySet, 'cre92_scheduledmessages');
    assert.equal(String(options.filter), 'cre92_scheduledtime ge 2026-11-11T09:00:00.000Z');
    assert.equal(options.orderBy, 'cre92_scheduledtime asc');
  });

  it('refuses a scheduled-time column override holding a quote, before asking', async () => {
    const tables = resolveTables({
      scheduledMessage: {
        columns: { scheduledTime: "cre92_scheduledtime ge 2000-01-01T00:00:00Z or cre92_subject eq '" },
      },
    });
    const source = new RecordingRowSource();
    await assert.rejects(
      loadReminders(source, tables, NOW),
      (e: unknown) => e instanceof ValidationError && e.code === 'dataverse.invalidColumn',
    );
    assert.equal(source.queries.length, 0, 'nothing was sent');
  });

  it('refuses a row whose attempts are not a number, naming the row and the column', async () => {
    const c = DEFAULT_TABLES.scheduledMessage.columns;
    const source = new RecordingRowSource([
      {
        cre92_scheduledmessageid: ID,
        [c.status]: MESSAGE_STATUS.failed,
        [c.scheduledTime]: '2026-11-25T08:00:00Z',
        [c.attempts]: 'three',
      },
    ]);
    await assert.rejects(loadReminders(source, DEFAULT_TABLES, NOW), (e: unknown) => {
      assert.ok(e instanceof LifeCockpitError);
      assert.equal(e.code, 'dataverse.unexpectedRow');
      assert.match(e.message, new RegExp(`${ID}.*${c.attempts}`));
      return true;
    });
  });

  it('maps a well-formed row, nulls included', async () => {
    const c = DEFAULT_TABLES.scheduledMessage.columns;
    const source = new RecordingRowSource([
      {
        cre92_scheduledmessageid: ID,
        [c.status]: MESSAGE_STATUS.sent,
        [c.subject]: 'Your session tomorrow',
        [c.scheduledTime]: '2026-11-25T08:00:00Z',
        [c.sentTime]: '2026-11-25T08:01:00Z',
        [c.attempts]: 1,
        [c.lastError]: null,
        [`_${c.session}_value`]: null,
      },
    ]);
    const [reminder] = await loadReminders(source, DEFAULT_TABLES, NOW);
    assert.deepEqual(
      [reminder.id, reminder.status, reminder.attempts, reminder.sentTime?.toISOString(), reminder.sessionId],
      [ID, 'sent', 1, '2026-11-25T08:01:00.000Z', undefined],
    );
  });
});
