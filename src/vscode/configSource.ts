// Feeds the core's layered configuration from the editor's world: `lifeCockpit.*` settings (only
// values the user set), the first workspace folder's `.env`, the extension host's environment, and
// the profile chosen in this workspace, and the profile of the sandbox the extension started (held in
// memory, never written to the workspace's settings). Reloads when any of them changes.
import * as vscode from 'vscode';
import { loadConfiguration, type LoadedConfiguration, type Profile } from '../core/config';
import type { Logger } from '../core/log';
import { Disposable } from './lifecycle';

const SETTING_KEYS = [
  'activeProfile',
  'profiles',
  'log.level',
  'log.fileMaxSizeMb',
  'log.fileMaxFiles',
  'webhooks.port',
  'webhooks.bindAddress',
  'webhooks.forwardTo',
  'webhooks.publicUrl',
  'webhooks.graphSubscriptionMinutes',
  'reminders.leadTimesMinutes',
  'reminders.followUpDelayMinutes',
  'reminders.perMinute',
  'reminders.concurrency',
  'reminders.maxAttempts',
  'reminders.submittedDraftGraceSeconds',
  'tables',
] as const;

const SELECTED_PROFILE_KEY = 'lifeCockpit.selectedProfile';

export class EditorConfigSource extends Disposable {
  private readonly emitter = this.register(new vscode.EventEmitter<LoadedConfiguration>());
  readonly onDidChange = this.emitter.event;
  private current: LoadedConfiguration;
  /** The profile of the sandbox this extension runs; it replaces a settings profile of the same name. */
  private startedSandbox: Profile | undefined;

  constructor(private readonly workspaceState: vscode.Memento) {
    super();
    this.current = loadConfiguration({});
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lifeCockpit')) void this.reload();
      }),
    );
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/.env'));
    this.register(watcher.onDidChange(() => void this.reload()));
    this.register(watcher.onDidCreate(() => void this.reload()));
    this.register(watcher.onDidDelete(() => void this.reload()));
  }

  get loaded(): LoadedConfiguration {
    return this.current;
  }

  async reload(): Promise<LoadedConfiguration> {
    this.current = loadConfiguration({
      env: process.env,
      dotenvText: await readDotenv(),
      settings: withStartedSandbox(userSetSettings(), this.startedSandbox),
      selectedProfile: this.workspaceState.get<string>(SELECTED_PROFILE_KEY),
    });
    this.emitter.fire(this.current);
    return this.current;
  }

  /** Adds the profile of the sandbox the extension started and makes it this workspace's choice. */
  async useStartedSandbox(profile: Profile): Promise<void> {
    this.startedSandbox = profile;
    await this.selectProfile(profile.name);
  }

  /** Remembers the profile chosen in this workspace (Switch Profile). */
  async selectProfile(name: string): Promise<void> {
    await this.workspaceState.update(SELECTED_PROFILE_KEY, name);
    await this.reload();
  }
}

/** Logs every configuration problem and shows the first, offering the configuration. */
export function reportConfigurationProblems(loaded: LoadedConfiguration, log: Logger): void {
  const problems = [...loaded.problems, ...loaded.warnings];
  for (const problem of problems) log.warn('configuration problem', { ...problem });
  const first = problems[0];
  if (!first) return;
  void vscode.window
    .showWarningMessage(`Life Cockpit: ${first.key} (from ${first.layer}): ${first.message}`, 'Show Configuration')
    .then((choice) => choice && vscode.commands.executeCommand('lifeCockpit.showConfiguration'));
}

function userSetSettings(): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration('lifeCockpit');
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const inspected = configuration.inspect(key);
    const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    if (value === undefined) continue;
    const parts = key.split('.');
    let node = raw;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = value;
  }
  return raw;
}

function withStartedSandbox(settings: Record<string, unknown>, sandbox: Profile | undefined): Record<string, unknown> {
  if (!sandbox) return settings;
  const profiles = Array.isArray(settings.profiles) ? (settings.profiles as unknown[]) : [];
  const others = profiles.filter((p) => (p as { name?: unknown } | null)?.name !== sandbox.name);
  const entry = Object.fromEntries(Object.entries(sandbox).filter(([, v]) => v !== undefined));
  return { ...settings, profiles: [...others, entry] };
}

async function readDotenv(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.env'));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined; // no .env in this workspace: a normal case, not an error
  }
}
