// Loading sessions from Dataverse: the query is built by the escaping filter builder, so a hostile
// `lifeCockpit.tables` override cannot change what is asked, and rows are checked before they are mapped.
import { strict as assert } from 'node:assert';
import { LifeCockpitError, ValidationError } from '../../../src/core/errors';
import { APPOINTMENT_STATE, DEFAULT_TABLES, resolveTables } from '../../../src/core/practice';
import { loadSessions } from '../../../src/core/sessions';
import { RecordingRowSource } from '../../builders/rowSource';

const NOW = new Date('2026-11-25T09:00:00Z');
const ID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

describe('loading sessions', () => {
  it('asks for the sessions 30 days back and 60 ahead, ordered by start', async () => {
    const source = new RecordingRowSource();
    await loadSessions(source, DEFAULT_TABLES, NOW);
    const [{ entitySet, options }] = source.queries;
    assert.equal(entitySet, 'appointments');
    assert.equal(
      String(options.filter),
      '(scheduledstart ge 2026-10-26T09:00:00.000Z) and (scheduledstart le 2027-01-24T09:00:00.000Z)',
    );
    assert.equal(options.orderBy, 'scheduledstart asc');
  });

  it('refuses a start column override that would add a condition to the filter, before asking', async () => {
    const tables = resolveTables({
      session: { columns: { start: 'scheduledstart ge 2000-01-01T00:00:00Z or scheduledstart' } },
    });
    const source = new RecordingRowSource();
    await assert.rejects(
      loadSessions(source, tables, NOW),
      (e: unknown) => e instanceof ValidationError && e.code === 'dataverse.invalidColumn',
    );
    assert.equal(source.queries.length, 0, 'nothing was sent');
  });

  it('refuses a selected column override holding a quote, before asking', async () => {
    const tables = resolveTables({ session: { columns: { location: "location,subject') or ('1' eq '1" } } });
    const source = new RecordingRowSource();
    await assert.rejects(
      loadSessions(source, tables, NOW),
      (e: unknown) => e instanceof ValidationError && e.code === 'dataverse.invalidColumn',
    );
    assert.equal(source.queries.length, 0, 'nothing was sent');
  });

  it('refuses a row whose start is not a date-time, naming the row and the column', async () => {
    const c = DEFAULT_TABLES.session.columns;
    const source = new RecordingRowSource([
      { activityid: ID, [c.subject]: 'Therapy', [c.start]: 'tomorrow', [c.end]: '2026-11-25T10:50:00Z' },
    ]);
    await assert.rejects(loadSessions(source, DEFAULT_TABLES, NOW), (e: unknown) => {
      assert.ok(e instanceof LifeCockpitError);
      assert.equal(e.code, 'dataverse.unexpectedRow');
      assert.match(e.message, new RegExp(`${ID}.*${c.start}`));
      return true;
    });
  });

  it('maps a well-formed row, nulls included', async () => {
    const c = DEFAULT_TABLES.session.columns;
    const source = new RecordingRowSource([
      {
        activityid: ID,
        [c.subject]: null,
        [c.start]: '2026-11-25T10:00:00Z',
        [c.end]: '2026-11-25T10:50:00Z',
        _regardingobjectid_value: null,
        [c.state]: APPOINTMENT_STATE.scheduled,
        [c.fee]: null,
        [c.location]: null,
      },
    ]);
    const [session] = await loadSessions(source, DEFAULT_TABLES, NOW);
    assert.deepEqual(
      [session.id, session.subject, session.clientId, session.status, session.feeCents, session.start.toISOString()],
      [ID, '', undefined, 'scheduled', undefined, '2026-11-25T10:00:00.000Z'],
    );
  });
});
