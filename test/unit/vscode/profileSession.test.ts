// The editor's Sessions and Reminders refresh, outside the editor, on a fake clock: the light timer refreshes
// every five minutes and not before; a profile switch loads with the new profile's clients and a late answer
// for the old profile never fills the views; a failed load keeps the last good data and the tree's first row
// says since when it is offline.
import { strict as assert } from 'node:assert';
import type { AuthService, AuthState } from '../../../src/core/auth';
import type { ProfileClients, ProfileHttpClients } from '../../../src/core/clients';
import type { Profile } from '../../../src/core/config';
import { ExternalServiceError } from '../../../src/core/errors';
import type { LogHub } from '../../../src/core/log';
import { silentLogger } from '../../../src/core/log/types';
import { APPOINTMENT_STATE, DEFAULT_TABLES } from '../../../src/core/practice';
import type * as ProfileSessionModule from '../../../src/vscode/profileSession';
import type * as SessionsTreeModule from '../../../src/vscode/sessionsTree';
import type * as RemindersTreeModule from '../../../src/vscode/remindersTree';
import type { EditorConfigSource } from '../../../src/vscode/configSource';
import { FakeClock } from '../../builders/fakeClock';
import { aProfile } from '../../builders/profileBuilder';
import { loadWithVscode } from './vscodeStandIn';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 25, 9, 0);
const S = DEFAULT_TABLES.session;

class EventEmitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

const standIn = {
  EventEmitter,
  commands: { executeCommand: async () => undefined },
};
const { ProfileSession } = loadWithVscode<typeof ProfileSessionModule>('../../../src/vscode/profileSession', standIn);
const { SessionsTree } = loadWithVscode<typeof SessionsTreeModule>('../../../src/vscode/sessionsTree', standIn);
const { RemindersTree } = loadWithVscode<typeof RemindersTreeModule>('../../../src/vscode/remindersTree', standIn);

/** One profile's Dataverse as the loaders read it: its sessions, and a load that can be held or made to fail. */
class PracticeRows {
  subjects: string[];
  fail: Error | undefined;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  sessionQueries = 0;

  constructor(...subjects: string[]) {
    this.subjects = subjects;
  }

  /** The next loads wait until released, then answer (however late) with the rows as they are then. */
  hold(): () => void {
    this.held = new Promise<void>((resolve) => (this.release = resolve));
    return () => this.release?.();
  }

  async *query(entitySet: string): AsyncGenerator<Record<string, unknown>> {
    if (entitySet === S.entitySet) this.sessionQueries += 1;
    await this.held;
    if (this.fail) throw this.fail;
    if (entitySet !== S.entitySet) return;
    for (const [i, subject] of this.subjects.entries()) {
      yield {
        [S.primaryId]: `5e550000-0000-4000-8000-00000000000${i}`,
        [S.columns.subject]: subject,
        [S.columns.start]: new Date(NOW + (i + 1) * 60 * MINUTE).toISOString(),
        [S.columns.end]: new Date(NOW + (i + 1) * 60 * MINUTE + 50 * MINUTE).toISOString(),
        [S.columns.state]: APPOINTMENT_STATE.scheduled,
      };
    }
  }

  async listTables(): Promise<[]> {
    return [];
  }
}

/** The parts of AuthService the profile session uses: a restore that signs the profile in at once. */
class FakeAuth {
  state: AuthState = { kind: 'signedOut' };
  activeProfile: Profile | undefined;
  readonly refreshReports: Array<{ ok: boolean }> = [];
  private readonly changes = new EventEmitter<AuthState>();
  readonly onDidChangeState = this.changes.event;

  async restore(profile: Profile | undefined): Promise<void> {
    this.activeProfile = profile;
    this.state = profile
      ? {
          kind: 'signedIn',
          profile: profile.name,
          profileKind: profile.kind,
          identity: { tenantId: 'tenant', clientId: 'app', roles: [], userName: profile.name },
        }
      : { kind: 'signedOut' };
    this.changes.fire(this.state);
  }

  async tokens(): Promise<never> {
    throw new Error('the fake clients need no token');
  }

  reportRefresh(outcome: { ok: boolean }): void {
    this.refreshReports.push(outcome);
  }
}

function world(practices: Record<string, PracticeRows>) {
  const clock = new FakeClock(false, NOW);
  const auth = new FakeAuth();
  const connected: string[] = [];
  const config = {
    loaded: { config: { tables: {} } },
    onDidChange: () => ({ dispose: () => undefined }),
  };
  const session = new ProfileSession({
    // Stand-ins for the parts the session touches (see FakeAuth); the real types carry much more.
    auth: auth as unknown as AuthService,
    https: { for: () => ({}) } as unknown as ProfileHttpClients,
    hub: { logger: () => silentLogger } as unknown as LogHub,
    config: config as unknown as EditorConfigSource,
    clock,
    connect: async (profile) => {
      connected.push(profile.name);
      const dataverse = practices[profile.name];
      return { profile, dataverse, close: async () => undefined } as unknown as ProfileClients;
    },
  });
  return { clock, auth, session, connected };
}

const subjects = (session: InstanceType<typeof ProfileSession>) => session.sessions.current.data?.map((s) => s.subject);

/** Lets every settled promise run its continuations (the fake Dataverse answers without real I/O). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('the profile session’s refresh', () => {
  const disposables: Array<{ dispose(): void }> = [];
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });

  it('refreshes on the light timer every five minutes, and not before', async () => {
    const practice = new PracticeRows('Alex');
    const { clock, session } = world({ practice });
    disposables.push(session);
    await session.follow(aProfile().named('practice').build());
    assert.deepEqual(subjects(session), ['Alex']);
    practice.subjects = ['Alex', 'Bo'];
    await clock.whenSleeping();
    clock.advance(4 * MINUTE);
    await settle();
    assert.equal(practice.sessionQueries, 1, 'no refresh before five minutes');
    assert.deepEqual(subjects(session), ['Alex']);
    clock.advance(MINUTE);
    await settle();
    assert.equal(practice.sessionQueries, 2);
    assert.deepEqual(subjects(session), ['Alex', 'Bo'], 'the timer refreshed the view');
    clock.advance(5 * MINUTE);
    await settle();
    assert.equal(practice.sessionQueries, 3, 'and again five minutes later');
  });

  it('stops the timer when disposed', async () => {
    const practice = new PracticeRows('Alex');
    const { clock, session } = world({ practice });
    await session.follow(aProfile().named('practice').build());
    session.dispose();
    clock.advance(10 * MINUTE);
    await settle();
    assert.equal(practice.sessionQueries, 1);
  });

  it('reloads with the new profile’s clients on a switch, and a late answer for the old profile never shows', async () => {
    const home = new PracticeRows('Home client');
    const clinic = new PracticeRows('Clinic client 1', 'Clinic client 2');
    const { session, connected } = world({ home, clinic });
    disposables.push(session);
    await session.follow(aProfile().named('home').build());
    assert.deepEqual(subjects(session), ['Home client']);

    // A refresh for home is under way (slow network) when the practitioner switches to clinic.
    const release = home.hold();
    home.subjects = ['Home client', 'Another home client'];
    const late = session.refresh();
    await settle();
    await session.follow(aProfile().named('clinic').build());
    assert.deepEqual(connected, ['home', 'clinic']);
    assert.equal(session.clients?.profile.name, 'clinic');
    assert.deepEqual(subjects(session), ['Clinic client 1', 'Clinic client 2']);

    release();
    await late;
    await settle();
    assert.deepEqual(subjects(session), ['Clinic client 1', 'Clinic client 2'], 'home’s late answer was refused');
    const tree = new SessionsTree(session.sessions);
    disposables.push(tree);
    const rows = tree.getChildren();
    assert.ok(
      rows.every((r) => r.kind === 'group'),
      'no offline or error row',
    );
  });

  it('keeps the last good data when a load fails, the tree’s first row saying since when it is offline', async () => {
    const practice = new PracticeRows('Alex', 'Bo');
    const { clock, auth, session } = world({ practice });
    disposables.push(session);
    await session.follow(aProfile().named('practice').build());
    const fetchedAt = session.sessions.current.fetchedAt;
    assert.deepEqual(fetchedAt, new Date(NOW));

    clock.advance(2 * MINUTE);
    practice.fail = new ExternalServiceError('Dataverse did not answer (503).', { code: 'dataverse.unavailable' });
    await session.refresh();
    assert.deepEqual(subjects(session), ['Alex', 'Bo'], 'the last good data stays');
    assert.deepEqual(session.sessions.current.offlineSince, new Date(NOW + 2 * MINUTE));
    assert.deepEqual(auth.refreshReports.at(-1), { ok: true }, 'not a sign-in problem');

    for (const tree of [new SessionsTree(session.sessions, clock), new RemindersTree(session.reminders, clock)]) {
      disposables.push(tree);
      const [first, ...rest] = tree.getChildren();
      assert.equal(first?.kind, 'message');
      const row = first as { text: string; icon: string; tooltip?: string };
      assert.match(row.text, /^Offline since /);
      assert.equal(row.icon, 'cloud-offline');
      assert.equal(row.tooltip, 'Dataverse did not answer (503).');
      assert.ok(rest.length > 0 && rest.every((r) => r.kind === 'group'), 'the groups of the last good data follow');
    }

    practice.fail = undefined;
    await session.refresh();
    assert.equal(session.sessions.current.offlineSince, undefined, 'back online');
    assert.notEqual(new SessionsTree(session.sessions, clock).getChildren()[0]?.kind, 'message');
  });
});
