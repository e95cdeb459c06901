// Sessions and reminders read from a seeded sandbox through the real Dataverse client: the builder's
// filters are accepted, and every seeded row passes the row checks the loaders apply.
import assert from 'node:assert/strict';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { loadReminders } from '../../../src/core/reminders';
import { loadSessions } from '../../../src/core/sessions';
import { startHarness, type Harness } from './harness';

describe('sessions and reminders from the sandbox', function () {
  this.timeout(30_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ seed: 'practice-data-test', clients: 30 });
  });

  after(async () => {
    await h?.stop();
  });

  it('loads the seeded sessions around now and the reminders since two weeks ago', async () => {
    const now = new Date();
    const [sessions, reminders] = await Promise.all([
      loadSessions(h.client(), DEFAULT_TABLES, now),
      loadReminders(h.client(), DEFAULT_TABLES, now),
    ]);
    assert.ok(sessions.length > 0, 'some sessions');
    assert.ok(reminders.length > 0, 'some reminders');
    assert.ok(
      sessions.some((s) => s.clientName !== undefined),
      'client names come from the formatted values',
    );
    const from = now.getTime() - 30 * 86_400_000;
    assert.ok(sessions.every((s) => s.start.getTime() >= from));
  });
});
