// "Test Connection" shows its progress, then a report of what the app may do (tenant, Graph roles, the
// mailbox, Dataverse's WhoAmI) as a read-only Connection.md, and logs the test without any secret.
import assert from 'node:assert/strict';
import { editor } from './hooks.mjs';
import {
  COMMANDS,
  CONNECTION_DOCUMENT,
  CONNECTION_LINES,
  CONNECTION_PROGRESS,
  CONNECTION_TESTED_LOG_LINE,
  OUTPUT_CHANNEL,
} from './expectations.mjs';
import { secretsIn, waitForEditorText } from './steps.mjs';

describe('Life Cockpit: Test Connection', () => {
  it('shows progress, then opens Connection.md with the tenant, Graph roles, mailbox and WhoAmI', async () => {
    const { workbench, sandbox } = editor();
    // The sandbox answers in milliseconds, so the progress notification is recorded as it renders.
    const notifications = await workbench.recordNotifications();
    await workbench.runCommand(COMMANDS.testConnection);
    const text = await waitForEditorText(workbench, `Tenant: ${sandbox.tenantId}`);
    assert.equal(await workbench.activeEditorTitle(), CONNECTION_DOCUMENT);
    for (const line of CONNECTION_LINES) assert.match(text, line);
    assert.ok(text.includes(`<${sandbox.mailbox}> reachable`), `the mailbox is not reported reachable:\n${text}`);
    assert.doesNotMatch(text, /FAILED|Missing roles/, 'the sandbox app has every role it needs');
    assert.deepEqual(secretsIn(text, sandbox), []);
    const shown = await notifications.texts();
    assert.ok(
      shown.some((t) => CONNECTION_PROGRESS.test(t)),
      `no progress notification was shown; saw: ${JSON.stringify(shown)}`,
    );
  });

  it('logs "connection tested" to the output channel, and no secret anywhere in it', async () => {
    const { workbench, sandbox } = editor();
    const log = await workbench.waitForOutputLine(OUTPUT_CHANNEL, CONNECTION_TESTED_LOG_LINE);
    assert.deepEqual(secretsIn(log, sandbox), [], 'a secret appears in the output channel');
  });
});
