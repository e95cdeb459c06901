// The composition root: builds each service once, hands it to whoever needs it, and registers what
// VS Code shows. No domain logic lives here: the signed-in session is src/vscode/profileSession.ts.
// src/extension.ts imports it once the log and the configuration are built (see there why).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuthService } from './core/auth';
import { systemClock } from './core/clock';
import { ProfileHttpClients } from './core/clients';
import { createProfileHttpClient } from './core/http';
import { channelSecretsOf } from './vscode/channelSecrets';
import { registerCommands } from './vscode/commands';
import type { EditorConfigSource } from './vscode/configSource';
import { DOCUMENT_SCHEME, ReadOnlyDocuments } from './vscode/documents';
import { EDITABLE_SCHEME, EditableDocuments } from './vscode/editableDocuments';
import { createEditorAuth } from './vscode/editorAuth';
import type { EditorLog } from './vscode/editorLog';
import { offerFirstRun } from './vscode/getStartedOffer';
import { startFirstRun } from './vscode/getStartedPanel';
import { signInWithHandedSecret } from './vscode/getStartedSignIn';
import { AgentWritesGate } from './vscode/mcpAgentWrites';
import { McpRegistration, storedStripeSecretKey } from './vscode/mcpRegistration';
import { ProfileSession } from './vscode/profileSession';
import { ReminderSender } from './vscode/reminderSending';
import { watchDueReminders } from './vscode/reminderCommands';
import { SandboxLauncher } from './vscode/sandboxLauncher';
import { followStartupProfile } from './vscode/startedSandbox';
import { registerViews } from './vscode/views';
import { CalendarRenewal } from './vscode/webhookCalendar';
import { registerWebhookViews } from './vscode/webhookInboxTree';
import { coalesced, receiverSecretsFor, webhookLauncher } from './vscode/webhookLaunch';
import { WebhookPayloadKeys } from './vscode/webhookPayloadKey';
import { EditorWebhookReceiver } from './vscode/webhookReceiver';

/** What activate() hands back: what the end-to-end and integration tests read of the running extension. */
export interface LifeCockpitApi {
  readonly auth: AuthService;
  readonly config: EditorConfigSource;
}

/** What activate() built before importing this: the log, following the configuration, which is read. */
export interface EditorFoundation {
  readonly context: vscode.ExtensionContext;
  readonly logs: EditorLog;
  readonly config: EditorConfigSource;
}

export async function composeEditor({ context, logs, config }: EditorFoundation): Promise<LifeCockpitApi> {
  const { hub } = logs;
  const log = hub.logger('business');
  const https = new ProfileHttpClients((profile) => createProfileHttpClient(profile, hub.logger('api')));
  const auth = createEditorAuth(context.secrets, hub, https);
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  const stateFile = path.join(context.globalStorageUri.fsPath, 'sandbox-state.json');
  const sandbox = new SandboxLauncher(context.extensionPath, stateFile, hub.logger('sandbox'), context.globalState);
  const documents = new ReadOnlyDocuments();
  const clock = systemClock;
  const session = new ProfileSession({ auth, https, hub, config, clock });
  const editable = new EditableDocuments(() => clock.now());
  const base = {
    context,
    hub,
    log,
    clock,
    config,
    auth,
    session,
    sandbox,
    documents,
    editable,
    showLog: () => logs.show(),
  };
  const sender = new ReminderSender({
    ...base,
    channelSecrets: (profile) => channelSecretsOf({ secrets: context.secrets, hub, sandbox }, profile),
  });
  const mcp = new McpRegistration({
    extensionPath: context.extensionPath,
    extensionVersion: context.extension.packageJSON.version as string,
    storagePath: context.globalStorageUri.fsPath,
    config,
    auth,
    secrets: context.secrets,
    stripeSecretKey: storedStripeSecretKey(context.secrets),
    gate: new AgentWritesGate(context.globalState, () => new Date(clock.now())),
    log,
  });
  const webhooks = new EditorWebhookReceiver({
    storageDirectory: context.globalStorageUri.fsPath,
    keys: new WebhookPayloadKeys(context.secrets),
    settings: () => config.loaded.config.webhooks,
    activeProfile: () => config.loaded.activeProfile?.name,
    receiverSecrets: (profile) => receiverSecretsFor(base, profile),
    launch: webhookLauncher(
      base,
      (profile) => https.for(profile),
      coalesced(() => session.refresh()),
    ),
    clock,
    log: hub.logger('api'),
  });
  const views = registerViews(session, auth, config);
  const getStarted = startFirstRun({ context, auth, sandbox, sessions: session.sessions, ...views, sender });
  const services = { ...base, sender, mcp, webhooks, getStarted };
  context.subscriptions.push(
    { dispose: () => void https.close() },
    sandbox,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, documents),
    editable,
    vscode.workspace.registerFileSystemProvider(EDITABLE_SCHEME, editable, { isCaseSensitive: true }),
    session,
    ...views.disposables,
    sender,
    getStarted,
    ...registerCommands(services),
    ...registerWebhookViews(webhooks),
    config.onDidChange(() => void webhooks.follow()),
    context.secrets.onDidChange((e) => {
      if (e.key.startsWith(`lifeCockpit/${config.loaded.activeProfile?.name}/stripeWebhookSecret/`))
        void webhooks.restart();
    }),
    // Events that waited for this window to sign in to their profile are handled once it has.
    session.sessions.onDidChange((snapshot) => {
      if (snapshot.data) void webhooks.handlePending();
    }),
    new CalendarRenewal(services),
    { dispose: () => void webhooks.dispose() },
    watchDueReminders(services, views.reminders),
    mcp.start(),
  );

  void followStartupProfile(services).then(() => signInWithHandedSecret(services));
  void offerFirstRun({ globalState: context.globalState, extensionId: context.extension.id, env: vscode.env });
  log.info('Life Cockpit activated', {
    profile: config.loaded.config.activeProfile,
    version: context.extension.packageJSON.version as string,
  });
  return { auth, config };
}
