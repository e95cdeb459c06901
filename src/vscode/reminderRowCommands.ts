// A reminder row's actions: Preview (read-only), Edit (opens an e-mail's subject and body, an SMS's text alone;
// saving writes them back, refuses a document opened for the other channel, and on a row changed meanwhile
// offers Compare with Current and Save Mine Over It: reminderEditSave.ts),
// Approve, Skip, Retry (Change Channel, Mark as Sent and Send Again are in reminderChannelCommands.ts). Each asks before an effect when the profile wants it, names the profile in what
// it says afterwards, and refreshes the views. An edit opened under one profile is never saved into
// another: after a switch or sign-out its save is refused and the text stays in the editor.
import * as vscode from 'vscode';
import { ValidationError } from '../core/errors';
import {
  approveReminder,
  readMessage,
  retryReminder,
  skipReminder,
  type Reminder,
  type ReminderActionDeps,
} from '../core/reminders';
import { confirmEffect } from './confirmEffect';
import type { DataverseClients } from './profileSession';
import { reminderOf } from './reminderCommands';
import { ReminderEditSave } from './reminderEditSave';
import { editMediumOf } from './reminderEditText';
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
  // An SMS is edited as its bare text, an e-mail as subject and HTML: each in a document of its own, so that
  // after a channel change Edit opens the new medium even while the old one's document is still open.
  const medium = editMediumOf(r);
  const name = `${who(r)} – ${r.kind === 'followUp' ? 'follow-up' : 'reminder'}`.replace(/[/\\]/g, '-');
  const path = medium === 'sms' ? `/reminder/${r.id}/${name} (SMS).txt` : `/reminder/${r.id}/${name}.html`;
  // Saving names the ETag of the version the document is based on; a row changed meanwhile is refused with
  // Compare with Current and Save Mine Over It, never overwritten unseen (reminderEditSave.ts).
  const saving = new ReminderEditSave(s, c, stored, path);
  await s.editable.open(path, saving.text, saving.save, medium === 'sms' ? 'plaintext' : 'html');
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
