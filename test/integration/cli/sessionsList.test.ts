// `lc sessions list` as a process against a seeded sandbox (issue 15, item 4): --json lists the sessions
// the sandbox seeded, today's in start order; --today narrows to today's; --today with --week is a usage
// error; a profile without a credential fails with the configuration exit code, as every verb does.
import { strict as assert } from 'node:assert';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { jsonError, lcProcess } from './lcProcess';

interface ListedSession {
  id: string;
  start: string;
  end: string;
  client: string | null;
  status: string;
  payment: string;
  group: string;
}

const DAY = 86_400_000;

describe('lc sessions list', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  // UTC days, so the test and lc agree on where today begins whatever the machine's zone.
  const env = (): Record<string, string> => ({ ...sandbox.info.env, TZ: 'UTC' });

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-sessions-list', clients: 40 });
  });
  after(async () => {
    await sandbox?.stop();
  });

  /** Seeded session ids starting on the UTC day of `now`, in start order. */
  function seededToday(now: number): string[] {
    const dayStart = Math.floor(now / DAY) * DAY;
    return sandbox.practice.sessions
      .filter((s) => Date.parse(s.start) >= dayStart && Date.parse(s.start) < dayStart + DAY)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .map((s) => s.id);
  }

  /** The same sessions, in start order; sessions starting at the same moment may come in either order. */
  function assertSameInStartOrder(listed: string[], expected: string[]): void {
    const startOf = new Map(sandbox.practice.sessions.map((s) => [s.id, Date.parse(s.start)]));
    const byStartThenId = (ids: string[]): string[] =>
      [...ids].sort((a, b) => (startOf.get(a) ?? 0) - (startOf.get(b) ?? 0) || a.localeCompare(b));
    assert.deepEqual(byStartThenId(listed), byStartThenId(expected));
    const starts = listed.map((id) => startOf.get(id) ?? Number.NaN);
    assert.ok(
      starts.every((start, i) => i === 0 || start >= starts[i - 1]),
      `in start order: ${listed.join(', ')}`,
    );
  }

  /** Runs lc and the expectation on the same day: a run that straddles midnight is run again. */
  async function listOnOneDay(args: string[]): Promise<{ sessions: ListedSession[]; today: string[] }> {
    for (;;) {
      const before = Math.floor(Date.now() / DAY);
      const run = await lcProcess(['--json', 'sessions', 'list', ...args], { env: env() });
      if (Math.floor(Date.now() / DAY) !== before) continue;
      assert.equal(run.code, 0, run.stderr + run.stdout);
      return { sessions: JSON.parse(run.stdout) as ListedSession[], today: seededToday(Date.now()) };
    }
  }

  it("lists today's seeded sessions in start order, with their fields", async () => {
    const { sessions, today } = await listOnOneDay([]);
    assert.ok(Array.isArray(sessions), 'one JSON array');
    const listedToday = sessions.filter((s) => s.group === 'today').map((s) => s.id);
    // The seed books weekdays only: on a weekday an empty Today would make this comparison vacuous.
    const weekday = ![0, 6].includes(new Date(Date.now()).getUTCDay());
    if (weekday) assert.ok(today.length > 0, 'the seed has sessions today');
    assertSameInStartOrder(listedToday, today);
    const seededIds = new Set(sandbox.practice.sessions.map((s) => s.id));
    for (const s of sessions) {
      assert.ok(seededIds.has(s.id), `${s.id} was seeded`);
      assert.ok(['today', 'thisWeek', 'later', 'needsAttention'].includes(s.group), s.group);
      assert.ok(!Number.isNaN(Date.parse(s.start)) && !Number.isNaN(Date.parse(s.end)));
      assert.ok(['scheduled', 'attended', 'noShow', 'canceled'].includes(s.status), s.status);
      assert.equal(typeof s.payment, 'string');
    }
    assert.ok(
      sessions.some((s) => s.group !== 'today'),
      'other groups are listed too without --today',
    );
  });

  it("with --today lists only today's sessions", async () => {
    const { sessions, today } = await listOnOneDay(['--today']);
    assertSameInStartOrder(
      sessions.map((s) => s.id),
      today,
    );
    assert.ok(sessions.every((s) => s.group === 'today'));
  });

  it('with --week lists nothing after this week', async () => {
    const { sessions } = await listOnOneDay(['--week']);
    assert.ok(sessions.every((s) => s.group === 'today' || s.group === 'thisWeek'));
  });

  it('refuses --today with --week as a usage error (exit 10)', async () => {
    const run = await lcProcess(['--json', 'sessions', 'list', '--today', '--week'], { env: env() });
    assert.equal(run.code, 10, run.stderr + run.stdout);
    assert.equal(jsonError(run).class, 'validation');
  });

  it('fails with the configuration exit code when the profile has no credential', async () => {
    const { LC_CLIENT_SECRET: _secret, ...withoutSecret } = env();
    const run = await lcProcess(['--json', 'sessions', 'list'], { env: withoutSecret });
    assert.equal(run.code, 10, run.stderr + run.stdout);
    assert.match(jsonError(run).message, /No credential/);
  });

  it('fails with the authentication exit code when the secret is wrong', async () => {
    const run = await lcProcess(['--json', 'sessions', 'list'], { env: { ...env(), LC_CLIENT_SECRET: 'not-it' } });
    assert.equal(run.code, 12, run.stderr + run.stdout);
  });

  it('prints the groups for people, one line a session with time, client, status and payment', async () => {
    const run = await lcProcess(['sessions', 'list'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Today/m);
    assert.match(run.stdout, /^ {2}\S.*\d\d:\d\d .*(scheduled|attended|no-show|canceled)/m);
  });
});
