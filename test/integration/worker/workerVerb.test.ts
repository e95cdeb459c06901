// `lc worker run --once [--json]` as a cron runs it (issue 18, item 1; ../shared/INTERFACES.md §4): one pass
// sends every due reminder and says per mailbox what it did, and two passes started at the same moment in two
// processes (two instances, two hosts) send each due reminder exactly once between them.
import { strict as assert } from 'node:assert';
import {
  assertEachSentOnce,
  lc,
  plannedIds,
  startSandboxProcess,
  waitForDrain,
  type SandboxProcess,
} from '../reminders-cli/sendingWorld';

interface PassDocument {
  profile: string;
  reminders: {
    total: number;
    sent: number;
    submitted: number;
    failed: number;
    skipped: number;
    mailboxes: Array<{ mailbox: string; total: number; sent: number; submitted: number; failed: number }>;
  };
  payments: { checked: number; changed: number } | { skipped: string };
}

describe('lc worker run --once', function () {
  this.timeout(120_000);
  let sandbox: SandboxProcess;

  before(async () => {
    sandbox = await startSandboxProcess({
      seed: 'worker-verb',
      clients: 16,
      dueReminders: 16,
      practitioners: 4,
      timeScale: 50,
    });
  });
  after(async () => {
    await sandbox?.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  async function pass(): Promise<PassDocument> {
    const run = await lc(sandbox, ['--json', 'worker', 'run', '--once']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    return JSON.parse(run.stdout) as PassDocument;
  }

  it('sends every due reminder, tells sent and failed per mailbox and reconciles payments, then finds nothing', async () => {
    const due = await plannedIds(sandbox);
    assert.ok(due.length >= 16, `reminders are due (${due.length})`);
    const first = await pass();
    assert.equal(first.reminders.total, due.length);
    assert.equal(first.reminders.sent + first.reminders.submitted, due.length, JSON.stringify(first.reminders));
    assert.equal(first.reminders.mailboxes.length, 4, 'each practitioner sends from their own mailbox');
    assert.equal(
      first.reminders.mailboxes.reduce((n, m) => n + m.total, 0),
      due.length,
      'the mailbox tallies add up',
    );
    assert.ok('checked' in first.payments, `payments were reconciled: ${JSON.stringify(first.payments)}`);
    assertEachSentOnce(await waitForDrain(sandbox), due);
    // A pass with nothing due still exits 0 and says so.
    await waitForDrain(sandbox);
    const second = await pass();
    assert.equal(second.reminders.sent, 0, JSON.stringify(second.reminders));
    const human = await lc(sandbox, ['worker', 'run', '--once']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Payments: \d+ sessions checked with Stripe/);
  });

  it('two passes started at once in two processes send each due reminder exactly once', async () => {
    const due = await plannedIds(sandbox);
    const [a, b] = await Promise.all([pass(), pass()]);
    const delivered = (d: PassDocument): number => d.reminders.sent + d.reminders.submitted;
    assert.equal(a.reminders.failed + b.reminders.failed, 0);
    assert.ok(delivered(a) + delivered(b) <= due.length, 'no reminder was delivered by both');
    // Whatever one pass found claimed by the other and left, a later pass finishes.
    await waitForDrain(sandbox);
    await pass();
    assertEachSentOnce(await waitForDrain(sandbox), due);
  });

  it('without --once is a usage error that sends nothing', async () => {
    const run = await lc(sandbox, ['worker', 'run']);
    assert.equal(run.code, 10, run.stderr);
    assert.match(run.stderr, /--once/);
    const graph = await sandbox.inspectGraph();
    assert.equal(
      graph.mailboxes.reduce((n, m) => n + m.submissions.total, 0),
      0,
    );
  });
});
