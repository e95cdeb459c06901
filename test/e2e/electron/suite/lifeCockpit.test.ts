// The code-server suite's scenarios (test/e2e/suite) inside VS Code itself: commands instead of clicks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, readOutputChannel, sandbox, waitFor } from './inEditor';

describe('Life Cockpit in VS Code (electron)', () => {
  it('contributes the container with the Sessions and Reminders views and its commands', async () => {
    await activeExtension();
    await vscode.commands.executeCommand('workbench.view.extension.lifeCockpit');
    await vscode.commands.executeCommand('lifeCockpit.sessions.focus');
    await vscode.commands.executeCommand('lifeCockpit.reminders.focus');
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['lifeCockpit.signIn', 'lifeCockpit.showConfiguration', 'lifeCockpit.startSandbox']) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
  });

  it('Show Configuration opens a document with the sandbox profile and no secret', async () => {
    const info = sandbox();
    await vscode.commands.executeCommand('lifeCockpit.showConfiguration');
    const text = await waitFor('the configuration document', () => {
      const doc = vscode.window.activeTextEditor?.document.getText() ?? '';
      return doc.includes(info.tenantId) ? doc : false;
    });
    assert.ok(text.includes(info.clientId));
    assert.ok(!text.includes(info.clientSecret));
  });

  it('Sign In takes the client secret from the input box and logs it without the secret', async () => {
    const info = sandbox();
    // The API cannot see the input box, so paste and accept until the command settles (bounded):
    // with no editor open, a paste that comes before the box shows lands nowhere.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.env.clipboard.writeText(info.clientSecret);
    let settled = false;
    const signingIn = Promise.resolve(vscode.commands.executeCommand('lifeCockpit.signIn')).finally(() => {
      settled = true;
    });
    for (let attempt = 0; attempt < 20 && !settled; attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await signingIn;
    const log = await waitFor('"signed in" in the output channel', () => {
      const text = readOutputChannel('Life Cockpit');
      return /signed in/i.test(text) ? text : false;
    });
    for (const secret of [info.clientSecret, info.stripeSecretKey]) {
      assert.ok(!log.includes(secret), 'a secret appears in the output channel');
    }
  });
});
