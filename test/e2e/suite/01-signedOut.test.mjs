// A first visit: the Life Cockpit container in the activity bar, its two views, and the signed-out welcome.
import assert from 'node:assert/strict';
import { editor } from './hooks.mjs';
import { CONTAINER, SIGNED_OUT_WELCOME, STATUS_SIGNED_OUT, VIEWS, WELCOME_BUTTONS } from './expectations.mjs';

describe('Life Cockpit, signed out', () => {
  it('opens from the activity bar with the Sessions and Reminders views', async () => {
    const { workbench } = editor();
    await workbench.openViewContainer(CONTAINER);
    await workbench.view(VIEWS.sessions);
    await workbench.view(VIEWS.reminders);
  });

  it('shows the signed-out welcome with Sign In and Start Sandbox buttons', async () => {
    const { workbench } = editor();
    // The views show the welcome before the extension has activated too; the status-bar item is the
    // extension's own, so once it says "signed out" the welcome below is what the extension leaves.
    await workbench.waitForStatusBarItem(STATUS_SIGNED_OUT);
    const sessions = await workbench.welcomeView(VIEWS.sessions);
    assert.match(sessions.text, SIGNED_OUT_WELCOME);
    for (const button of WELCOME_BUTTONS) {
      assert.ok(sessions.buttons.includes(button), `Sessions welcome lacks "${button}": ${sessions.buttons}`);
    }
    const reminders = await workbench.welcomeView(VIEWS.reminders);
    assert.ok(reminders.buttons.includes('Sign In'), `Reminders welcome lacks "Sign In": ${reminders.buttons}`);
  });
});
