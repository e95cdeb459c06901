// What the dashboard panel shows from the stores: signed out with nothing of a profile, loading during a switch,
// an error before any data, and the charts with "offline since" once refreshes fail after data was fetched.
import { strict as assert } from 'node:assert';
import { dashboardView } from '../../../src/core/dashboard';
import { ExternalServiceError } from '../../../src/core/errors';
import type { Reminder } from '../../../src/core/reminders';
import type { Session } from '../../../src/core/sessions';
import { DataStore } from '../../../src/core/store';
import { FakeClock } from '../../builders/fakeClock';
import { aSession } from '../../builders/sessionBuilder';

const NOW = Date.parse('2026-12-02T10:00:00Z');

function stores() {
  const clock = new FakeClock(false, NOW);
  return { sessions: new DataStore<Session[]>(clock), reminders: new DataStore<Reminder[]>(clock) };
}

function viewOf(s: ReturnType<typeof stores>, profile: string | undefined, signingIn?: string) {
  return dashboardView({
    profile,
    ...(signingIn ? { signingIn } : {}),
    sessions: s.sessions.current,
    reminders: s.reminders.current,
    now: new Date(NOW),
    timeZone: 'Europe/Berlin',
    paymentsConfigured: true,
  });
}

describe('dashboard view', () => {
  it('shows the new profile’s data after a switch, loading in between, and nothing after sign-out', async () => {
    const s = stores();
    await s.sessions.refresh(async () => [aSession().id('first').at('2026-12-03T09:00:00Z').build()]);
    const first = viewOf(s, 'practice');
    assert.equal(first.kind, 'data');
    // The switch: the session ends (stores cleared) while the next profile signs in.
    s.sessions.clear();
    s.reminders.clear();
    assert.deepEqual(viewOf(s, undefined, 'sandbox'), { kind: 'loading', profile: 'sandbox' });
    await s.sessions.refresh(async () => [aSession().id('second').at('2026-12-04T09:00:00Z').build()]);
    const second = viewOf(s, 'sandbox');
    assert.ok(second.kind === 'data');
    assert.deepEqual(
      second.data.week.bars.flatMap((b) => b.sessionIds.flat()),
      ['second'],
    );
    s.sessions.clear();
    assert.deepEqual(viewOf(s, undefined), { kind: 'signedOut' });
  });

  it('says the error before anything was fetched, and offline since when after', async () => {
    const s = stores();
    const failing = async (): Promise<Session[]> => {
      throw new ExternalServiceError('Dataverse did not answer.', { code: 'test.down' });
    };
    await s.sessions.refresh(failing);
    assert.deepEqual(viewOf(s, 'practice'), {
      kind: 'error',
      profile: 'practice',
      message: 'Dataverse did not answer.',
    });
    await s.sessions.refresh(async () => []);
    await s.sessions.refresh(failing);
    const offline = viewOf(s, 'practice');
    assert.ok(offline.kind === 'data');
    assert.equal(offline.offlineSince, new Date(NOW).toISOString());
    assert.equal(offline.error, 'Dataverse did not answer.');
    assert.equal(offline.loading, false);
  });
});
