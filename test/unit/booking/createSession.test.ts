// New Session writes the session and its reminders once: rendered before anything is saved, in the client's
// language and time zone, for the lead times still ahead, and safe to run again with the same id.
import { strict as assert } from 'node:assert';
import { ConflictError } from '../../../src/core/errors';
import { DEFAULT_TABLES, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import { reminderRowId, templatesWith } from '../../../src/core/reminders';
import { createSession } from '../../../src/core/booking';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aContact, actionDeps, NOW, seedContact } from '../../builders/sessionActionDeps';
import { failure } from '../../builders/failure';

const SESSIONS = DEFAULT_TABLES.session.entitySet;
const MESSAGES = DEFAULT_TABLES.scheduledMessage.entitySet;
const M = DEFAULT_TABLES.scheduledMessage.columns;
const HOUR = 3_600_000;

describe('creating a session', () => {
  let dv: MemoryDataverse;
  beforeEach(() => {
    dv = new MemoryDataverse();
  });

  it('writes the session and a draft reminder for each lead time still ahead, skipping those already past', async () => {
    const clientId = seedContact(dv, aContact().build());
    const start = new Date(NOW + 3 * HOUR);
    const created = await createSession(actionDeps(dv), { clientId, start, durationMinutes: 50, feeCents: 9000 });
    assert.equal(dv.rows(SESSIONS).length, 1);
    assert.equal(dv.row(SESSIONS, created.session.id)?.[DEFAULT_TABLES.session.columns.fee], 90);
    assert.deepEqual(created.pastLeadTimes, [1440]);
    const reminders = dv.rows(MESSAGES);
    assert.equal(reminders.length, 1);
    const [reminder] = reminders;
    assert.equal(reminder?.[M.status], MESSAGE_STATUS.draft);
    assert.equal(reminder?.[M.kind], MESSAGE_KIND.reminder);
    assert.equal(reminder?.[M.scheduledTime], new Date(start.getTime() - 2 * HOUR).toISOString());
    assert.equal(reminder?.[M.email], 'alex@example.test');
    assert.equal(reminder?.[`_${M.session}_value`], created.session.id);
  });

  it('approves new reminders at once when the profile sends automatically', async () => {
    const clientId = seedContact(dv, aContact().build());
    const deps = actionDeps(dv, { profile: { name: 'auto', mailbox: undefined, autoSend: true } });
    await createSession(deps, { clientId, start: new Date(NOW + 48 * HOUR), durationMinutes: 50 });
    const statuses = dv.rows(MESSAGES).map((r) => r[M.status]);
    assert.deepEqual(statuses, [MESSAGE_STATUS.approved, MESSAGE_STATUS.approved]);
  });

  it("gives a German client the German reminder, with the session's times in the client's zone", async () => {
    const clientId = seedContact(dv, aContact().named('Jonas', 'Weber').speaking('de').in('Europe/Berlin').build());
    // 09:00 UTC on Wednesday 7 January is 10:00 in Berlin (winter time).
    const start = new Date(Date.UTC(2026, 0, 7, 9, 0));
    await createSession(actionDeps(dv), { clientId, start, durationMinutes: 50 });
    const [first] = dv.rows(MESSAGES);
    assert.match(String(first?.[M.subject]), /^Erinnerung: Ihr Termin am Mittwoch, 7\. Januar 2026 um 10:00$/);
    assert.match(String(first?.[M.text]), /Hallo Jonas/);
    assert.match(String(first?.[M.text]), /von 10:00 bis 10:50/);
  });

  it('saves nothing when a template names a variable the message does not have', async () => {
    const clientId = seedContact(dv, aContact().build());
    const templates = templatesWith({
      'reminder.liquid': '{% capture subject %}Hi{% endcapture %}<p>Call me on {{ client.phone }}</p>',
    });
    const error = await failure(
      createSession(actionDeps(dv, { templates }), { clientId, start: new Date(NOW + 48 * HOUR), durationMinutes: 50 }),
    );
    assert.equal(error.code, 'template.missingVariable');
    assert.deepEqual(dv.writes, []);
  });

  it('makes no second session or reminder when run again with the same id', async () => {
    const clientId = seedContact(dv, aContact().build());
    const input = {
      id: '5e55e55e-0000-4000-8000-000000000001',
      clientId,
      start: new Date(NOW + 48 * HOUR),
      durationMinutes: 50,
    };
    await createSession(actionDeps(dv), input);
    const again = await createSession(actionDeps(dv), input);
    assert.equal(dv.rows(SESSIONS).length, 1);
    assert.equal(dv.rows(MESSAGES).length, 2);
    assert.deepEqual(
      again.reminders.map((r) => r.id),
      [reminderRowId(input.id, 1440), reminderRowId(input.id, 120)],
    );
  });

  it('finishes the reminders an interrupted run left out, once each', async () => {
    const clientId = seedContact(dv, aContact().build());
    const input = {
      id: '5e55e55e-0000-4000-8000-000000000002',
      clientId,
      start: new Date(NOW + 48 * HOUR),
      durationMinutes: 50,
    };
    let writes = 0;
    const interrupted = Object.assign(Object.create(dv) as MemoryDataverse, {
      create: async (entitySet: string, body: Record<string, unknown>) => {
        if (++writes === 3) throw new Error('the connection broke');
        return dv.create(entitySet, body);
      },
    });
    await assert.rejects(createSession(actionDeps(interrupted), input), /connection broke/);
    assert.equal(dv.rows(MESSAGES).length, 1);
    await createSession(actionDeps(dv), input);
    assert.equal(dv.rows(SESSIONS).length, 1);
    assert.equal(dv.rows(MESSAGES).length, 2);
  });

  it('refuses an id that another session already has', async () => {
    const clientId = seedContact(dv, aContact().build());
    const id = '5e55e55e-0000-4000-8000-000000000003';
    await createSession(actionDeps(dv), { id, clientId, start: new Date(NOW + 48 * HOUR), durationMinutes: 50 });
    const error = await failure(
      createSession(actionDeps(dv), { id, clientId, start: new Date(NOW + 72 * HOUR), durationMinutes: 50 }),
    );
    assert.ok(error instanceof ConflictError);
    assert.equal(error.code, 'sessions.idInUse');
  });

  it('schedules no reminder for a client without an e-mail address, and says so', async () => {
    const clientId = seedContact(dv, aContact().withoutEmail().build());
    const created = await createSession(actionDeps(dv), {
      clientId,
      start: new Date(NOW + 48 * HOUR),
      durationMinutes: 50,
    });
    assert.equal(created.withoutEmail, true);
    assert.equal(dv.rows(MESSAGES).length, 0);
    assert.equal(dv.rows(SESSIONS).length, 1);
  });

  it('refuses a duration that is not a whole number of minutes, naming it, before anything is saved', async () => {
    const clientId = seedContact(dv, aContact().build());
    const error = await failure(
      createSession(actionDeps(dv), { clientId, start: new Date(NOW + 48 * HOUR), durationMinutes: 12.5 }),
    );
    assert.equal(error.code, 'sessions.invalidInput');
    assert.match(error.message, /durationMinutes/);
    assert.deepEqual(dv.writes, []);
  });
});
