// SMS through `lc` end to end (issue 20): the sandbox started as a process, `lc reminders send` spawned with the
// ready line's environment only (LC_ACS_CONNECTION_STRING, LC_SMS_FROM, LC_CA_FILE), so the CLI's own profile
// HTTP client must trust the sandbox's CA for the ACS endpoint inside the connection string. An SMS-preferring
// client's due reminder reaches the sandbox's ACS exactly once with ACS's repeatability fields and is recorded
// sent with ACS's message id; a sender killed right after the hand-over and run again sends no second SMS
// inside ACS's repeat window, and after it leaves the reminder in Needs a Check instead of texting again.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testFolder } from '../../builders/testFolders';
import type { SendDocument } from '../reminders-cli/sendingWorld';
import { cliChannelWorld, dueSmsOnly, M, messageRow, smsFor, statusOf, updateRow } from './cliSmsWorld';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164 = /^\+[1-9]\d{6,14}$/;

describe('lc reminders send: SMS through the sandbox’s ACS', function () {
  this.timeout(120_000);
  const world = cliChannelWorld({ seed: 'cli-sms', clients: 16 });

  async function send(env: Record<string, string> = {}) {
    return world.lc(['--json', '--yes', 'reminders', 'send'], { env });
  }

  it('sends an SMS-preferring client’s due reminder once, with the repeatability fields, and records its message id', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const run = await send();
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    assert.deepEqual(
      report.items.map((i) => [i.reminderId.toLowerCase(), i.outcome]),
      [[id.toLowerCase(), 'sent']],
    );

    const sms = await smsFor(world.sandbox, id);
    assert.equal(sms.length, 1, 'exactly one SMS');
    const [one] = sms;
    const row = await messageRow(world.rows, id);
    assert.match(String(row[M.columns.phone]), E164, 'the row carries the client’s phone in E.164');
    assert.equal(one?.to, row[M.columns.phone]);
    assert.equal(one?.from, world.sandbox.info.smsFrom);
    assert.match(one?.repeatabilityRequestId ?? '', GUID);
    assert.ok(one?.repeatabilityFirstSent, 'repeatabilityFirstSent is sent');
    assert.equal(
      Date.parse(one?.repeatabilityFirstSent ?? ''),
      Math.floor(Date.parse(String(row[M.columns.firstAttempt])) / 1000) * 1000,
      'first-sent is the first attempt the row records (HTTP dates have whole seconds)',
    );
    assert.equal(one?.enableDeliveryReport, true);
    assert.equal(statusOf(row), 'sent');
    assert.equal(row[M.columns.graphMessageId], one?.messageId, 'the row records ACS’s message id');

    const again = await send();
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((JSON.parse(again.stdout) as SendDocument).total, 0, 'nothing is left to send');
    assert.equal((await smsFor(world.sandbox, id)).length, 1);
  });

  it('a verbose send keeps the ACS key, the connection string and the SMS text out of its output and log files', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const logDir = testFolder('lc-sms-canary-logs-');
    const run = await world.lc(['--json', '--yes', '--verbose', 'reminders', 'send'], {
      env: { LC_LOG_DIR: logDir },
    });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const [sms] = await smsFor(world.sandbox, id);
    assert.ok(sms && sms.message.length > 20, 'the SMS left with its text');
    const logs = readdirSync(logDir).map((f) => [f, readFileSync(join(logDir, f), 'utf8')] as const);
    assert.ok(
      logs.some(([, text]) => text.includes(id)),
      'the send is in the log files (so an empty log cannot pass)',
    );
    const connection = world.sandbox.info.acsConnectionString;
    const accessKey = /accesskey=([^;]+)/i.exec(connection)?.[1] ?? '';
    assert.ok(accessKey.length > 20);
    const secrets = { accessKey, connection, smsText: sms.message };
    for (const [where, text] of [['stdout', run.stdout], ['stderr', run.stderr], ...logs] as const) {
      for (const [what, secret] of Object.entries(secrets)) assert.ok(!text.includes(secret), `${what} is in ${where}`);
    }
  });

  it('lc worker run --once sends a due SMS the same way, from the same variables', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const run = await world.lc(['--json', 'worker', 'run', '--once']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const pass = JSON.parse(run.stdout) as { reminders: { total: number; sent: number } };
    assert.deepEqual({ total: pass.reminders.total, sent: pass.reminders.sent }, { total: 1, sent: 1 });
    const sms = await smsFor(world.sandbox, id);
    assert.equal(sms.length, 1);
    const row = await messageRow(world.rows, id);
    assert.equal(statusOf(row), 'sent');
    assert.equal(row[M.columns.graphMessageId], sms[0]?.messageId);
  });

  it('a sender killed right after the hand-over and run again sends no second SMS: ACS drops the repeat', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const crashed = await send({ LC_TEST_CRASH_AT: 'afterSend' });
    assert.equal(crashed.code, 86, crashed.stderr + crashed.stdout);
    const [handedOver] = await smsFor(world.sandbox, id);
    assert.ok(handedOver, 'ACS took the SMS before the crash');
    const left = await messageRow(world.rows, id);
    assert.equal(statusOf(left), 'sending');
    assert.equal(left[M.columns.graphMessageId] ?? undefined, undefined, 'the crash came before the id was recorded');

    const rerun = await send();
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
    const report = JSON.parse(rerun.stdout) as SendDocument;
    assert.deepEqual(
      report.items.map((i) => i.outcome),
      ['sent'],
    );
    assert.equal((await smsFor(world.sandbox, id)).length, 1, 'ACS dropped the repeat: one SMS');
    const row = await messageRow(world.rows, id);
    assert.equal(statusOf(row), 'sent');
    assert.equal(row[M.columns.graphMessageId], handedOver.messageId, 'recorded with the first hand-over’s id');
  });

  it('after ACS’s repeat window the rerun leaves the reminder in Needs a Check and sends nothing', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const crashed = await send({ LC_TEST_CRASH_AT: 'afterSend' });
    assert.equal(crashed.code, 86, crashed.stderr + crashed.stdout);
    assert.equal((await smsFor(world.sandbox, id)).length, 1);
    // The rerun comes ten minutes after the first hand-over, as the row records it: past ACS's 5 minutes.
    await updateRow(world.rows, M.entitySet, id, {
      [M.columns.firstAttempt]: new Date(Date.now() - 10 * 60_000).toISOString(),
    });

    const rerun = await send();
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
    const report = JSON.parse(rerun.stdout) as SendDocument;
    assert.equal(report.items.length, 1);
    assert.equal(report.items[0]?.outcome, 'skipped');
    assert.match(report.items[0]?.error ?? '', /Check whether .+ got it/);
    assert.equal((await smsFor(world.sandbox, id)).length, 1, 'no second SMS');
    const row = await messageRow(world.rows, id);
    assert.equal(statusOf(row), 'needsCheck');
    assert.match(String(row[M.columns.lastError]), /drops a repeat only for/);

    const later = await send();
    assert.equal((JSON.parse(later.stdout) as SendDocument).total, 0, 'a reminder in Needs a Check is not due');
    assert.equal((await smsFor(world.sandbox, id)).length, 1);
  });
});
