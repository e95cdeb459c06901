// The command table: every command id mapped to a small factory that receives the services and
// returns the handler (the rust-analyzer pattern). A command that needs a signed-in profile is
// registered in its signed-in form and receives the profile's clients, never undefined (as
// rust-analyzer's ctx.ts registers commands for a running server). test/unit/manifest.test.ts checks
// this table and package.json `contributes.commands` list exactly the same ids.
import * as vscode from 'vscode';
import { secretKey } from '../core/auth';
import { renderConnectionReport, testConnection } from '../core/clients';
import { renderConfiguration } from '../core/config';
import { DashboardPanel } from './dashboardPanel';
import { setChannelSecret } from './channelSecrets';
import { addNoteToRecord, openRecord, queryTable } from './dataverseExplorer';
import type { DataverseClients, SignedInClients } from './profileSession';
import type { SessionNode } from './sessionsTree';
import type { EditorServices } from './services';
import { showError } from './showError';
import { signIn } from './signIn';
import { useSandbox } from './startedSandbox';
import { clearStripeKeys, setStripeKeys } from './stripeAccess';
import {
  chargeSessionCommand,
  openInStripeDashboardCommand,
  PaymentsUnderWay,
  refreshPaymentStatusCommand,
  refundSessionCommand,
} from './paymentCommands';
import { previewTemplate } from './templateCommands';
import { triggerFlowCommand } from './flowCommands';
import { sendTestEventCommand } from './webhookTestEvent';
import { subscribeToCalendarCommand } from './webhookCalendar';
import {
  cancelSessionCommand,
  markAttendedCommand,
  markNoShowCommand,
  newSession,
  rescheduleSessionCommand,
} from './sessionCommands';
import { addSessionNoteCommand, importFromCalendarCommand, openSessionInDataverse } from './sessionNoteCommands';
import {
  changeReminderChannelCommand,
  markReminderSentCommand,
  sendReminderAgainCommand,
} from './reminderChannelCommands';
import { previewDueReminders, sendDueReminders, sendReminderNow } from './reminderCommands';
import { addMcpServerToCursor, allowAgentWrites, revokeAgentWrites } from './mcpCommands';
import {
  approveReminderCommand,
  editReminderCommand,
  previewReminder,
  retryReminderCommand,
  skipReminderCommand,
} from './reminderRowCommands';
import {
  replayWebhook,
  showWebhookPayload,
  startWebhookReceiver,
  stopWebhookReceiver,
  toggleWebhookReceiver,
} from './webhookCommands';

type Handler = (...args: unknown[]) => unknown;
type CommandFactory = (s: EditorServices) => Handler;

/** A command that needs a signed-in profile: signed out, it says "Sign in first." and runs nothing. */
function signedIn(factory: (s: EditorServices, c: SignedInClients) => Handler): CommandFactory {
  return (s) =>
    (...args) =>
      factory(s, s.session.requireClients())(...args);
}

/** A command that needs the signed-in profile's Dataverse environment. */
function withDataverse(factory: (s: EditorServices, c: DataverseClients) => Handler): CommandFactory {
  return (s) =>
    (...args) =>
      factory(s, s.session.requireDataverse())(...args);
}

export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'lifeCockpit.signIn': (s) => () => signIn(s),
  'lifeCockpit.signOut': (s) => async () => {
    const profile = s.auth.activeProfile?.name ?? s.config.loaded.config.activeProfile;
    await s.session.signOut(profile);
    void vscode.window.showInformationMessage(`Signed out of ${profile}: its secret and cached tokens are removed.`);
  },
  'lifeCockpit.testConnection': signedIn(
    (s, c) => () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Life Cockpit: testing the connection…' },
        async () => {
          const dataverse = c.dataverse;
          const report = await testConnection({
            profile: c.profile,
            identity: c.identity,
            graph: c.graph,
            whoAmI: dataverse ? (options) => dataverse.whoAmI(options) : undefined,
          });
          s.log.info('connection tested', {
            profile: report.profile,
            graphOk: report.graph.ok,
            dataverseOk: report.dataverse.ok,
            missingRoles: report.roles.missing.map((m) => m.role),
          });
          await s.documents.show('Connection.md', renderConnectionReport(report), 'markdown');
          if (report.roles.missing.length) {
            const choice = await vscode.window.showWarningMessage(
              `The app lacks ${report.roles.missing.map((m) => m.role).join(', ')}.`,
              'Open Admin Consent',
            );
            if (choice) await vscode.env.openExternal(vscode.Uri.parse(report.adminConsentUrl));
          }
        },
      ),
  ),
  'lifeCockpit.switchProfile': (s) => async () => {
    const { config } = s.config.loaded;
    const picks = config.profiles.map((p) => ({
      label: p.name,
      description: `${p.kind}${p.name === config.activeProfile ? ' · active' : ''}`,
      detail: p.tenantId,
    }));
    if (picks.length === 0) {
      void vscode.window.showInformationMessage('No profiles yet: run "Life Cockpit: Sign In" or "Start Sandbox".');
      return;
    }
    const pick = await vscode.window.showQuickPick(picks, {
      title: 'Life Cockpit: Switch Profile',
      placeHolder: 'The profile this workspace uses',
    });
    if (pick) await s.config.selectProfile(pick.label);
  },
  'lifeCockpit.showConfiguration': (s) => async () => {
    const loaded = s.config.loaded;
    const hasSecret = (await s.context.secrets.get(secretKey(loaded.config.activeProfile))) !== undefined;
    const secrets = [{ name: 'clientSecret' as const, store: 'SecretStorage', isSet: hasSecret }];
    await s.documents.show('Configuration.txt', renderConfiguration(loaded, secrets));
  },
  'lifeCockpit.showLog': (s) => () => s.showLog(),
  'lifeCockpit.startSandbox': (s) => () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Life Cockpit: starting the sandbox…' },
      async (progress) => {
        const info = await s.sandbox.start();
        progress.report({ message: 'signing in…' });
        await useSandbox(s, info);
      },
    ),
  'lifeCockpit.stopSandbox': (s) => () => s.sandbox.stop(),
  'lifeCockpit.refreshSessions': (s) => () => refreshWithProgress('lifeCockpit.sessions', () => s.session.refresh()),
  'lifeCockpit.refreshReminders': (s) => () => refreshWithProgress('lifeCockpit.reminders', () => s.session.refresh()),
  'lifeCockpit.showAccountActions': (s) => async () => {
    const actions = s.session.clients
      ? ['Test Connection', 'Switch Profile', 'Sign Out', 'Show Log']
      : ['Sign In', 'Start Sandbox', 'Switch Profile', 'Show Configuration'];
    const pick = await vscode.window.showQuickPick(actions, { title: 'Life Cockpit' });
    if (pick)
      await vscode.commands.executeCommand(
        `lifeCockpit.${pick.replace(/ /g, '').replace(/^./, (c) => c.toLowerCase())}`,
      );
  },
  'lifeCockpit.refreshDataverse': (s) => () =>
    refreshWithProgress('lifeCockpit.dataverse', () => s.session.refreshTables()),
  'lifeCockpit.queryTable': withDataverse((s, c) => (node: unknown) => queryTable(s, c, node)),
  'lifeCockpit.openRecord': withDataverse((s, c) => (node: unknown) => openRecord(s, c, node)),
  'lifeCockpit.addNoteToRecord': withDataverse((s, c) => (node: unknown) => addNoteToRecord(s, c, node)),
  'lifeCockpit.previewTemplate': (s) => () => previewTemplate(s),
  'lifeCockpit.previewDueReminders': withDataverse((s, c) => () => previewDueReminders(s, c)),
  'lifeCockpit.sendDueReminders': withDataverse((s, c) => () => sendDueReminders(s, c)),
  'lifeCockpit.sendReminderNow': withDataverse((s, c) => (node: unknown) => sendReminderNow(s, c, node)),
  'lifeCockpit.previewReminder': withDataverse((s, c) => (node: unknown) => previewReminder(s, c, node)),
  'lifeCockpit.editReminder': withDataverse((s, c) => (node: unknown) => editReminderCommand(s, c, node)),
  'lifeCockpit.approveReminder': withDataverse((s, c) => (node: unknown) => approveReminderCommand(s, c, node)),
  'lifeCockpit.skipReminder': withDataverse((s, c) => (node: unknown) => skipReminderCommand(s, c, node)),
  'lifeCockpit.retryReminder': withDataverse((s, c) => (node: unknown) => retryReminderCommand(s, c, node)),
  'lifeCockpit.changeReminderChannel': withDataverse(
    (s, c) => (node: unknown) => changeReminderChannelCommand(s, c, node),
  ),
  'lifeCockpit.markReminderSent': withDataverse((s, c) => (node: unknown) => markReminderSentCommand(s, c, node)),
  'lifeCockpit.sendReminderAgain': withDataverse((s, c) => (node: unknown) => sendReminderAgainCommand(s, c, node)),
  'lifeCockpit.copySessionId': () => async (node: unknown) => {
    const session =
      (node as SessionNode | undefined)?.kind === 'session'
        ? (node as Extract<SessionNode, { kind: 'session' }>).session
        : undefined;
    if (!session) return;
    await vscode.env.clipboard.writeText(session.id);
    vscode.window.setStatusBarMessage(`Copied session id ${session.id}`, 3000);
  },
  'lifeCockpit.openSessionInDataverse': signedIn((_s, c) => (node: unknown) => openSessionInDataverse(c, node)),
  'lifeCockpit.newSession': withDataverse((s, c) => () => newSession(s, c)),
  'lifeCockpit.rescheduleSession': withDataverse((s, c) => (node: unknown) => rescheduleSessionCommand(s, c, node)),
  'lifeCockpit.cancelSession': withDataverse((s, c) => (node: unknown) => cancelSessionCommand(s, c, node)),
  'lifeCockpit.markAttended': withDataverse((s, c) => (node: unknown) => markAttendedCommand(s, c, node)),
  'lifeCockpit.markNoShow': withDataverse((s, c) => (node: unknown) => markNoShowCommand(s, c, node)),
  'lifeCockpit.addSessionNote': withDataverse((s, c) => (node: unknown) => addSessionNoteCommand(s, c, node)),
  'lifeCockpit.importFromCalendar': withDataverse((s, c) => () => importFromCalendarCommand(s, c)),
  'lifeCockpit.setStripeKeys': (s) => () => setStripeKeys(s),
  'lifeCockpit.clearStripeKeys': (s) => () => clearStripeKeys(s),
  'lifeCockpit.setChannelSecret': (s) => (channel: unknown) =>
    setChannelSecret(
      { secrets: s.context.secrets, hub: s.hub, sandbox: s.sandbox, config: s.config, log: s.log },
      channel,
    ),
  'lifeCockpit.addMcpServerToCursor': (s) => () => addMcpServerToCursor(s),
  'lifeCockpit.allowAgentWrites': (s) => () => allowAgentWrites(s),
  'lifeCockpit.revokeAgentWrites': (s) => () => revokeAgentWrites(s),
  'lifeCockpit.startWebhookReceiver': (s) => () => startWebhookReceiver(s),
  'lifeCockpit.stopWebhookReceiver': (s) => () => stopWebhookReceiver(s),
  'lifeCockpit.toggleWebhookReceiver': (s) => () => toggleWebhookReceiver(s),
  'lifeCockpit.showWebhookPayload': (s) => (node: unknown) => showWebhookPayload(s, node),
  'lifeCockpit.replayWebhook': (s) => (node: unknown) => replayWebhook(s, node),
  'lifeCockpit.subscribeToCalendarChanges': withDataverse((s, c) => () => subscribeToCalendarCommand(s, c)),
  'lifeCockpit.sendTestEvent': withDataverse((s, c) => (node: unknown) => sendTestEventCommand(s, c, node)),
  'lifeCockpit.triggerFlow': signedIn((s, c) => (node: unknown) => triggerFlowCommand(s, c, node)),
  'lifeCockpit.chargeSession': (s) => {
    const underWay = new PaymentsUnderWay();
    return (node: unknown) => chargeSessionCommand(s, s.session.requireDataverse(), node, underWay);
  },
  'lifeCockpit.refreshPaymentStatus': withDataverse(
    (s, c) => (node: unknown) => refreshPaymentStatusCommand(s, c, node),
  ),
  'lifeCockpit.refundSession': (s) => {
    const underWay = new PaymentsUnderWay();
    return (node: unknown) => refundSessionCommand(s, s.session.requireDataverse(), node, underWay);
  },
  'lifeCockpit.getStarted': (s) => () => s.getStarted.show(),
  'lifeCockpit.openDashboard': (s) => {
    const dashboard = new DashboardPanel(s);
    s.context.subscriptions.push(dashboard);
    return () => dashboard.open();
  },
  'lifeCockpit.openInStripeDashboard': withDataverse(
    (s, c) => (node: unknown) => openInStripeDashboardCommand(s, c, node),
  ),
};

function refreshWithProgress(viewId: string, work: () => Promise<void>): Thenable<void> {
  return vscode.window.withProgress({ location: { viewId }, title: 'Refreshing' }, work);
}

/** Registers the table; every command's error is shown once, with "Show Log". */
export function registerCommands(s: EditorServices): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => {
    const handler = factory(s);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        s.log.debug('command', { id });
        await handler(...args);
      } catch (error) {
        await showError(error, s.hub.logger('error'), s.showLog);
      }
    });
  });
}
