// The first run's one notification: it offers the walkthrough in VS Code and the Get Started page in
// Cursor, where walkthroughs fail to open (../shared/reference/editor-compat.md §5: Help › Welcome
// fails with walkThrough://vscode_getting_started_page). Cursor is told by its app name or URI scheme,
// as §4 says, not by an API's presence (Cursor carries stubs). Shown once: the global state remembers it.
import * as vscode from 'vscode';
import { WALKTHROUGH_ID } from './getStartedSteps';

const OFFERED_KEY = 'lifeCockpit.firstRunOffered';

export function isCursor(env: { appName: string; uriScheme: string }): boolean {
  return /cursor/i.test(env.appName) || env.uriScheme === 'cursor';
}

export interface FirstRunOffer {
  globalState: vscode.Memento;
  extensionId: string;
  env: { appName: string; uriScheme: string };
}

/** On the first activation ever: shows Life Cockpit's views and the offer; later activations do nothing. */
export async function offerFirstRun(o: FirstRunOffer): Promise<void> {
  if (o.globalState.get<boolean>(OFFERED_KEY)) return;
  await o.globalState.update(OFFERED_KEY, true);
  // The first run opens on Life Cockpit's own views, not the Explorer.
  await vscode.commands.executeCommand('workbench.view.extension.lifeCockpit');
  const cursor = isCursor(o.env);
  const action = cursor ? 'Get Started' : 'Open Walkthrough';
  const choice = await vscode.window.showInformationMessage(
    'Welcome to Life Cockpit: six short steps take you from the built-in sandbox to sending reminders.',
    action,
  );
  if (choice !== action) return;
  if (cursor) await vscode.commands.executeCommand('lifeCockpit.getStarted');
  else
    await vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      `${o.extensionId}#${WALKTHROUGH_ID}`,
      false,
    );
}
