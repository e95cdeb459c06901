// `lc sessions new` as a process against a seeded sandbox (issue 15, item 4): with --yes it books the
// session with its reminders for the lead times still ahead (and the Outlook event when asked); with no
// terminal and no --yes it exits 11 and saves nothing; bad flags exit 10 naming the flag before anything
// connects; a client named by e-mail is found; running it again with the id it printed makes no second
// session and no second reminder.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import type { GraphInspection } from '../../../src/sandbox/graph/inspect';
import { jsonError, lcProcess } from './lcProcess';

interface Created {
  session: { id: string; clientId: string; client: string; start: string; end: string; feeCents: number | null };
  reminders: Array<{ id: string; kind: string; status: string; scheduledTime: string }>;
  pastLeadTimes: number[];
  withoutEmail: boolean;
  outlookEvent?: { ok: boolean; id?: string; iCalUId?: string | null; error?: string };
}

const DAY = 86_400_000;

describe('lc sessions new', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  const env = (): Record<string, string> => ({ ...sandbox.info.env, TZ: 'UTC' });

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-sessions-new', clients: 10 });
  });
  after(async () => {
    await sandbox?.stop();
  });

  /** Three days ahead at 10:00 UTC: both default lead times (a day, two hours) are still ahead. */
  function inThreeDays(): string {
    return new Date(Math.floor(Date.now() / DAY) * DAY + 3 * DAY + 10 * 3_600_000).toISOString().slice(0, 16);
  }

  async function sessionIds(): Promise<string[]> {
    const run = await lcProcess(['--json', 'sessions', 'list'], { env: env() });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    return (JSON.parse(run.stdout) as Array<{ id: string }>).map((s) => s.id);
  }

  async function remindersOf(sessionId: string): Promise<Array<{ id: string; status: string }>> {
    const run = await lcProcess(['--json', 'reminders', 'status'], { env: env() });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const status = JSON.parse(run.stdout) as {
      groups: Record<string, Array<{ id: string; status: string; sessionId: string | null }>>;
    };
    return Object.values(status.groups)
      .flat()
      .filter((r) => r.sessionId === sessionId);
  }

  function events(): number {
    const graph = (sandbox.inspect().services as { graph: GraphInspection }).graph;
    return graph.mailboxes.reduce((n, m) => n + m.events, 0);
  }

  it('with --yes books the session with a reminder for each lead time, and the Outlook event when asked', async () => {
    const client = sandbox.practice.clients[0];
    const eventsBefore = events();
    const run = await lcProcess(
      [
        '--json',
        '--yes',
        'sessions',
        'new',
        '--client',
        client.id,
        '--start',
        inThreeDays(),
        '--duration',
        '60',
        '--fee',
        '90.50',
        '--outlook-event',
      ],
      { env: env() },
    );
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const created = JSON.parse(run.stdout) as Created;
    assert.equal(created.session.clientId, client.id);
    assert.equal(created.session.start, `${inThreeDays()}:00.000Z`);
    assert.equal(Date.parse(created.session.end) - Date.parse(created.session.start), 60 * 60_000);
    assert.equal(created.session.feeCents, 9050);
    assert.equal(created.reminders.length, 2, 'one reminder for each default lead time');
    assert.deepEqual(created.pastLeadTimes, []);
    assert.equal(created.outlookEvent?.ok, true, JSON.stringify(created.outlookEvent));
    assert.equal(events(), eventsBefore + 1, 'the event is in the Outlook calendar');
    assert.ok((await sessionIds()).includes(created.session.id), 'lc sessions list shows it');
    const reminders = await remindersOf(created.session.id);
    assert.deepEqual(reminders.map((r) => r.id).sort(), created.reminders.map((r) => r.id).sort());
    assert.ok(
      reminders.every((r) => r.status === 'draft'),
      'they wait for approval (the profile does not autoSend)',
    );
  });

  it('without a terminal and without --yes exits 11 and saves nothing', async () => {
    const id = randomUUID();
    const client = sandbox.practice.clients[1];
    const run = await lcProcess(
      ['--json', 'sessions', 'new', '--client', client.id, '--start', inThreeDays(), '--id', id],
      { env: env() },
    );
    assert.equal(run.code, 11, run.stderr + run.stdout);
    const error = jsonError(run);
    assert.equal(error.class, 'policy');
    assert.match(error.message, /Create a session for .+ profile "sandbox"/);
    assert.ok(!(await sessionIds()).includes(id), 'no session was saved');
    assert.deepEqual(await remindersOf(id), [], 'no reminder was saved');
  });

  it('finds the client by e-mail, and run again with its id makes no second session or reminder', async () => {
    const client = sandbox.practice.clients[2];
    const id = randomUUID();
    const args = ['--json', '--yes', 'sessions', 'new', '--client', client.email, '--start', inThreeDays()];
    const first = await lcProcess([...args, '--id', id], { env: env() });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal((JSON.parse(first.stdout) as Created).session.clientId, client.id);
    const again = await lcProcess([...args, '--id', id], { env: env() });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((await sessionIds()).filter((s) => s === id).length, 1, 'one session');
    assert.equal((await remindersOf(id)).length, 2, 'two reminders, not four');
  });

  for (const [flag, value, expected] of [
    ['--start', 'tomorrow', /--start: expected a date and time/],
    ['--duration', '2', /--duration: expected whole minutes from 5 to 1440/],
    ['--fee', '-5', /--fee: expected an amount/],
    ['--id', 'not-a-guid', /--id: expected the session id/],
  ] as const) {
    it(`refuses ${flag} ${value} with exit 10 naming the flag`, async () => {
      const args = ['--json', '--yes', 'sessions', 'new', '--client', sandbox.practice.clients[0].id];
      const withStart = flag === '--start' ? args : [...args, '--start', inThreeDays()];
      const run = await lcProcess([...withStart, flag, value], { env: env() });
      assert.equal(run.code, 10, run.stderr + run.stdout);
      assert.match(jsonError(run).message, expected);
    });
  }

  it('refuses an unknown client e-mail with exit 10, saving nothing', async () => {
    const run = await lcProcess(
      ['--json', '--yes', 'sessions', 'new', '--client', 'nobody@nowhere.example', '--start', inThreeDays()],
      { env: env() },
    );
    assert.equal(run.code, 10, run.stderr + run.stdout);
    assert.match(jsonError(run).message, /No client has the e-mail address nobody@nowhere\.example/);
  });
});
