// The composition root: builds each service once, hands it to whoever needs it, and registers what
// VS Code shows. No domain logic lives here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AuthService, loadCertificateCredential, resourcesFor, type AuthState } from './core/auth';
import type { Profile } from './core/config';
import { resolveTables } from './core/practice';
import { DataverseClient } from './core/dataverse';
import { createGraphClient } from './core/graph';
import { createProfileHttpClient, msalNetworkClient, type HttpClient } from './core/http';
import { JsonLinesFileSink, LogHub } from './core/log';
import { loadReminders, type Reminder } from './core/reminders';
import { loadSessions, type Session } from './core/sessions';
import { DataStore } from './core/store';
import { AuthStatusBar } from './vscode/authStatusBar';
import { registerCommands } from './vscode/commands';
import { confirmSecretTarget } from './vscode/confirmSecretTarget';
import { EditorConfigSource } from './vscode/configSource';
import { MicrosoftAccountTokenSource, usesMicrosoftAccountProvider } from './vscode/microsoftAccountTokenSource';
import { showDeviceCode } from './vscode/deviceCodePrompt';
import { DataverseTree } from './vscode/dataverseExplorer';
import { DOCUMENT_SCHEME, ReadOnlyDocuments } from './vscode/documents';
import { OutputChannelSink } from './vscode/outputChannelSink';
import { RemindersTree } from './vscode/remindersTree';
import { SandboxLauncher } from './vscode/sandboxLauncher';
import type { EditorServices, ProfileClients } from './vscode/services';
import { SessionsTree } from './vscode/sessionsTree';
import { showError } from './vscode/showError';

export interface LifeCockpitApi {
  readonly auth: AuthService;
  readonly config: EditorConfigSource;
}

export async function activate(context: vscode.ExtensionContext): Promise<LifeCockpitApi> {
  const channel = vscode.window.createOutputChannel('Life Cockpit', { log: true });
  const hub = new LogHub({ level: 'trace' });
  hub.addSink(new OutputChannelSink(channel));
  const logDir = context.logUri.fsPath;
  hub.addSink(
    new JsonLinesFileSink({
      directory: logDir,
      fileName: 'life-cockpit.jsonl',
      maxSizeBytes: 10 << 20,
      maxFiles: 5,
      minLevel: 'debug',
    }),
  );
  hub.addSink(
    new JsonLinesFileSink({
      directory: logDir,
      fileName: 'audit.jsonl',
      maxSizeBytes: 10 << 20,
      maxFiles: 5,
      categories: ['audit'],
    }),
  );
  context.subscriptions.push(channel, { dispose: () => void hub.dispose() });
  const log = hub.logger('business');

  const config = new EditorConfigSource(context.workspaceState);
  context.subscriptions.push(config);
  const loaded = await config.reload();
  const problems = [...loaded.problems, ...loaded.warnings];
  for (const problem of problems) log.warn('configuration problem', { ...problem });
  if (problems.length > 0) {
    void vscode.window
      .showWarningMessage(
        `Life Cockpit: ${problems[0].key} (from ${problems[0].layer}): ${problems[0].message}`,
        'Show Configuration',
      )
      .then((choice) => choice && vscode.commands.executeCommand('lifeCockpit.showConfiguration'));
  }

  const https = new Map<string, HttpClient>();
  const httpFor = (profile: Profile): HttpClient => {
    const key = JSON.stringify(profile);
    let http = https.get(key);
    if (!http) https.set(key, (http = createProfileHttpClient(profile, hub.logger('api'))));
    return http;
  };
  context.subscriptions.push({ dispose: () => void Promise.all([...https.values()].map((h) => h.close())) });

  const auth = new AuthService({
    secrets: context.secrets,
    log: hub.logger('auth'),
    networkClientFor: (profile) => msalNetworkClient(httpFor(profile)),
    persistTokenCache: true,
    loadCertificate: loadCertificateCredential,
    onSecret: (secret) => hub.addSecret(secret),
    tokenSourceFor: (profile) =>
      usesMicrosoftAccountProvider(profile) ? new MicrosoftAccountTokenSource(profile) : undefined,
    deviceCodePrompt: (message) => void showDeviceCode(message),
    confirmNewTarget: confirmSecretTarget,
  });
  auth.onDidChangeState((state: AuthState) => {
    const signedIn = state.kind === 'signedIn' || state.kind === 'refreshFailing';
    void vscode.commands.executeCommand('setContext', 'lifeCockpit.signedIn', signedIn);
    void vscode.commands.executeCommand(
      'setContext',
      'lifeCockpit.profileKind',
      signedIn ? state.profileKind : undefined,
    );
  });

  const sandbox = new SandboxLauncher(
    context.extensionPath,
    path.join(context.globalStorageUri.fsPath, 'sandbox-state.json'),
    hub.logger('sandbox'),
  );
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  context.subscriptions.push(
    sandbox,
    sandbox.onDidChange(
      (running) => void vscode.commands.executeCommand('setContext', 'lifeCockpit.sandboxRunning', running),
    ),
  );

  const documents = new ReadOnlyDocuments();
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, documents),
  );

  const sessions = new DataStore<Session[]>();
  const reminders = new DataStore<Reminder[]>();

  const clients = (): ProfileClients => {
    const tokens = auth.tokens();
    const profile = auth.activeProfile as Profile;
    const http = httpFor(profile);
    const resources = resourcesFor(profile);
    const dataverse =
      resources.dataverse && profile.dataverseUrl
        ? new DataverseClient({
            http,
            tokens,
            resource: resources.dataverse,
            baseUrl: profile.dataverseUrl,
            log: hub.logger('api'),
          })
        : undefined;
    return {
      profile,
      http,
      graph: createGraphClient({ http, tokens, resource: resources.graph, graphUrl: profile.graphUrl }),
      rows: dataverse,
      dataverse,
      whoAmI: dataverse ? () => dataverse.whoAmI() : undefined,
      tables: resolveTables(config.loaded.config.tables),
    };
  };

  const signedIn = () => auth.state.kind === 'signedIn' || auth.state.kind === 'refreshFailing';
  const dataverseTree = new DataverseTree(() => (signedIn() ? clients().dataverse : undefined));
  const refreshAll = async (): Promise<void> => {
    if (!signedIn()) return;
    const c = clients();
    const rows = c.rows;
    if (!rows) return;
    await Promise.all([
      sessions.refresh(() => loadSessions(rows, c.tables, new Date())),
      reminders.refresh(() => loadReminders(rows, c.tables, new Date())),
      dataverseTree.refresh(),
    ]);
    log.info('views refreshed', {
      sessions: sessions.current.data?.length,
      reminders: reminders.current.data?.length,
      tables: dataverseTree.tables.current.data?.length,
      error: (sessions.current.error ?? reminders.current.error)?.message,
    });
    const failed = sessions.current.error ?? reminders.current.error;
    auth.reportRefresh(
      failed && failed.errorClass === 'authentication' ? { ok: false, message: failed.message } : { ok: true },
    );
  };

  let currentProfileJson: string | undefined;
  const services: EditorServices = {
    context,
    hub,
    log,
    config,
    auth,
    sandbox,
    documents,
    sessions,
    reminders,
    dataverseTree,
    clients,
    refreshAll,
    markProfileCurrent: (profile) => (currentProfileJson = JSON.stringify(profile)),
    showLog: () => channel.show(true),
  };

  const sessionsTree = new SessionsTree(sessions);
  const remindersTree = new RemindersTree(reminders);
  const remindersView = vscode.window.createTreeView('lifeCockpit.reminders', {
    treeDataProvider: remindersTree,
    showCollapseAll: true,
  });
  remindersTree.attach(remindersView);
  context.subscriptions.push(
    dataverseTree,
    vscode.window.createTreeView('lifeCockpit.dataverse', { treeDataProvider: dataverseTree, showCollapseAll: true }),
    sessionsTree,
    remindersTree,
    remindersView,
    vscode.window.createTreeView('lifeCockpit.sessions', { treeDataProvider: sessionsTree, showCollapseAll: true }),
    new AuthStatusBar(auth),
  );

  context.subscriptions.push(
    ...registerCommands(services, async (id, handler, args) => {
      try {
        log.debug('command', { id });
        await handler(...args);
      } catch (error) {
        await showError(error, hub.logger('error'), services.showLog);
      }
    }),
  );

  // A profile switch or a settings edit re-reads the profile; an unchanged profile keeps its session.
  const followProfile = async (profile: Profile | undefined): Promise<void> => {
    const json = JSON.stringify(profile ?? null);
    if (json === currentProfileJson) return;
    currentProfileJson = json;
    sessions.clear();
    reminders.clear();
    dataverseTree.tables.clear();
    await auth.restore(profile);
    await refreshAll();
  };
  context.subscriptions.push(config.onDidChange((next) => void followProfile(next.activeProfile)));
  const timer = setInterval(() => void refreshAll(), 5 * 60_000);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });

  void vscode.commands.executeCommand('setContext', 'lifeCockpit.signedIn', false);
  void followProfile(loaded.activeProfile);
  log.info('Life Cockpit activated', {
    profile: loaded.config.activeProfile,
    version: context.extension.packageJSON.version as string,
  });
  return { auth, config };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions and disposed by VS Code.
}
