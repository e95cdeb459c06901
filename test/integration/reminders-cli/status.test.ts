// `lc reminders status` as a process against a seeded sandbox (issue 15, item 4): --json groups the
// reminders as the Reminders view does, with a count for each group, the due ones the sandbox seeded
// under Due Now and every Failed one with the error that put it there; people get the same groups.
import { strict as assert } from 'node:assert';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { jsonError, lcProcess } from '../cli/lcProcess';

interface Listed {
  id: string;
  status: string;
  subject: string;
  attempts: number;
  lastError: string | null;
}
interface Status {
  profile: string;
  counts: Record<string, number>;
  groups: Record<string, Listed[]>;
}

const GROUPS = ['dueNow', 'needsCheck', 'needsApproval', 'scheduled', 'failed', 'sent'];

describe('lc reminders status', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-reminders-status', clients: 30, dueReminders: 7 });
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('counts each group, lists the seeded due reminders under Due Now and Failed with their errors', async () => {
    const run = await lcProcess(['--json', 'reminders', 'status'], { env: sandbox.info.env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const status = JSON.parse(run.stdout) as Status;
    assert.deepEqual(Object.keys(status.counts), GROUPS);
    for (const group of GROUPS) assert.equal(status.counts[group], status.groups[group].length, group);
    const due = new Set(status.groups.dueNow.map((r) => r.id));
    const seededDue = sandbox.practice.reminders.filter(
      (r) => r.status === 'approved' && Date.parse(r.scheduledTime) <= Date.now(),
    );
    assert.ok(seededDue.length >= 7, 'the seed has due reminders');
    for (const r of seededDue) assert.ok(due.has(r.id), `${r.id} is due now`);
    assert.ok(status.groups.dueNow.every((r) => r.status === 'approved'));
    const seededFailed = new Map(
      sandbox.practice.reminders.filter((r) => r.status === 'failed').map((r) => [r.id, r.lastError]),
    );
    assert.ok(status.counts.failed > 0, 'the seed has failed reminders in the last two weeks');
    for (const r of status.groups.failed) {
      assert.equal(r.status, 'failed');
      assert.ok(r.lastError, `${r.id} carries its error`);
      assert.equal(r.lastError, seededFailed.get(r.id));
    }
  });

  it('prints the groups for people, each Failed reminder followed by its error', async () => {
    const run = await lcProcess(['reminders', 'status'], { env: sandbox.info.env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Due Now \(\d+\)$/m);
    assert.match(run.stdout, /^Needs Approval \(\d+\)$/m);
    const failed = /^Failed \((\d+)\)\n((?: {2}.*\n)*)/m.exec(run.stdout);
    assert.ok(failed, run.stdout);
    assert.match(failed[2], /^ {6}\d+ attempts?: \S/m);
  });

  it('fails with the authentication exit code when the secret is wrong, --json naming the class', async () => {
    const run = await lcProcess(['--json', 'reminders', 'status'], {
      env: { ...sandbox.info.env, LC_CLIENT_SECRET: 'not-it' },
    });
    assert.equal(run.code, 12, run.stderr + run.stdout);
    assert.equal(jsonError(run).class, 'authentication');
  });
});
