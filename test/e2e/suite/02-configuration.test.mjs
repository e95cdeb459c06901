// "Show Configuration" lets a user check what Life Cockpit will talk to, without showing any secret.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import { COMMANDS } from './expectations.mjs';

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

/** The active editor's text once it contains `expected` (the document may open before it is filled). */
async function waitForEditorText(workbench, expected) {
  return waitFor(`an editor showing ${expected}`, async () => {
    const text = await workbench.activeEditorText({ timeoutMs: 2_000 });
    return text.includes(expected) ? text : false;
  });
}
