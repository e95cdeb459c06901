// The first-run path a new user takes: signed out, they click "Start Sandbox" in the welcome view; the
// extension starts its own sandbox (a child process), points a "sandbox" profile at it, signs in and
// fills the views. Last in the suite, since it repoints the workspace's sandbox profile.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editor } from './hooks.mjs';
import { COMMANDS, STATUS_SANDBOX, STATUS_SIGNED_IN, STATUS_SIGNED_OUT, VIEWS } from './expectations.mjs';
import { secretsIn } from './steps.mjs';

/** The workspace's settings file as the user's repository holds it. */
function workspaceSettings(workspace) {
  return readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8');
}

let settingsBefore;

describe('Life Cockpit: Start Sandbox from the welcome view', () => {
  it('starts its own sandbox, signs in to it and fills the Sessions view', async () => {
    const { workbench, workspace } = editor();
    settingsBefore = workspaceSettings(workspace);
    await workbench.runCommand(COMMANDS.signOut);
    await workbench.waitForStatusBarItem(STATUS_SIGNED_OUT);
    const pane = await workbench.view(VIEWS.sessions);
    await workbench.welcomeView(VIEWS.sessions);
    await pane.locator('.welcome-view-content .monaco-button', { hasText: 'Start Sandbox' }).first().click();
    await workbench.waitForStatusBarItem(STATUS_SIGNED_IN, { timeoutMs: 60_000 });
    const rows = await workbench.waitForTreeRows(VIEWS.sessions, 5, { timeoutMs: 60_000 });
    assert.ok(rows, 'the Sessions view shows its groups');
  });

  it('logs that the sandbox started, without any of its secrets', async () => {
    const { workbench, sandbox } = editor();
    const log = await workbench.waitForOutputLine('Life Cockpit', /sandbox started/);
    assert.deepEqual(secretsIn(log, sandbox), []);
    assert.doesNotMatch(log, /lcsbx~[A-Za-z0-9._~-]{20,}/, 'no sandbox client secret in the log');
  });

  it('leaves the workspace’s .vscode/settings.json as it was: the sandbox profile is the extension’s own', () => {
    const { workspace } = editor();
    assert.equal(workspaceSettings(workspace), settingsBefore);
  });

  it('starts its sandbox again after the editor restarts, signed in without asking, and fills the views', async () => {
    const { workbench } = editor();
    await workbench.reloadWindow();
    await workbench.waitForStatusBarItem(STATUS_SANDBOX, { timeoutMs: 60_000 });
    await workbench.waitForOutputLine('Life Cockpit', /sandbox started/);
    assert.equal(await workbench.quickInput().isVisible(), false, 'no input asks for the secret');
    const rows = await workbench.waitForTreeRows(VIEWS.sessions, 5, { timeoutMs: 60_000 });
    assert.ok(rows, 'the Sessions view shows its groups');
  });
});
