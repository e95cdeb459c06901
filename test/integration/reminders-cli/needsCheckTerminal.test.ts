// `lc reminders send-again` and `mark-sent` on a real terminal (a pseudo-terminal), on an SMS left in Needs a
// Check after ACS's repeat window: send-again's question names the profile, the client, the phone and that a
// second copy may arrive, and "n" sends nothing. Two actors at once: while the question is open, the editor
// settles the same reminder (its Mark as Sent, its Send Again…, the same core actions on the same rows); the
// answer "y" then changes nothing, sends nothing, and exits 14 saying what the reminder is now.
import { strict as assert } from 'node:assert';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { markReminderSent, sendReminderAgain, type ReminderActionDeps } from '../../../src/core/reminders';
import { hasScript, onTerminal } from '../cli/terminal';
import {
  cliChannelWorld,
  M,
  messageRow,
  needsCheckBySms,
  smsFor,
  statusOf,
  type CliChannelWorld,
} from '../sms/cliSmsWorld';

describe('lc reminders send-again and mark-sent on a terminal', function () {
  this.timeout(120_000);
  before(function () {
    if (!hasScript()) this.skip();
  });
  const world: CliChannelWorld = cliChannelWorld({ seed: 'cli-needs-check-terminal', clients: 16 });

  /** The editor's side: the core actions on the same sandbox, as the Reminders view runs them. */
  function editor(): ReminderActionDeps & { clock: typeof systemClock } {
    return { dataverse: world.rows.dv, tables: DEFAULT_TABLES, log: silentLogger, clock: systemClock };
  }

  it('send-again asks naming the profile, the client, the phone and the second copy; "n" sends nothing', async () => {
    const id = await needsCheckBySms(world);
    const row = await messageRow(world.rows, id);
    const run = await onTerminal(world.sandbox.env, ['reminders', 'send-again', id], 'n\r');
    assert.equal(run.code, 11, run.screen);
    const question = run.screen.slice(0, run.screen.indexOf('[y/N]'));
    for (const part of [
      'profile "sandbox"',
      String(row[M.columns.clientName]),
      String(row[M.columns.phone]),
      'SMS',
      'second copy',
    ]) {
      assert.ok(question.includes(part), `the question names ${part}: ${question}`);
    }
    assert.match(run.screen, /Not confirmed; nothing was done\./);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'needsCheck');
    assert.equal((await smsFor(world.sandbox, id)).length, 1);
  });

  it('the editor marks it sent while send-again asks: "y" sends nothing and exits 14 saying it is sent', async () => {
    const id = await needsCheckBySms(world);
    const run = await onTerminal(world.sandbox.env, ['reminders', 'send-again', id], async () => {
      await markReminderSent(editor(), id);
      return 'y\r';
    });
    assert.equal(run.code, 14, run.screen);
    assert.match(run.screen, /changed while it was being sent again \(it is now sent\)/);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'sent');
    assert.equal((await smsFor(world.sandbox, id)).length, 1, 'no second SMS');
  });

  it('the editor sends it again while mark-sent asks: "y" leaves it approved and exits 14 saying so', async () => {
    const id = await needsCheckBySms(world);
    const run = await onTerminal(world.sandbox.env, ['reminders', 'mark-sent', id], async (screen) => {
      assert.match(screen, /Mark the SMS reminder to .+ \(\+\d+\) as sent .*profile "sandbox"/s);
      await sendReminderAgain(editor(), id);
      return 'y\r';
    });
    assert.equal(run.code, 14, run.screen);
    assert.match(run.screen, /is approved, so it cannot be marked as sent/);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'approved', 'left for the sender, not recorded sent');
  });
});
