// `lc reminders plan` and `lc reminders send` as a user's script meets them (issue 15, item 4;
// ../shared/INTERFACES.md §3): the plan lists every message that would leave and sends nothing; send
// without a terminal and without --yes exits 11 having sent nothing; with --yes it sends each due reminder
// once and reports it; SIGINT mid-run stops it with exit 130, and the next run finishes the job with no
// second mail.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { jsonError } from '../cli/lcProcess';
import {
  assertEachSentOnce,
  lc,
  sendUntilSettled,
  startSandboxProcess,
  waitForDrain,
  type PlanDocument,
  type SandboxProcess,
  type SendDocument,
} from './sendingWorld';

describe('lc reminders plan and send', function () {
  this.timeout(120_000);
  let sandbox: SandboxProcess;

  before(async () => {
    sandbox = await startSandboxProcess({
      seed: 'cli-send-verb',
      clients: 12,
      dueReminders: 12,
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

  async function plan(): Promise<PlanDocument> {
    const run = await lc(sandbox, ['--json', 'reminders', 'plan']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    return JSON.parse(run.stdout) as PlanDocument;
  }

  async function nothingLeft(): Promise<void> {
    const graph = await sandbox.inspectGraph();
    const touched = graph.mailboxes.reduce((n, m) => n + m.drafts.length + m.submissions.total, 0);
    assert.equal(touched, 0, 'no draft was made and nothing was submitted');
  }

  it('plans every due message with recipient, subject, body, session and mailbox, and sends nothing', async () => {
    const planned = await plan();
    assert.ok(planned.total >= 12, `the seeded due reminders are planned (${planned.total})`);
    assert.equal(planned.messages.length, planned.total);
    assert.equal(
      planned.mailboxes.reduce((n, m) => n + m.count, 0),
      planned.total,
      'the mailbox totals add up',
    );
    assert.ok(planned.mailboxes.length >= 2, 'each practitioner sends from their own mailbox');
    for (const m of planned.messages as Array<PlanDocument['messages'][number] & Record<string, unknown>>) {
      assert.match(m.recipient, /@/);
      assert.ok(m.subject && typeof m.body === 'string' && m.body.length > 0, m.reminderId);
      assert.ok('sessionId' in m && 'mailbox' in m);
    }
    const human = await lc(sandbox, ['reminders', 'plan']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      new RegExp(`^${planned.total} messages would leave from \\d+ mailboxes .*Nothing was sent\\.$`, 'm'),
    );
    await nothingLeft();
  });

  it('without a terminal and without --yes exits 11 and sends nothing', async () => {
    const before = await plan();
    const run = await lc(sandbox, ['--json', 'reminders', 'send']);
    assert.equal(run.code, 11, run.stderr + run.stdout);
    const error = jsonError(run);
    assert.equal(error.class, 'policy');
    assert.match(error.message, new RegExp(`Send ${before.total} due reminders .*profile "sandbox"`));
    await nothingLeft();
    assert.equal((await plan()).total, before.total, 'every reminder is still due');
  });

  it('with --yes sends each due reminder once and reports each outcome', async () => {
    const planned = await plan();
    const run = await lc(sandbox, ['--json', '--yes', 'reminders', 'send']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument & { profile: string };
    assert.equal(report.profile, 'sandbox');
    assert.equal(report.total, planned.total);
    assert.equal(report.sent + report.submitted, planned.total, JSON.stringify(report.items.filter((i) => i.error)));
    assert.deepEqual(report.items.map((i) => i.reminderId).sort(), planned.messages.map((m) => m.reminderId).sort());
    await sendUntilSettled(sandbox);
    assertEachSentOnce(
      await waitForDrain(sandbox),
      planned.messages.map((m) => m.reminderId),
    );
  });

  it("never throttles itself into Failed: the mailbox's 4 concurrent requests hold with one try a reminder", async () => {
    const planned = await plan();
    // One try each: any 429 the sender caused itself (batch items over the mailbox's limit) would fail a reminder.
    const run = await lc(sandbox, ['--json', '--yes', 'reminders', 'send'], { env: { LC_REMINDER_MAX_ATTEMPTS: '1' } });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    assert.deepEqual(
      report.items.filter((i) => i.outcome === 'failed').map((i) => i.error),
      [],
      'no reminder failed',
    );
    assert.equal(report.sent + report.submitted, planned.total);
    assert.equal((await sandbox.inspectGraph()).throttled, 0, 'Graph never answered 429');
  });

  it('SIGINT mid-run stops it with exit 130; the next run sends the rest, none twice', async () => {
    const planned = await plan();
    let progressed = 0;
    let interruptedAt = 0;
    // A slow pace (4 a minute per mailbox) keeps the run going long after the first mails leave.
    const run = await lc(sandbox, ['--verbose', '--json', '--yes', 'reminders', 'send'], {
      env: { LC_REMINDER_PER_MINUTE: '4' },
      onSpawn: (child: ChildProcess) => {
        child.stderr?.on('data', (d: Buffer) => {
          progressed += (d.toString().match(/^\[\d+\/\d+\] /gm) ?? []).length;
          if (progressed >= 3 && interruptedAt === 0) {
            interruptedAt = Date.now();
            child.kill('SIGINT');
          }
        });
      },
    });
    assert.ok(interruptedAt > 0, `the run made progress before the signal: ${run.stderr.slice(-1500)}`);
    assert.equal(run.signal, null, 'lc ends itself');
    assert.equal(run.code, 130, run.stdout + run.stderr.slice(-1500));
    assert.ok(Date.now() - interruptedAt < 10_000, 'it stopped without waiting for the pace');
    assert.equal(jsonError(run).class, 'cancelled');
    assert.match(run.stderr, /stopped before finishing: \d+ sent/);
    assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    assert.ok((await plan()).total > 0, 'what was not sent is still due');
    await sendUntilSettled(sandbox);
    assertEachSentOnce(
      await waitForDrain(sandbox),
      planned.messages.map((m) => m.reminderId),
    );
  });

  it('with nothing due, says so and exits 0 without asking', async () => {
    await sendUntilSettled(sandbox);
    const run = await lc(sandbox, ['reminders', 'send']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Nothing is due in profile sandbox: nothing was sent\./);
  });
});
