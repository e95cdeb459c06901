// `lc worker run --once` on a cron with a channel's secret missing: a due SMS reminder without
// LC_ACS_CONNECTION_STRING is skipped and left as it was, with nothing recorded on its row, so the pass's own
// output is the only place the reason can show. The pass names each skipped reminder with its reason, in the
// --json document and in the text a cron mails or logs; with the variable set, the next pass sends it once.
import { strict as assert } from 'node:assert';
import { lc, startSandboxProcess, type SandboxProcess } from '../reminders-cli/sendingWorld';
import { dueSmsOnly, M, messageRow, practiceRows, smsFor, statusOf, type PracticeRows } from '../sms/cliSmsWorld';

interface PassDocument {
  reminders: {
    total: number;
    sent: number;
    skipped: number;
    skips: Array<{ reason: string; reminderIds: string[] }>;
  };
}

describe('lc worker run --once with a channel not set up', function () {
  this.timeout(120_000);
  let sandbox: SandboxProcess;
  let rows: PracticeRows;

  before(async () => {
    sandbox = await startSandboxProcess({
      seed: 'worker-skips',
      clients: 16,
      dueReminders: 0,
      practitioners: 1,
      timeScale: 50,
    });
    rows = await practiceRows(sandbox.info);
  });
  after(async () => {
    await rows?.close();
    await sandbox?.stop();
  });

  it('names each skipped SMS reminder with the variable to set, leaves it due, and sends it once that is set', async () => {
    const chosen = await dueSmsOnly(sandbox, rows, 2);
    const ids = chosen.map((row) => String(row[M.primaryId]).toLowerCase()).sort();
    const noSms = { env: { LC_ACS_CONNECTION_STRING: '' } };

    const run = await lc(sandbox, ['--json', 'worker', 'run', '--once'], noSms);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const pass = JSON.parse(run.stdout) as PassDocument;
    assert.deepEqual({ total: pass.reminders.total, skipped: pass.reminders.skipped }, { total: 2, skipped: 2 });
    assert.equal(pass.reminders.skips.length, 1, JSON.stringify(pass.reminders.skips));
    const [skip] = pass.reminders.skips;
    assert.match(skip?.reason ?? '', /LC_ACS_CONNECTION_STRING/);
    assert.deepEqual(skip?.reminderIds.map((id) => id.toLowerCase()).sort(), ids);
    for (const id of ids) {
      assert.equal(statusOf(await messageRow(rows, id)), 'approved', 'left as it was');
      assert.equal((await smsFor(sandbox, id)).length, 0);
    }

    const human = await lc(sandbox, ['worker', 'run', '--once'], noSms);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /2 reminders skipped and left as they are \(.+\): .*LC_ACS_CONNECTION_STRING/);

    const set = await lc(sandbox, ['--json', 'worker', 'run', '--once']);
    assert.equal(set.code, 0, set.stderr + set.stdout);
    assert.deepEqual((JSON.parse(set.stdout) as PassDocument).reminders.skips, []);
    for (const id of ids) {
      assert.equal((await smsFor(sandbox, id)).length, 1);
      assert.equal(statusOf(await messageRow(rows, id)), 'sent');
    }
  });
});
