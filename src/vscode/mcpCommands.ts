// The commands around the MCP server: Add MCP Server to Cursor (for Cursor builds without its extension
// API), and Allow / Revoke Agent Writes, the editor's own confirmation for a live profile. Each change
// reaches the running server: the registration restarts it with the new environment.
import * as vscode from 'vscode';
import { describeTarget } from '../core/config';
import { CancelledError, ValidationError } from '../core/errors';
import { needsAgentWritesConfirmation } from './mcpAgentWrites';
import { addServerToCursorConfig } from './mcpCursorConfig';
import { cursorConfigEntry, MCP_SERVER_NAME } from './mcpServerEnvironment';
import { bundledCli } from './sandboxLauncher';
import type { EditorServices } from './services';

type Services = Pick<EditorServices, 'context' | 'config' | 'log' | 'mcp'>;

export async function addMcpServerToCursor(s: Services): Promise<void> {
  if (s.mcp.registeredWith === 'cursor') {
    void vscode.window.showInformationMessage(
      'Cursor already runs the Life Cockpit MCP server: this extension registered it through Cursor’s API. Nothing was written.',
    );
    return;
  }
  const folder = await workspaceFolder();
  const uri = vscode.Uri.joinPath(folder.uri, '.cursor', 'mcp.json');
  const loaded = s.config.loaded;
  const entry = cursorConfigEntry(bundledCli(s.context.extensionPath, ['mcp']), {
    config: loaded.config,
    profile: loaded.activeProfile,
  });
  const merged = await addServerToCursorConfig(
    {
      read: () => readIfExists(uri),
      write: async (text) => {
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, '.cursor'));
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      },
    },
    MCP_SERVER_NAME,
    entry,
  );
  s.log.info('Cursor MCP configuration', { changed: merged.changed, replaced: merged.replaced });
  const profile = loaded.config.activeProfile;
  const choice = await vscode.window.showInformationMessage(
    merged.changed
      ? `${merged.replaced ? 'Updated' : 'Added'} the Life Cockpit MCP server (profile ${profile}) in .cursor/mcp.json, with no secret in it. Enable it in Cursor’s MCP settings. It signs in with what \`lc auth login\` keeps in the OS keychain, or LC_CLIENT_SECRET in Cursor’s environment; until then its tools say how to sign in.`
      : `.cursor/mcp.json already runs the Life Cockpit MCP server for profile ${profile}; nothing changed.`,
    'Open mcp.json',
  );
  if (choice) await vscode.window.showTextDocument(uri);
}

/** Confirms agent writes on the active live profile now, and restarts the server with them. */
export async function allowAgentWrites(s: Services): Promise<void> {
  const profile = s.config.loaded.activeProfile;
  if (!profile)
    throw new ValidationError('No valid active profile: choose one with "Switch Profile".', {
      code: 'config.noActiveProfile',
    });
  if (!needsAgentWritesConfirmation(profile)) {
    void vscode.window.showInformationMessage(
      profile.agentWrites
        ? `Agents may already make changes in ${describeTarget(profile)} after asking: only a live profile needs this confirmation.`
        : `Agent writes are off for ${describeTarget(profile)}: turn on its "agentWrites" setting (lifeCockpit.profiles) first.`,
    );
    return;
  }
  if (await s.mcp.gate.ask(profile)) await s.mcp.refresh();
}

/** Withdraws a confirmation; the server restarts without it when it was the active profile's. */
export async function revokeAgentWrites(s: Services): Promise<void> {
  const confirmed = s.mcp.gate.confirmedProfiles();
  if (confirmed.length === 0) {
    void vscode.window.showInformationMessage('No profile has agent writes confirmed in this editor.');
    return;
  }
  const name =
    confirmed.length === 1
      ? confirmed[0]
      : await vscode.window.showQuickPick(confirmed, { title: 'Life Cockpit: Revoke Agent Writes for profile…' });
  if (!name) return;
  await s.mcp.gate.revoke(name);
  await s.mcp.refresh();
  void vscode.window.showInformationMessage(
    `Agents can no longer make changes in profile ${name} without a new confirmation.`,
  );
}

async function workspaceFolder(): Promise<vscode.WorkspaceFolder> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0)
    throw new ValidationError('Open a folder first: the server is added to its .cursor/mcp.json.', {
      code: 'mcp.noFolder',
    });
  if (folders.length === 1) return folders[0];
  const folder = await vscode.window.showWorkspaceFolderPick({
    placeHolder: 'The folder whose .cursor/mcp.json gets the server',
  });
  if (!folder) throw new CancelledError('No folder chosen; nothing was written.');
  return folder;
}

async function readIfExists(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}
