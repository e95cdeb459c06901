// Issue 5: "sign in, restart the editor, still signed in". The window reloads (a new workbench and a new
// extension host); the secret kept in the editor's SecretStorage signs in again without being asked for.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import { CONTAINER, SESSION_GROUPS, STATUS_SANDBOX, VIEWS } from './expectations.mjs';

describe('Life Cockpit after the editor restarts', () => {
  it('is still signed in to the sandbox after "Developer: Reload Window", without asking for the secret', async () => {
    const { workbench } = editor();
    await workbench.waitForStatusBarItem(STATUS_SANDBOX);
    await workbench.reloadWindow();
    await workbench.waitForStatusBarItem(STATUS_SANDBOX, { timeoutMs: 60_000 });
    assert.equal(await workbench.quickInput().isVisible(), false, 'no input asks for the secret again');
  });

  it('fills the Sessions view again after the restart', async () => {
    const { workbench } = editor();
    await workbench.openViewContainer(CONTAINER);
    await waitFor('the session groups after the restart', async () => {
      const labels = (await workbench.treeRows(VIEWS.sessions)).filter((r) => r.level === 1).map((r) => r.label);
      return labels.includes(SESSION_GROUPS[0]);
    });
  });
});
