// "Show Configuration" lets a user check what Life Cockpit will talk to, without showing any secret.
import assert from 'node:assert/strict';
import { editor } from './hooks.mjs';
import { COMMANDS } from './expectations.mjs';
import { waitForEditorText } from './steps.mjs';

describe('Life Cockpit: Show Configuration', () => {
  it('opens a document with the effective configuration of the sandbox profile', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(COMMANDS.showConfiguration);
    const text = await waitForEditorText(workbench, sandbox.tenantId);
    assert.match(text, /sandbox/);
    assert.ok(text.includes(sandbox.clientId), 'the document names the client id from settings');
    assert.ok(!text.includes(sandbox.clientSecret), 'the document shows no client secret');
  });
});
