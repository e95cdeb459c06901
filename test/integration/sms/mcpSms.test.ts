// The agent tool reminders_send texts an SMS-preferring client through ACS, as `lc reminders send` does: `lc mcp`
// started with the sandbox's environment (LC_ACS_CONNECTION_STRING, LC_SMS_FROM), the practitioner accepting
// the question, one SMS at the sandbox's ACS and the reminder recorded sent with its message id; a second call
// sends nothing.
import { strict as assert } from 'node:assert';
import { startMcp, type McpSession } from '../mcp/mcpClient';
import { cliChannelWorld, dueSmsOnly, M, messageRow, smsFor, statusOf } from './cliSmsWorld';

interface Report {
  total: number;
  sent: number;
  items: Array<{ reminderId: string; outcome: string; error?: string }>;
}

describe('lc mcp: reminders_send by SMS', function () {
  this.timeout(120_000);
  const world = cliChannelWorld({ seed: 'mcp-sms', clients: 16, resetBeforeEach: false });
  let mcp: McpSession | undefined;

  afterEach(async () => {
    await mcp?.close();
    assert.deepEqual(mcp?.protocolErrors ?? [], []);
    mcp = undefined;
  });

  it('sends the due SMS once after the practitioner accepts, and a second call sends nothing', async () => {
    const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
    const id = String(chosen?.[M.primaryId]);
    mcp = await startMcp({ env: { ...world.sandbox.env, TZ: 'UTC' }, answer: 'accept' });
    const first = (await mcp.call('reminders_send')).structuredContent as unknown as Report;
    assert.deepEqual(
      first.items.map((i) => [i.reminderId.toLowerCase(), i.outcome, i.error]),
      [[id.toLowerCase(), 'sent', undefined]],
    );
    assert.equal(mcp.questions.length, 1);
    const sms = await smsFor(world.sandbox, id);
    assert.equal(sms.length, 1);
    const row = await messageRow(world.rows, id);
    assert.equal(statusOf(row), 'sent');
    assert.equal(row[M.columns.graphMessageId], sms[0]?.messageId);
    const again = (await mcp.call('reminders_send')).structuredContent as unknown as Report;
    assert.equal(again.total, 0);
    assert.equal((await smsFor(world.sandbox, id)).length, 1);
  });
});
