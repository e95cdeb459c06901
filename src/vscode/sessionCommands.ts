// The Sessions view's actions over the core's session actions: New Session (quick picks for client,
// day, time, duration, fee and the Outlook event), Reschedule, Cancel (offering to notify the client),
// Mark Attended, Mark No-show. Each asks before an effect when the profile wants it, says afterwards
// what it did and on which profile, and refreshes the views. What a person typed is never lost: a
// failed New Session offers Try Again with the same answers and the same session id, so a retry after
// a lost answer completes the first attempt instead of making a second session.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, toLifeCockpitError, ValidationError } from '../core/errors';
import { defaultTemplates, loadTemplates, WORKSPACE_TEMPLATES_FOLDER, type Templates } from '../core/reminders';
import { type Session } from '../core/sessions';
import {
  cancelSession,
  createSession,
  markAttended,
  markNoShow,
  rescheduleSession,
  type NewSession,
  type SessionActionDeps,
} from '../core/booking';
import type { SessionNode } from './sessionsTree';
import { confirmEffect } from './confirmEffect';
import type { DataverseClients } from './profileSession';
import type { EditorServices } from './services';
import { checkTime, nextDays, parseDuration, parseFee, parseStart } from './sessionInput';

/** The session a context-menu command was invoked on, if any. */
export function sessionOf(node: unknown): Session | undefined {
  const n = node as SessionNode | undefined;
  return n?.kind === 'session' ? n.session : undefined;
}

export async function workspaceTemplates(): Promise<Templates> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? loadTemplates(path.join(folder, WORKSPACE_TEMPLATES_FOLDER)) : defaultTemplates();
}

/** Who signs a mail to a client: the signed-in practitioner, in the editor's own time zone. */
export function practitionerOf(c: DataverseClients): SessionActionDeps['practitioner'] {
  return {
    name: c.identity.userName ?? c.profile.mailbox ?? c.profile.name,
    email: c.profile.mailbox,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

export async function sessionActionDeps(
  s: Pick<EditorServices, 'config' | 'clock' | 'hub'>,
  c: DataverseClients,
): Promise<SessionActionDeps> {
  const reminders = s.config.loaded.config.reminders;
  return {
    dataverse: c.dataverse,
    tables: c.tables,
    clock: s.clock,
    log: s.hub.logger('business'),
    templates: await workspaceTemplates(),
    practitioner: practitionerOf(c),
    profile: c.profile,
    settings: { leadTimesMinutes: reminders.leadTimesMinutes, followUpDelayMinutes: reminders.followUpDelayMinutes },
    graph: c.graph,
  };
}

const step = (n: number, title: string) => `New Session (${n}/6): ${title}`;

export async function newSession(s: EditorServices, c: DataverseClients): Promise<void> {
  const input = await askNewSession(s, c);
  const deps = await sessionActionDeps(s, c);
  await confirmEffect(c.profile, `Create a session for ${input.clientName} on ${input.start.toLocaleString()}`);
  const request: NewSession = {
    id: randomUUID(),
    clientId: input.clientId,
    start: input.start,
    durationMinutes: input.durationMinutes,
    ...(input.feeCents !== undefined ? { feeCents: input.feeCents } : {}),
    outlookEvent: input.outlookEvent,
  };
  for (;;) {
    try {
      const created = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Life Cockpit: creating the session (${c.profile.name})`,
        },
        () => createSession(deps, request),
      );
      await s.session.refresh();
      const notes = [
        `${created.reminders.length} reminder${created.reminders.length === 1 ? '' : 's'} scheduled`,
        created.withoutEmail ? 'no reminders: the client has no e-mail address' : '',
        created.outlookEvent && !created.outlookEvent.ok
          ? `the Outlook event failed: ${created.outlookEvent.error.message}`
          : created.outlookEvent
            ? 'Outlook event added'
            : '',
      ].filter(Boolean);
      void vscode.window.showInformationMessage(
        `Session created for ${input.clientName} on profile "${c.profile.name}": ${notes.join('; ')}.`,
      );
      return;
    } catch (error) {
      const e = toLifeCockpitError(error);
      if (e.errorClass === 'cancelled') throw e;
      s.hub.logger('error').error(e.message, { code: e.code, class: e.errorClass, detail: e.detail });
      // The answers stay: Try Again sends the same session (same id), so nothing is created twice.
      const choice = await vscode.window.showErrorMessage(
        `The session was not created: ${e.message}`,
        'Try Again',
        'Show Log',
      );
      if (choice === 'Show Log') s.showLog();
      if (choice !== 'Try Again') return;
    }
  }
}

interface NewSessionAnswers {
  clientId: string;
  clientName: string;
  start: Date;
  durationMinutes: number;
  feeCents: number | undefined;
  outlookEvent: boolean;
}

async function askNewSession(s: EditorServices, c: DataverseClients): Promise<NewSessionAnswers> {
  const t = c.tables.client;
  const rows = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Loading clients' },
    () =>
      c.dataverse.list(t.entitySet, {
        select: [t.primaryId, t.columns.fullName, t.columns.email],
        orderBy: t.columns.fullName,
        top: 5000,
      }),
  );
  const client = await pick(
    rows.map((row) => ({
      label: String(row[t.columns.fullName] ?? '(unnamed client)'),
      description: typeof row[t.columns.email] === 'string' ? (row[t.columns.email] as string) : 'no e-mail address',
      id: String(row[t.primaryId]),
    })),
    { title: step(1, 'client'), placeHolder: 'Type to find a client', matchOnDescription: true },
  );
  const now = new Date(s.clock.now());
  const day = await pick(
    nextDays(now, 14),
    { title: step(2, 'day'), placeHolder: 'The day (or type another: 2026-12-24)' },
    true,
  );
  const time = await input({
    title: step(3, 'time'),
    prompt: `Start time on ${day.label}, in your time zone`,
    placeHolder: '14:30',
    validateInput: (v) =>
      checkTime(v) ??
      (typeof parseStart(day.label, v, now) === 'string' ? (parseStart(day.label, v, now) as string) : undefined),
  });
  const start = parseStart(day.label, time, now);
  if (typeof start === 'string') throw new ValidationError(start, { code: 'sessions.invalidInput' });
  const duration = await pick(
    ['50', '60', '90', '30'].map((m) => ({ label: m, description: 'minutes' })),
    { title: step(4, 'duration in minutes'), placeHolder: 'Minutes (or type another)' },
    true,
  );
  const durationMinutes = parseDuration(duration.label);
  if (typeof durationMinutes === 'string')
    throw new ValidationError(durationMinutes, { code: 'sessions.invalidInput' });
  const feeText = await input({
    title: step(5, 'fee'),
    prompt: 'The fee (leave empty for none)',
    placeHolder: '90.00',
    validateInput: (v) => {
      const fee = parseFee(v);
      return typeof fee === 'string' ? fee : undefined;
    },
  });
  const fee = parseFee(feeText);
  if (typeof fee === 'string') throw new ValidationError(fee, { code: 'sessions.invalidInput' });
  const outlook = await pick(
    [
      { label: 'No', description: 'only the session in Dataverse' },
      {
        label: 'Yes',
        description: `also an event in ${c.profile.mailbox ?? 'the profile mailbox'}'s Outlook calendar`,
      },
    ],
    { title: step(6, 'Outlook event') },
  );
  return {
    clientId: client.id,
    clientName: client.label,
    start,
    durationMinutes,
    feeCents: fee.amount === undefined ? undefined : Math.round(fee.amount * 100),
    outlookEvent: outlook.label === 'Yes',
  };
}

export async function rescheduleSessionCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const session = requireSession(node, 'reschedule');
  const now = new Date(s.clock.now());
  const day = await pick(nextDays(now, 14), { title: `Reschedule ${who(session)}: new day` }, true);
  const time = await input({
    title: `Reschedule ${who(session)}: new time`,
    prompt: `Start time on ${day.label}, in your time zone`,
    value: session.start.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false }),
    validateInput: (v) => checkTime(v),
  });
  const start = parseStart(day.label, time, now);
  if (typeof start === 'string') throw new ValidationError(start, { code: 'sessions.invalidInput' });
  const deps = await sessionActionDeps(s, c);
  await confirmEffect(c.profile, `Move ${who(session)}'s session to ${start.toLocaleString()}`);
  await rescheduleSession(deps, session.id, { start });
  await afterEffect(
    s,
    `Moved ${who(session)}'s session to ${start.toLocaleString()} on profile "${c.profile.name}"; its pending reminders moved with it.`,
  );
}

export async function cancelSessionCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const session = requireSession(node, 'cancel');
  const choice = await vscode.window.showWarningMessage(
    `Cancel ${who(session)}'s session on ${session.start.toLocaleString()} (profile "${c.profile.name}")? Its pending reminders are cancelled.`,
    { modal: true },
    'Cancel Session and Notify Client',
    'Cancel Session Only',
  );
  if (!choice) throw new CancelledError('Not confirmed; nothing was changed.');
  const notifyClient = choice === 'Cancel Session and Notify Client';
  const deps = await sessionActionDeps(s, c);
  // The person asked for the notice while cancelling: it is approved, so it leaves with the next send.
  const canceled = await cancelSession(deps, session.id, { notifyClient, approveNotice: notifyClient });
  await afterEffect(
    s,
    `Cancelled ${who(session)}'s session on profile "${c.profile.name}"${canceled.cancelled.length ? `; ${canceled.cancelled.length} pending reminder(s) cancelled` : ''}${canceled.notice ? '; a cancellation notice is due now in Reminders' : notifyClient ? '; no notice: the client has no e-mail address' : ''}.`,
  );
}

export async function markAttendedCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const session = requireSession(node, 'mark attended');
  const deps = await sessionActionDeps(s, c);
  await confirmEffect(c.profile, `Mark ${who(session)}'s session attended`);
  const marked = await markAttended(deps, session.id);
  await afterEffect(
    s,
    `Marked ${who(session)}'s session attended on profile "${c.profile.name}"; ${marked.followUp ? 'its follow-up is drafted in Reminders' : 'no follow-up: the client has no e-mail address'}.`,
  );
}

export async function markNoShowCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const session = requireSession(node, 'mark as a no-show');
  const deps = await sessionActionDeps(s, c);
  await confirmEffect(c.profile, `Mark ${who(session)}'s session as a no-show`);
  await markNoShow(deps, session.id);
  await afterEffect(s, `Marked ${who(session)}'s session as a no-show on profile "${c.profile.name}".`);
}

async function afterEffect(s: EditorServices, message: string): Promise<void> {
  await s.session.refresh();
  void vscode.window.showInformationMessage(message);
}

function requireSession(node: unknown, verb: string): Session {
  const session = sessionOf(node);
  if (!session)
    throw new ValidationError(`Pick a session in the Sessions view to ${verb} it.`, { code: 'sessions.noneChosen' });
  return session;
}

function who(session: Session): string {
  return session.clientName ?? session.subject;
}

async function pick<T extends vscode.QuickPickItem>(
  items: T[],
  options: { title: string; placeHolder?: string; matchOnDescription?: boolean },
  allowTyped = false,
): Promise<T> {
  const qp = vscode.window.createQuickPick<T>();
  Object.assign(qp, { ...options, items, ignoreFocusOut: true });
  try {
    const chosen = await new Promise<T | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const selected = qp.selectedItems[0];
        if (selected) resolve(selected);
        else if (allowTyped && qp.value.trim()) resolve({ label: qp.value.trim() } as T);
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    if (!chosen) throw new CancelledError();
    return chosen;
  } finally {
    qp.dispose();
  }
}

async function input(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new CancelledError();
  return value;
}
