// SMS delivery reports through `lc webhooks serve` (issue 20): the sandbox's ACS subscribes the receiver's /acs
// route (Event Grid's validation handshake, the URL's key derived from the connection string), `lc reminders
// send` texts an SMS-preferring client, and the SMSDeliveryReportReceived event reaches the reminder. A sender
// killed right after the hand-over leaves the row without ACS's id; the report brings it, so even a rerun long
// after ACS's repeat window records the reminder sent, sending nothing again, instead of asking a person.
import { strict as assert } from 'node:assert';
import { acsWebhookKey } from '../../../src/core/webhooks';
import { testFolder } from '../../builders/testFolders';
import { waitFor, type SendDocument } from '../reminders-cli/sendingWorld';
import { lcServe, type Serving } from '../webhooks/lcServe';
import { cliChannelWorld, dueSmsOnly, M, messageRow, sandboxCall, smsFor, statusOf, updateRow } from './cliSmsWorld';

describe('lc webhooks serve: ACS delivery reports reach the reminder', function () {
  this.timeout(120_000);
  // Reset before each test, then the receiver below is started on the fresh sandbox.
  const world = cliChannelWorld({ seed: 'cli-sms-reports', clients: 16 });
  let serving: Serving | undefined;

  beforeEach(async () => {
    const env = { ...world.sandbox.env, LC_WEBHOOK_KEY: 'integration-test-payload-key-0123456789' };
    serving = await lcServe(testFolder('lc-acs-inbox-'), env);
    const routes = serving.ready.routes as { acs?: string };
    assert.ok(routes.acs, 'the ready line names the /acs route');
    const key = acsWebhookKey(world.sandbox.info.acsConnectionString);
    await sandboxCall(world.sandbox.info, 'POST', '/acs/eventSubscription', {
      endpoint: `${routes.acs}?key=${key}`,
      delayMs: 2_000,
    });
  });
  afterEach(async () => {
    serving?.child.kill('SIGTERM');
    const run = await serving?.done;
    serving = undefined;
    assert.equal(run?.code ?? 0, 0, run?.stderr);
  });

  const send = (env: Record<string, string> = {}) => world.lc(['--json', '--yes', 'reminders', 'send'], { env });
  const delivered = (id: string) =>
    waitFor('the delivery report on the reminder', async () => {
      const row = await messageRow(world.rows, id);
      return typeof row[M.columns.deliveryStatus] === 'string' ? row : false;
    });

  it('records the delivery of a sent SMS on its reminder', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const run = await send();
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const [sms] = await smsFor(world.sandbox, id);
    const row = await delivered(id);
    assert.match(String(row[M.columns.deliveryStatus]), /^Delivered \d{4}-\d{2}-\d{2}T/);
    assert.equal(row[M.columns.graphMessageId], sms?.messageId);
    assert.equal(statusOf(row), 'sent');
  });

  it('after a crash past the repeat window, the report lets the rerun record it sent without a second SMS', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    const crashed = await send({ LC_TEST_CRASH_AT: 'afterSend' });
    assert.equal(crashed.code, 86, crashed.stderr + crashed.stdout);
    const [sms] = await smsFor(world.sandbox, id);
    const row = await delivered(id);
    assert.equal(row[M.columns.graphMessageId], sms?.messageId, 'the report brought ACS’s id, found by the tag');
    assert.equal(statusOf(row), 'sending');
    await updateRow(world.rows, M.entitySet, id, {
      [M.columns.firstAttempt]: new Date(Date.now() - 10 * 60_000).toISOString(),
    });

    const rerun = await send();
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
    assert.deepEqual(
      (JSON.parse(rerun.stdout) as SendDocument).items.map((i) => i.outcome),
      ['sent'],
    );
    assert.equal((await smsFor(world.sandbox, id)).length, 1, 'no second SMS');
    assert.equal(statusOf(await messageRow(world.rows, id)), 'sent');
  });
});
