// `lc reminders send` on a real terminal (a pseudo-terminal from util-linux's `script`): it asks once,
// naming the count and the profile; "n" sends nothing; Ctrl+C at the question is a Ctrl+C like any other
// (exit 130, "Cancelled by SIGINT"), and nothing is sent; "y" sends.
import { strict as assert } from 'node:assert';
import { hasScript, onTerminal } from '../cli/terminal';
import { startSandboxProcess, waitForDrain, type SandboxProcess } from './sendingWorld';

describe('lc reminders send on a terminal', function () {
  this.timeout(60_000);
  let sandbox: SandboxProcess;

  before(async function () {
    if (!hasScript()) this.skip();
    sandbox = await startSandboxProcess({
      seed: 'cli-send-terminal',
      clients: 8,
      dueReminders: 3,
      practitioners: 1,
      timeScale: 50,
    });
  });
  after(async () => {
    await sandbox?.stop();
  });

  async function submissions(): Promise<number> {
    const graph = await sandbox.inspectGraph();
    return graph.mailboxes.reduce((n, m) => n + m.submissions.total + m.drafts.length, 0);
  }

  it('Ctrl+C at the question cancels like any Ctrl+C: exit 130, and nothing is sent', async () => {
    const run = await onTerminal(sandbox.env, ['reminders', 'send'], '\x03');
    assert.match(run.screen, /Send \d+ due reminders from 1 mailbox .*profile "sandbox".*\[y\/N\]/s);
    assert.equal(run.code, 130, run.screen);
    assert.match(run.screen, /Cancelled by SIGINT/);
    assert.equal(await submissions(), 0);
  });

  it('"n" sends nothing (exit 11)', async () => {
    const run = await onTerminal(sandbox.env, ['reminders', 'send'], 'n\r');
    assert.equal(run.code, 11, run.screen);
    assert.match(run.screen, /Not confirmed; nothing was done\./);
    assert.equal(await submissions(), 0);
  });

  it('"y" sends them, with progress on the terminal', async () => {
    const run = await onTerminal(sandbox.env, ['reminders', 'send'], 'y\r');
    assert.equal(run.code, 0, run.screen);
    assert.match(run.screen, /\[1\/\d+\] sent/);
    assert.match(run.screen, /Profile sandbox: \d+ reminders: \d+ sent/);
    const graph = await waitForDrain(sandbox);
    assert.ok(graph.mailboxes.some((m) => m.sentItems.length > 0));
  });
});
