// A reminder row's actions: Preview (read-only), Edit (opens an e-mail's subject and body, an SMS's text alone;
// saving writes them back, and refuses a document opened for the other channel),
// Approve, Skip, Retry (Change Channel, Mark as Sent and Send Again are in reminderChannelCommands.ts). Each asks before an effect when the profile wants it, names the profile in what
// it says afterwards, and refreshes the views. An edit opened under one profile is never saved into
// another: after a switch or sign-out its save is refused and the text stays in the editor.
import * as vscode from 'vscode';
import { AuthenticationError, ConflictError, ValidationError } from '../core/errors';
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
import { editMediumOf, parseReminderEdit, reminderEditText, type EditMedium } from './reminderEditText';
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
  // An SMS is edited as its bare text, an e-mail as subject and HTML: each in a document of its own, so that
  // after a channel change Edit opens the new medium even while the old one's document is still open.
  const medium = editMediumOf(r);
  const name = `${who(r)} – ${r.kind === 'followUp' ? 'follow-up' : 'reminder'}`.replace(/[/\\]/g, '-');
  await s.editable.open(
    medium === 'sms' ? `/reminder/${r.id}/${name} (SMS).txt` : `/reminder/${r.id}/${name}.html`,
    reminderEditText(medium, r.subject, stored.text ?? ''),
    async (text) => {
      const current = s.session.clients;
      if (current?.profile.name !== profile || !current.dataverse)
        throw new AuthenticationError(
          `This reminder belongs to profile "${profile}", which is no longer signed in here. Switch back to it and save again; your text stays in the editor.`,
          { code: 'reminders.editProfileGone' },
        );
      const deps = actionDeps(s, current as DataverseClients);
      await requireSameMedium(deps, r, medium);
      const edit = parseReminderEdit(text, medium);
      await editReminder(deps, r.id, edit, etag === undefined ? {} : { etag });
      etag = (await readMessage(deps.dataverse, deps.tables, r.id)).etag;
      s.log.info('reminder edited', { reminderId: r.id, profile });
      void s.session.refresh();
      void vscode.window.showInformationMessage(
        `Saved the ${r.kind === 'followUp' ? 'follow-up' : 'reminder'} to ${who(r)} on profile "${profile}".`,
      );
    },
    medium === 'sms' ? 'plaintext' : 'html',
  );
}

const MEDIUM_WORDS: Record<EditMedium, string> = { email: 'e-mail', sms: 'SMS' };

/**
 * Refuses a save whose document was opened for the other medium (the channel changed in another window, the
 * CLI or Change Channel… meanwhile): an e-mail's subject and HTML would reach the phone as they are, an SMS's
 * text would leave as an e-mail with no subject. A change after this read is caught by the ETag.
 */
async function requireSameMedium(deps: ReminderActionDeps, opened: Reminder, medium: EditMedium): Promise<void> {
  const now = (await readMessage(deps.dataverse, deps.tables, opened.id)).reminder;
  const nowMedium = editMediumOf(now);
  if (nowMedium === medium) return;
  throw new ConflictError(
    `The ${opened.kind === 'followUp' ? 'follow-up' : 'reminder'} to ${who(opened)} now goes by ${MEDIUM_WORDS[nowMedium]}: its channel changed after this ${MEDIUM_WORDS[medium]} was opened, so nothing was saved. Run Edit Reminder on it again to edit it as ${nowMedium === 'sms' ? 'an SMS' : 'an e-mail'}; your text stays here to copy from.`,
    { code: 'reminders.editChannelChanged', detail: { reminderId: opened.id, opened: medium, now: nowMedium } },
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
