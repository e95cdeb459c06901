// A reminder row's channel actions: Change Channel… (e-mail or SMS, on a reminder not yet sent), and for one
// that waits under Needs a Check after a hand-over nobody could confirm, Mark as Sent (the practitioner saw it
// arrive) and Send Again… (always asked, naming the profile and the recipient, since the client may get it
// twice). Each runs the core action on the profile the question named: a switch or sign-out while it was
// open changes nothing. A row someone else changed meanwhile (the sender, another window, the CLI) is
// refused by the core; the views are refreshed so the row shows what it is now.
import * as vscode from 'vscode';
import { ConflictError } from '../core/errors';
import {
  markReminderSent,
  sendReminderAgain,
  setReminderChannel,
  type Reminder,
  type ReminderActionResult,
  contactOf,
  kindWord,
} from '../core/reminders';
import { confirmAlways, confirmEffect } from './confirmEffect';
import type { DataverseClients } from './profileSession';
import { actionDeps, requireReminder, who } from './reminderRowCommands';
import type { EditorServices } from './services';
import { practitionerOf, workspaceTemplates } from './sessionCommands';

type Medium = 'email' | 'sms';

const MEDIUM_WORDS: Record<Medium, string> = { email: 'e-mail', sms: 'SMS' };

/** The question before Send Again: the profile, the client and where it goes, and that it may arrive twice. */
export function sendAgainQuestion(r: Reminder, profile: string): string {
  return `Send the ${kindWord(r)} to ${who(r)} (${contactOf(r)}) again from profile "${profile}"? If the first one did arrive, ${who(r)} gets it twice.`;
}

/** Refuses when the profile changed while a question was open: nothing is done on either profile. */
function requireSameProfile(s: EditorServices, c: DataverseClients, done: string): void {
  const now = s.session.clients;
  if (now && now.profile.name === c.profile.name && now.dataverse === c.dataverse) return;
  const which = now ? `profile ${now.profile.name} is active now` : 'you signed out';
  throw new ConflictError(
    `The profile changed while you confirmed (${which}), so nothing was ${done} on ${c.profile.name}. Run the command again on the profile you mean.`,
    { code: 'reminders.profileChanged', detail: { confirmed: c.profile.name, active: now?.profile.name } },
  );
}

/** Runs a core action with progress; a row changed meanwhile refreshes the views before the refusal is shown. */
async function act(
  s: EditorServices,
  title: string,
  work: () => Promise<ReminderActionResult>,
): Promise<ReminderActionResult> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work);
  } catch (error) {
    if (error instanceof ConflictError) await s.session.refresh();
    throw error;
  }
}

export async function changeReminderChannelCommand(
  s: EditorServices,
  c: DataverseClients,
  node: unknown,
): Promise<void> {
  const r = requireReminder(node, 'change the channel of');
  const current: Medium = r.channel === 'sms' ? 'sms' : 'email';
  const pick = await vscode.window.showQuickPick(
    (['email', 'sms'] as const).map((medium) => ({
      label: medium === 'sms' ? 'SMS' : 'E-mail',
      description: medium === current ? 'current' : '',
      detail:
        medium === 'sms'
          ? 'Plain text to the client’s phone, through Azure Communication Services'
          : 'To the client’s e-mail address, through the profile’s mail channel',
      medium,
    })),
    { title: `Change Channel: the ${kindWord(r)} to ${who(r)} (profile ${c.profile.name})` },
  );
  if (!pick) return;
  const medium = pick.medium;
  if (medium === current) {
    void vscode.window.showInformationMessage(
      `The ${kindWord(r)} to ${who(r)} already goes by ${MEDIUM_WORDS[medium]}.`,
    );
    return;
  }
  await confirmEffect(
    c.profile,
    `Send the ${kindWord(r)} to ${who(r)} by ${MEDIUM_WORDS[medium]}, rewritten from the templates,`,
    'Change Channel',
  );
  requireSameProfile(s, c, 'changed');
  const templates = await workspaceTemplates();
  const result = await act(s, `Life Cockpit: moving the ${kindWord(r)} to ${who(r)} to ${MEDIUM_WORDS[medium]}…`, () =>
    setReminderChannel({ ...actionDeps(s, c), templates, practitioner: practitionerOf(c) }, r.id, medium),
  );
  s.log.info('reminder channel changed', { reminderId: r.id, profile: c.profile.name, channel: medium });
  await s.session.refresh();
  void vscode.window.showInformationMessage(
    `The ${kindWord(r)} to ${who(r)} now goes by ${MEDIUM_WORDS[medium]} (${contactOf(result.reminder)}) on profile "${c.profile.name}".`,
  );
}

export async function markReminderSentCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const r = requireReminder(node, 'mark as sent');
  await confirmEffect(c.profile, `Mark the ${kindWord(r)} to ${who(r)} as sent (you checked that it arrived)`);
  requireSameProfile(s, c, 'marked as sent');
  const result = await act(s, `Life Cockpit: marking the ${kindWord(r)} to ${who(r)} as sent…`, () =>
    markReminderSent({ ...actionDeps(s, c), clock: s.clock }, r.id),
  );
  await s.session.refresh();
  void vscode.window.showInformationMessage(
    result.changed
      ? `Marked the ${kindWord(r)} to ${who(r)} as sent on profile "${c.profile.name}".`
      : `The ${kindWord(r)} to ${who(r)} was already marked as sent on profile "${c.profile.name}"; nothing changed.`,
  );
}

export async function sendReminderAgainCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const r = requireReminder(node, 'send again');
  // Always asked, whatever the profile's setting: the client may get the message twice.
  await confirmAlways(sendAgainQuestion(r, c.profile.name), 'Send Again');
  requireSameProfile(s, c, 'sent again');
  await act(s, `Life Cockpit: approving the ${kindWord(r)} to ${who(r)} again…`, () =>
    sendReminderAgain(actionDeps(s, c), r.id),
  );
  s.log.info('reminder to be sent again', { reminderId: r.id, profile: c.profile.name });
  if (s.sender.isSending) {
    await s.session.refresh();
    void vscode.window.showInformationMessage(
      `The ${kindWord(r)} to ${who(r)} is approved again on profile "${c.profile.name}": it leaves with the next send.`,
    );
    return;
  }
  // Already confirmed: the sender sends it now, with its progress and summary, as a new message.
  await s.sender.send(c, { reminderIds: [r.id], ask: false });
}
