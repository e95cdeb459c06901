// Loading sessions from Dataverse: the query is built by the escaping filter builder, so a hostile
// `lifeCockpit.tables` override cannot change what is asked, and rows are checked before they are mapped.
import { strict as assert } from 'node:assert';
import { LifeCockpitError, ValidationError } from '../../../src/core/errors';
import { APPOINTMENT_STATE, DEFAULT_TABLES, resolveTables } from '../../../src/core/practice';
import { DASHBOARD_SESSION_WINDOW, loadSessions, sessionsLoader } from '../../../src/core/sessions';
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

  it('reads 98 days back for the editor’s store, and asks about notes of the last 30 days only', async () => {
    const c = DEFAULT_TABLES.session.columns;
    const row = (id: string, start: string) => ({
      activityid: id,
      [c.start]: start,
      [c.end]: start,
      [c.state]: APPOINTMENT_STATE.completed,
    });
    const OLD = '1f9619ff-8b86-d011-b42d-00c04fc964ff';
    const source = new RecordingRowSource([row(OLD, '2026-09-01T10:00:00Z'), row(ID, '2026-11-20T10:00:00Z')]);
    const sessions = await sessionsLoader(DASHBOARD_SESSION_WINDOW)(source, DEFAULT_TABLES, NOW);
    const [sessionQuery, noteQuery] = source.queries;
    assert.match(String(sessionQuery.options.filter), /scheduledstart ge 2026-08-19T09:00:00.000Z/);
    assert.equal(source.queries.length, 2);
    assert.doesNotMatch(String(noteQuery.options.filter), new RegExp(OLD));
    assert.match(String(noteQuery.options.filter), new RegExp(ID));
    assert.deepEqual(
      sessions.map((s) => [s.id, s.hasNote]),
      [
        [OLD, undefined],
        [ID, false],
      ],
    );
  });

  it('reads when a canceled session was canceled from actualend', async () => {
    const c = DEFAULT_TABLES.session.columns;
    const source = new RecordingRowSource([
      {
        activityid: ID,
        [c.start]: '2026-11-25T10:00:00Z',
        [c.end]: '2026-11-25T10:50:00Z',
        [c.state]: APPOINTMENT_STATE.canceled,
        [c.actualEnd]: '2026-11-25T02:00:00Z',
      },
    ]);
    const [session] = await loadSessions(source, DEFAULT_TABLES, NOW);
    assert.equal(session.status, 'canceled');
    assert.equal(session.closedAt?.toISOString(), '2026-11-25T02:00:00.000Z');
    assert.ok(source.queries[0].options.select?.includes('actualend'));
  });
});
