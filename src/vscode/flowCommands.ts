// Trigger Flow…: posts a session or a reminder as JSON to a flow's HTTP trigger (Logic Apps, Power
// Automate, Functions: the host is whatever the URL says). The trigger URL carries its key, so it lives in
// SecretStorage per profile and flow name, asked for once; the flow names (not secret) are remembered in
// the extension's global state. A trigger that refuses the key or is gone offers to replace the URL.
import * as vscode from 'vscode';
import { CancelledError, toLifeCockpitError, ValidationError } from '../core/errors';
import type { Reminder } from '../core/reminders';
import type { Session } from '../core/sessions';
import { flowPayload, flowUrlSecrets, triggerFlow } from '../core/webhooks';
import { confirmEffect } from './confirmEffect';
import type { SignedInClients } from './profileSession';
import { reminderOf } from './reminderCommands';
import { sessionOf } from './sessionCommands';
import type { EditorServices } from './services';

const FLOW_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const NEW_FLOW = '$(add) New flow…';

export function flowUrlSecretName(profile: string, flow: string): string {
  return `lifeCockpit/${profile}/flowUrl/${flow}`;
}

function flowNamesKey(profile: string): string {
  return `lifeCockpit.flowNames.${profile}`;
}

type Subject = { session: Session } | { reminder: Reminder };

export async function triggerFlowCommand(s: EditorServices, c: SignedInClients, node: unknown): Promise<void> {
  const profile = c.profile.name;
  const flow = await pickFlow(s, profile);
  if (!flow) return;
  const subject = subjectOf(node) ?? (await pickSubject(s));
  if (!subject) return;
  const what = 'session' in subject ? `session ${subject.session.id}` : `reminder ${subject.reminder.id}`;
  let url = await urlOf(s, profile, flow);
  if (!url) return;
  await confirmEffect(c.profile, `Send ${what} to flow "${flow}"`, 'Send');
  const payload = flowPayload(subject, new Date(s.clock.now()));
  for (;;) {
    try {
      const target = url;
      const { status } = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Life Cockpit: triggering flow "${flow}"…`,
          cancellable: true,
        },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return triggerFlow(c.http, target, payload, { signal: abort.signal, log: s.log });
        },
      );
      void vscode.window.showInformationMessage(`Flow "${flow}" accepted ${what} (HTTP ${status}).`);
      return;
    } catch (error) {
      const e = toLifeCockpitError(error);
      if (
        !['flows.unauthorized', 'flows.notFound', 'flows.redirect', 'flows.badUrl', 'flows.insecureUrl'].includes(
          e.code,
        )
      )
        throw e;
      const choice = await vscode.window.showErrorMessage(e.message, 'Replace Trigger URL');
      if (choice !== 'Replace Trigger URL') return;
      url = await askUrl(s, profile, flow);
      if (!url) return;
    }
  }
}

async function pickFlow(s: EditorServices, profile: string): Promise<string | undefined> {
  const names = s.context.globalState.get<string[]>(flowNamesKey(profile)) ?? [];
  const pick = names.length
    ? await vscode.window.showQuickPick([...names, NEW_FLOW], {
        title: 'Life Cockpit: Trigger Flow',
        placeHolder: 'Which flow',
      })
    : NEW_FLOW;
  if (pick !== NEW_FLOW) return pick;
  const name = await vscode.window.showInputBox({
    title: 'Life Cockpit: Trigger Flow',
    prompt: 'A short name for the flow (letters, digits, - and _)',
    validateInput: (v) => (FLOW_NAME.test(v) ? undefined : 'Letters, digits, - and _ only, at most 64.'),
  });
  return name || undefined;
}

/** The flow's trigger URL from SecretStorage, asked for (and kept) the first time. */
async function urlOf(s: EditorServices, profile: string, flow: string): Promise<string | undefined> {
  const stored = await s.context.secrets.get(flowUrlSecretName(profile, flow));
  if (stored) {
    for (const secret of flowUrlSecrets(stored)) s.hub.addSecret(secret);
    return stored;
  }
  return askUrl(s, profile, flow);
}

async function askUrl(s: EditorServices, profile: string, flow: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: `Life Cockpit: HTTP trigger URL of flow "${flow}" (profile ${profile})`,
    prompt: 'Paste the trigger URL. It carries its key, so it is kept in SecretStorage and never shown again.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) =>
      /^https:\/\/\S+$|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]\S*$/.test(v.trim()) ? undefined : 'An https URL.',
  });
  if (!url) return undefined;
  const trimmed = url.trim();
  for (const secret of flowUrlSecrets(trimmed)) s.hub.addSecret(secret);
  await s.context.secrets.store(flowUrlSecretName(profile, flow), trimmed);
  const names = s.context.globalState.get<string[]>(flowNamesKey(profile)) ?? [];
  if (!names.includes(flow)) await s.context.globalState.update(flowNamesKey(profile), [...names, flow].sort());
  return trimmed;
}

function subjectOf(node: unknown): Subject | undefined {
  const session = sessionOf(node);
  if (session) return { session };
  const reminder = reminderOf(node);
  return reminder ? { reminder } : undefined;
}

async function pickSubject(s: EditorServices): Promise<Subject | undefined> {
  const sessions = s.session.sessions.current.data ?? [];
  const reminders = s.session.reminders.current.data ?? [];
  if (sessions.length === 0 && reminders.length === 0)
    throw new ValidationError('No sessions or reminders are loaded yet: refresh the Sessions view first.', {
      code: 'flows.nothingToSend',
    });
  type Pick = vscode.QuickPickItem & { subject?: Subject };
  const items: Pick[] = [
    { label: 'Sessions', kind: vscode.QuickPickItemKind.Separator },
    ...sessions.map((session) => ({
      label: session.clientName ?? session.subject,
      description: session.start.toISOString().slice(0, 16).replace('T', ' '),
      subject: { session },
    })),
    { label: 'Reminders', kind: vscode.QuickPickItemKind.Separator },
    ...reminders.map((reminder) => ({
      label: reminder.subject,
      description: reminder.id,
      subject: { reminder },
    })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Life Cockpit: Trigger Flow',
    placeHolder: 'The session or reminder to send',
    matchOnDescription: true,
  });
  if (pick && !pick.subject) throw new CancelledError();
  return pick?.subject;
}
