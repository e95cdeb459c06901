// A reminder row's actions: Preview (read-only), Edit (opens subject and body; saving writes them back),
// Approve, Skip, Retry (Change Channel, Mark as Sent and Send Again are in reminderChannelCommands.ts). Each asks before an effect when the profile wants it, names the profile in what
// it says afterwards, and refreshes the views. An edit opened under one profile is never saved into
// another: after a switch or sign-out its save is refused and the text stays in the editor.
import * as vscode from 'vscode';
import { AuthenticationError, ValidationError } from '../core/errors';
import {
  approveReminder,
  editReminder,
  readMessage,
  retryReminder,
  skipReminder,
  type Reminder,
  type ReminderActionDeps,
} from '../core/reminders';
import { confirmEffect } from './confirmEffect';
import type { DataverseClients } from './profileSession';
import { reminderOf } from './reminderCommands';
import { parseReminderEdit, reminderEditText } from './reminderEditText';
import { reminderPreview } from './sendDocuments';
import type { EditorServices } from './services';

export function requireReminder(node: unknown, verb: string): Reminder {
  const reminder = reminderOf(node);
  if (!reminder)
    throw new ValidationError(`Pick a reminder in the Reminders view to ${verb} it.`, { code: 'reminders.noneChosen' });
  return reminder;
}

export function who(r: Reminder): string {
  return r.clientName ?? r.email ?? 'the client';
}

export function actionDeps(s: EditorServices, c: DataverseClients): ReminderActionDeps {
  return { dataverse: c.dataverse, tables: c.tables, log: s.hub.logger('business') };
}

export async function previewReminder(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const { reminder: r, text } = await readMessage(c.dataverse, c.tables, requireReminder(node, 'preview').id);
  const doc = reminderPreview(r, text ?? '', c.profile);
  await s.documents.show(`Reminder ${r.id}.md`, doc, 'markdown');
}

export async function editReminderCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const stored = await readMessage(c.dataverse, c.tables, requireReminder(node, 'edit').id);
  const r = stored.reminder;
  // Saving names the ETag of the row as opened: a row the sender claimed or someone changed meanwhile is
  // refused (the text stays in the editor), never overwritten unseen.
  let etag = stored.etag;
  const profile = c.profile.name;
  const name = `${who(r)} – ${r.kind === 'followUp' ? 'follow-up' : 'reminder'}`.replace(/[/\\]/g, '-');
  await s.editable.open(
    `/reminder/${r.id}/${name}.html`,
    reminderEditText(r.subject, stored.text ?? ''),
    async (text) => {
      const current = s.session.clients;
      if (current?.profile.name !== profile || !current.dataverse)
        throw new AuthenticationError(
          `This reminder belongs to profile "${profile}", which is no longer signed in here. Switch back to it and save again; your text stays in the editor.`,
          { code: 'reminders.editProfileGone' },
        );
      const edit = parseReminderEdit(text, r.channel === 'sms' ? 'sms' : 'email');
      const deps = actionDeps(s, current as DataverseClients);
      await editReminder(deps, r.id, edit, etag === undefined ? {} : { etag });
      etag = (await readMessage(deps.dataverse, deps.tables, r.id)).etag;
      s.log.info('reminder edited', { reminderId: r.id, profile });
      void s.session.refresh();
      void vscode.window.showInformationMessage(
        `Saved the ${r.kind === 'followUp' ? 'follow-up' : 'reminder'} to ${who(r)} on profile "${profile}".`,
      );
    },
    'html',
  );
}

export async function approveReminderCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const r = requireReminder(node, 'approve');
  await confirmEffect(c.profile, `Approve the reminder to ${who(r)}`);
  await approveReminder(actionDeps(s, c), r.id);
  await after(s, `Approved the reminder to ${who(r)} on profile "${c.profile.name}": it leaves when due.`);
}

export async function skipReminderCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const r = requireReminder(node, 'skip');
  await confirmEffect(c.profile, `Skip the reminder to ${who(r)} (it will not be sent)`);
  await skipReminder(actionDeps(s, c), r.id);
  await after(s, `Skipped the reminder to ${who(r)} on profile "${c.profile.name}": it will not be sent.`);
}

export async function retryReminderCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const r = requireReminder(node, 'retry');
  await confirmEffect(c.profile, `Retry the failed reminder to ${who(r)}`);
  await retryReminder(actionDeps(s, c), r.id);
  await after(
    s,
    `The reminder to ${who(r)} is approved again on profile "${c.profile.name}" (attempts reset): it leaves with the next send.`,
  );
}

async function after(s: EditorServices, message: string): Promise<void> {
  await s.session.refresh();
  void vscode.window.showInformationMessage(message);
}
