// Exactly once across crashes (issue 15, reliability): `lc reminders send` stopped dead at each named
// point of the sender (LC_TEST_CRASH_AT, exit 86 at once, as a power cut), then run again, leaves exactly
// one mail per due reminder in Sent Items, counted once Exchange's transport has drained, and Dataverse
// recording each one sent with one message-log row. The sandbox is
// a process of its own with several practitioners' mailboxes and Exchange's time running faster.
import { strict as assert } from 'node:assert';
import {
  assertEachRecordedSentOnce,
  assertEachSentOnce,
  lc,
  plannedIds,
  sendUntilSettled,
  startSandboxProcess,
  waitForDrain,
  type SandboxProcess,
} from './sendingWorld';

const CRASH_POINTS = ['afterClaim', 'afterDraft', 'afterRecordId', 'afterSend', 'afterRecordSent', 'inBatch'];

describe('lc reminders send: a crash at every step, then a rerun', function () {
  this.timeout(120_000);
  let sandbox: SandboxProcess;

  before(async () => {
    sandbox = await startSandboxProcess({
      seed: 'cli-send-crash',
      clients: 12,
      dueReminders: 8,
      practitioners: 2,
      timeScale: 50,
    });
  });
  after(async () => {
    await sandbox?.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  for (const point of CRASH_POINTS) {
    const name =
      point === 'afterSend'
        ? 'a crash between /send and recording it is recovered without a second mail'
        : `a crash at ${point}, then a rerun, leaves exactly one mail per reminder`;
    it(name, async () => {
      const due = await plannedIds(sandbox);
      assert.ok(due.length >= 8, `the sandbox seeded the due reminders (${due.length})`);
      const crashed = await lc(sandbox, ['--json', '--yes', 'reminders', 'send'], {
        env: { LC_TEST_CRASH_AT: point },
      });
      assert.equal(crashed.code, 86, `it stopped at ${point}: ${crashed.stderr}${crashed.stdout}`);
      assert.match(crashed.stderr, new RegExp(`crash point ${point}`));
      assert.equal(crashed.stdout, '', 'a crashed run prints no report');
      await sendUntilSettled(sandbox);
      assertEachSentOnce(await waitForDrain(sandbox), due);
      await assertEachRecordedSentOnce(sandbox, due);
    });
  }

  it('refuses an unknown crash point before anything is sent (exit 10)', async () => {
    const run = await lc(sandbox, ['--json', '--yes', 'reminders', 'send'], { env: { LC_TEST_CRASH_AT: 'never' } });
    assert.equal(run.code, 10, run.stderr + run.stdout);
    const graph = await sandbox.inspectGraph();
    assert.equal(
      graph.mailboxes.reduce((n, m) => n + m.submissions.total + m.drafts.length, 0),
      0,
      'no draft, no submission',
    );
  });
});
