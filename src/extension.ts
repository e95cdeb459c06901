// What VS Code loads to activate Life Cockpit. VS Code's own activation figure (Developer: Show Running
// Extensions) counts loading this file and activate() up to its first wait; so what runs before that wait
// is the log and the configuration alone, and the composition root (src/editorComposition.ts: every
// service, command and view) is imported while the configuration is read. esbuild keeps that import lazy
// in dist/extension.js: the modules only the composition root needs run when it is imported, not when the
// file is loaded. Activation as a whole (until activate()'s promise settles) does the same work as before.
import type * as vscode from 'vscode';
import type { LifeCockpitApi } from './editorComposition';
import { EditorConfigSource, reportConfigurationProblems } from './vscode/configSource';
import { EditorLog } from './vscode/editorLog';

export type { LifeCockpitApi } from './editorComposition';

export async function activate(context: vscode.ExtensionContext): Promise<LifeCockpitApi> {
  const logs = new EditorLog(context.logUri.fsPath);
  const config = new EditorConfigSource(context.workspaceState);
  context.subscriptions.push(logs, config);
  const [loaded, { composeEditor }] = await Promise.all([config.reload(), import('./editorComposition')]);
  reportConfigurationProblems(loaded, logs.hub.logger('business'));
  logs.follow(config);
  return composeEditor({ context, logs, config });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions and disposed by VS Code.
}
