// Signing out and back in, as a user does: the status bar's account actions, Switch Profile, Sign Out from
// the palette (status bar, notification, the signed-out welcome back), then Sign In with the secret typed,
// so that whatever runs after this file starts signed in.
import assert from 'node:assert/strict';
import { editor } from './hooks.mjs';
import {
  ACCOUNT_ACTIONS_SIGNED_IN,
  COMMANDS,
  CONTAINER,
  SIGNED_OUT_NOTIFICATION,
  SIGNED_OUT_WELCOME,
  STATUS_SANDBOX,
  STATUS_SIGNED_OUT,
  VIEWS,
  WELCOME_BUTTONS,
} from './expectations.mjs';

describe('Life Cockpit: account actions, Sign Out and Sign In again', () => {
  it('offers the signed-in account actions when the status-bar item is clicked', async () => {
    const { workbench } = editor();
    await workbench.clickStatusBarItem(STATUS_SANDBOX);
    await workbench.waitForQuickInput();
    const items = await workbench.quickPickItems();
    assert.deepEqual(
      items.map((i) => i.label),
      ACCOUNT_ACTIONS_SIGNED_IN,
    );
    await workbench.closeQuickInput();
  });

  it('lists the sandbox profile as active in Switch Profile', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(COMMANDS.switchProfile);
    await workbench.waitForQuickInput();
    const items = await workbench.quickPickItems();
    const sandboxItem = items.find((i) => i.label === 'sandbox');
    assert.ok(sandboxItem, `no sandbox profile in ${JSON.stringify(items)}`);
    assert.match(sandboxItem.description, /sandbox · active/);
    assert.ok(!JSON.stringify(items).includes(sandbox.clientSecret));
    await workbench.closeQuickInput();
  });

  it('signs out from the palette: the status bar says so and the signed-out welcome is back', async () => {
    const { workbench } = editor();
    await workbench.runCommand(COMMANDS.signOut);
    await workbench.waitForStatusBarItem(STATUS_SIGNED_OUT);
    await workbench.waitForNotification(SIGNED_OUT_NOTIFICATION);
    await workbench.openViewContainer(CONTAINER);
    const welcome = await workbench.welcomeView(VIEWS.sessions);
    assert.match(welcome.text, SIGNED_OUT_WELCOME);
    for (const button of WELCOME_BUTTONS) assert.ok(welcome.buttons.includes(button), `no "${button}" button`);
  });

  it('signs in again with the secret typed, and the Sessions view fills', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(COMMANDS.signIn);
    const box = await workbench.waitForQuickInput();
    assert.equal(box.password, true, 'the secret is asked for again: sign-out removed it');
    await workbench.typeIntoQuickInput(sandbox.clientSecret);
    await workbench.waitForStatusBarItem(STATUS_SANDBOX);
    await workbench.waitForTreeRows(VIEWS.sessions, 5);
  });
});
