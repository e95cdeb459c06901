// `lc reminders send --id` and `lc reminders plan --id` against a sandbox process: the editor's Send Now from the
// terminal, sending only the chosen reminders, due or not.
//
// How this goes wrong for a user, and the test for each:
// - Everything due leaves with the chosen one (a script meant one client): only the chosen ids leave, the
//   other due reminders stay approved, and an approved reminder not yet due leaves too (as Send Now).
// - The same id twice (repeated --id, a comma list, another case): it leaves once and is reported once.
// - A hostile or mistyped id (an OData filter, an empty one) reaches no request: exit 10, nothing leaves.
// - A script with no terminal and no --yes sends: exit 11, nothing leaves; on a terminal the one question names
//   the count, the mailbox and the profile, and "n" sends nothing.
// - A draft, an already sent or an unknown id among the chosen: reported skipped with the reason, while the
//   others leave (the editor's Send Now sends nothing for a reminder that is not approved, and says so).
// - Another sender claimed it meanwhile (the worker, another lc): skipped, "another sender is working on it",
//   no second copy.
// - A crash after the hand-over, then the same command again: it leaves once (the rerun looks in Sent Items).
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import { jsonError } from '../cli/lcProcess';
import { hasScript, onTerminal } from '../cli/terminal';
import {
  cliChannelWorld,
  dueOnly,
  mailFor,
  M,
  messageRow,
  queryRows,
  SENDGRID,
  statusOf,
  updateRow,
  type CliChannelWorld,
} from '../sms/cliSmsWorld';
import { sentItemsPerReminder, waitForDrain, type PlanDocument, type SendDocument } from './sendingWorld';

const idOf = (row: Record<string, unknown> | undefined): string => String(row?.[M.primaryId]);

/** An e-mail reminder of an upcoming session, approved and not due for days: Send Now sends it anyway. */
async function approvedNotDue(world: CliChannelWorld): Promise<string> {
  const c = M.columns;
  const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const [row] = await queryRows(
    world.rows,
    M.entitySet,
    `${c.status} eq ${MESSAGE_STATUS.draft} and ${c.kind} eq ${MESSAGE_KIND.reminder} and ${c.scheduledTime} gt ${later} and ${c.channel} eq ${MESSAGE_CHANNEL.email}`,
  );
  assert.ok(row, 'the seed has an upcoming e-mail reminder days ahead');
  await updateRow(world.rows, M.entitySet, idOf(row), { [c.status]: MESSAGE_STATUS.approved });
  return idOf(row);
}

describe('lc reminders send --id: only the chosen reminders, due or not', function () {
  this.timeout(120_000);
  const world = cliChannelWorld({ seed: 'cli-send-only', clients: 16 });

  const send = (args: string[], flags = ['--json', '--yes'], env: Record<string, string> = SENDGRID) =>
    world.lc([...flags, 'reminders', 'send', ...args], { env });

  it('sends the chosen due reminder and a chosen one not yet due, and leaves the other due one approved', async () => {
    const [a, b] = (await dueOnly(world.sandbox, world.rows, 2, 'email')).map(idOf);
    const later = await approvedNotDue(world);
    const plan = await world.lc(['--json', 'reminders', 'plan', '--id', `${a},${later}`], { env: SENDGRID });
    assert.equal(plan.code, 0, plan.stderr + plan.stdout);
    assert.deepEqual(
      (JSON.parse(plan.stdout) as PlanDocument).messages.map((m) => m.reminderId.toLowerCase()).sort(),
      [a, later].map((id) => id.toLowerCase()).sort(),
      'the dry run lists exactly the chosen ones',
    );
    const run = await send(['--id', String(a), '--id', later]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    assert.equal(report.total, 2);
    assert.equal(report.sent, 2, run.stdout);
    for (const id of [a, later]) {
      assert.equal(statusOf(await messageRow(world.rows, String(id))), 'sent');
      assert.equal((await mailFor(world, String(id))).length, 1);
    }
    assert.equal(statusOf(await messageRow(world.rows, String(b))), 'approved', 'the other due one is left');
    assert.equal((await mailFor(world, String(b))).length, 0);
  });

  it('sends a reminder named twice (repeated, in a list, in another case) once and reports it once', async () => {
    const [a] = (await dueOnly(world.sandbox, world.rows, 1, 'email')).map(idOf);
    const id = String(a);
    const run = await send(['--id', `${id},${id.toUpperCase()}`, '--id', id]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    assert.deepEqual(
      report.items.map((i) => [i.reminderId.toLowerCase(), i.outcome]),
      [[id.toLowerCase(), 'sent']],
    );
    assert.equal((await mailFor(world, id)).length, 1);
  });

  it('refuses a malformed id before any request (exit 10), and sends nothing', async () => {
    const [a] = (await dueOnly(world.sandbox, world.rows, 1, 'email')).map(idOf);
    for (const bad of [`${String(a)}) or (true`, "x' or 1 eq 1", '', ' , ']) {
      const run = await send(['--id', String(a), '--id', bad]);
      assert.equal(run.code, 10, `${JSON.stringify(bad)}: ${run.stderr}${run.stdout}`);
      assert.equal(jsonError(run).class, 'validation');
      assert.match(jsonError(run).message, /--id/);
    }
    const plan = await world.lc(['--json', 'reminders', 'plan', '--id', 'not-a-guid']);
    assert.equal(plan.code, 10, plan.stderr + plan.stdout);
    assert.equal(statusOf(await messageRow(world.rows, String(a))), 'approved');
    assert.equal((await mailFor(world, String(a))).length, 0);
  });

  it('with no terminal and no --yes exits 11 and sends nothing', async () => {
    const [a] = (await dueOnly(world.sandbox, world.rows, 1, 'email')).map(idOf);
    const run = await send(['--id', String(a)], ['--json']);
    assert.equal(run.code, 11, run.stderr + run.stdout);
    assert.match(run.stderr + run.stdout, /1 chosen reminder/);
    assert.equal(statusOf(await messageRow(world.rows, String(a))), 'approved');
    assert.equal((await mailFor(world, String(a))).length, 0);
  });

  it('on a terminal asks once, naming the count, the mailbox and the profile: "n" sends nothing, "y" only the chosen', async function () {
    if (!hasScript()) this.skip();
    const [a, b] = (await dueOnly(world.sandbox, world.rows, 2, 'email')).map(idOf);
    const args = ['reminders', 'send', '--id', String(a)];
    const no = await onTerminal({ ...world.sandbox.env, ...SENDGRID }, args, 'n\r');
    assert.match(
      no.screen,
      /Send 1 chosen reminder, due or not, from 1 mailbox \(\S+@\S+ 1\) .*profile "sandbox".*\[y\/N\]/s,
    );
    assert.equal(no.code, 11, no.screen);
    assert.equal((await mailFor(world, String(a))).length, 0);
    const yes = await onTerminal({ ...world.sandbox.env, ...SENDGRID }, args, 'y\r');
    assert.equal(yes.code, 0, yes.screen);
    assert.match(yes.screen, /Profile sandbox: 1 reminder: 1 sent/);
    assert.equal((await mailFor(world, String(a))).length, 1);
    assert.equal((await mailFor(world, String(b))).length, 0, 'the other due one did not leave');
  });

  it('reports a draft, a sent and an unknown id skipped with the reason, and sends the approved one', async () => {
    const [a, sentOne] = (await dueOnly(world.sandbox, world.rows, 2, 'email')).map(idOf);
    assert.equal((await send(['--id', String(sentOne)])).code, 0);
    const c = M.columns;
    const [draft] = await queryRows(world.rows, M.entitySet, `${c.status} eq ${MESSAGE_STATUS.draft}`);
    const unknown = randomUUID();
    const run = await send(['--id', [a, idOf(draft), sentOne, unknown].join(',')]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    assert.equal(report.total, 4);
    assert.equal(report.sent, 1);
    assert.equal(report.skipped, 3);
    const reason = (id: string) => report.items.find((i) => i.reminderId.toLowerCase() === id.toLowerCase());
    assert.equal(reason(String(a))?.outcome, 'sent');
    assert.match(reason(idOf(draft))?.error ?? '', /draft/);
    assert.match(reason(String(sentOne))?.error ?? '', /already sent/);
    assert.match(reason(unknown)?.error ?? '', /No reminder/);
    assert.equal(statusOf(await messageRow(world.rows, idOf(draft))), 'draft');
    assert.equal((await mailFor(world, String(sentOne))).length, 1, 'the sent one is not sent again');
    const human = await send(['--id', idOf(draft)], ['--yes']);
    assert.equal(human.code, 0, human.stderr + human.stdout);
    assert.match(human.stdout, /skipped[\s\S]*draft/);
  });

  it('skips a chosen reminder another sender is working on, and sends no second copy', async () => {
    const [a] = (await dueOnly(world.sandbox, world.rows, 1, 'email')).map(idOf);
    const id = String(a);
    // A live claim of another process on this host (this test's own): not stale, so not taken over.
    await updateRow(world.rows, M.entitySet, id, {
      [M.columns.status]: MESSAGE_STATUS.sending,
      [M.columns.sendClaim]: `${hostname()}|${process.pid}|${new Date().toISOString()}|${randomUUID()}`,
    });
    const run = await send(['--id', id]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    assert.deepEqual(
      report.items.map((i) => i.outcome),
      ['skipped'],
    );
    assert.match(report.items[0]?.error ?? '', /Another sender/);
    assert.equal((await mailFor(world, id)).length, 0);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'sending');
  });

  it('after a crash past the hand-over to Microsoft 365, the same command again leaves it in Sent Items once', async () => {
    const [a, b] = (await dueOnly(world.sandbox, world.rows, 2, 'email')).map(idOf);
    const id = String(a);
    const graph = { LC_SUBMITTED_DRAFT_GRACE_SECONDS: '0' };
    const crashed = await send(['--id', id], ['--json', '--yes'], { ...graph, LC_TEST_CRASH_AT: 'afterSend' });
    assert.equal(crashed.code, 86, crashed.stderr + crashed.stdout);
    let status: string | undefined;
    for (let run = 0; run < 4 && status !== 'sent'; run++) {
      await waitForDrain(world.sandbox);
      const rerun = await send(['--id', id], ['--json', '--yes'], graph);
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      status = statusOf(await messageRow(world.rows, id));
    }
    assert.equal(status, 'sent');
    const counts = sentItemsPerReminder(await waitForDrain(world.sandbox), [id, String(b)]);
    assert.equal(counts.get(id.toLowerCase()), 1, 'in Sent Items once');
    assert.equal(counts.get(String(b).toLowerCase()), 0, 'the other due one did not leave');
    assert.equal(statusOf(await messageRow(world.rows, String(b))), 'approved');
  });
});
