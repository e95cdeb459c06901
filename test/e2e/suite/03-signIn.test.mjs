// Signing in as a user does: the command palette, the client secret typed into a password box, and the
// status bar and views changing; then the output channel tells what happened and never the secret.
import assert from 'node:assert/strict';
import { editor } from './hooks.mjs';
import {
  COMMANDS,
  OUTPUT_CHANNEL,
  SECRET_PROMPT,
  SIGNED_IN_LOG_LINE,
  STATUS_SIGNED_IN,
  VIEWS,
} from './expectations.mjs';

describe('Life Cockpit: Sign In', () => {
  it('asks for the client secret in a password box and shows the profile in the status bar', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(COMMANDS.signIn);
    const box = await workbench.waitForQuickInput();
    assert.equal(box.password, true, 'the secret is typed into a password box');
    assert.match(`${box.title} ${box.prompt} ${box.placeholder}`, SECRET_PROMPT);
    await workbench.typeIntoQuickInput(sandbox.clientSecret);
    const item = await workbench.waitForStatusBarItem(STATUS_SIGNED_IN);
    assert.ok(!item.text.includes(sandbox.clientSecret));
  });

  it('replaces the signed-out welcome once signed in', async () => {
    const { workbench } = editor();
    const pane = await workbench.view(VIEWS.sessions);
    await pane.locator('.welcome-view-content').waitFor({ state: 'hidden', timeout: 15_000 });
  });

  it('logs the sign-in to the Life Cockpit output channel without the secret', async () => {
    const { workbench, sandbox } = editor();
    const log = await workbench.waitForOutputLine(OUTPUT_CHANNEL, SIGNED_IN_LOG_LINE);
    for (const secret of [sandbox.clientSecret, sandbox.stripeSecretKey, sandbox.stripeWebhookSecret]) {
      assert.ok(!log.includes(secret), 'a secret appears in the output channel');
    }
  });
});
