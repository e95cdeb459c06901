// Saving an Edit Reminder document. The write names the ETag of the version the document is based on, so a row
// that changed since (another window, the CLI, the sender) is never overwritten unseen. A save refused because
// someone else changed the text keeps the user's text and offers, as the editor does for a file changed on
// disk, Compare with Current (the row's text, read-only, against the document, which stays editable and
// savable) and Save Mine Over It (re-read the row, check it again, write the document over it). A row that
// can no longer be edited (being sent, sent, cancelled) is never overwritten: the refusal says what it is now.
import * as vscode from 'vscode';
import { AuthenticationError, ConflictError } from '../core/errors';
import {
  editReminder,
  readMessage,
  type Reminder,
  type ReminderActionDeps,
  type StoredMessage,
  kindWord,
} from '../core/reminders';
import type { DataverseClients } from './profileSession';
import { editMediumOf, parseReminderEdit, reminderEditText, type EditMedium } from './reminderEditText';
import { showError } from './showError';
import type { EditorServices } from './services';

export const COMPARE_WITH_CURRENT = 'Compare with Current';
export const SAVE_MINE_OVER_IT = 'Save Mine Over It';

/**
 * Statuses whose text may still be replaced (the rows the Reminders view offers Edit on): nobody has started
 * sending it and it is still meant to leave.
 */
const OVERWRITABLE = new Set(['draft', 'approved', 'failed']);

const STATUS_NOW: Record<string, string> = {
  sending: 'being sent',
  sent: 'sent',
  cancelled: 'cancelled',
  needsCheck: 'waiting for you to check whether it was sent',
};

const MEDIUM_WORDS: Record<EditMedium, string> = { email: 'e-mail', sms: 'SMS' };

/** A status-only change is retried at once; a row that keeps changing this often is left to the next save. */
const QUIET_RETRIES = 3;

/** The version of the row the document is based on: what the user has seen, and the ETag a write names. */
interface Seen {
  etag: string | undefined;
  /** The row's subject and text as the document shows them. */
  text: string;
}

export class ReminderEditSave {
  private seen: Seen;
  private readonly profile: string;
  private readonly medium: EditMedium;
  private readonly kind: string;

  constructor(
    private readonly s: EditorServices,
    c: DataverseClients,
    private readonly opened: StoredMessage,
    /** The document's path in the editable documents. */
    private readonly path: string,
  ) {
    this.profile = c.profile.name;
    this.medium = editMediumOf(opened.reminder);
    this.kind = kindWord(opened.reminder);
    this.seen = { etag: opened.etag, text: this.asDocument(opened) };
  }

  /** The text the document opens with. */
  get text(): string {
    return this.seen.text;
  }

  /** The editable documents' save: throws (the editor keeps the document dirty) whenever nothing was written. */
  readonly save = async (text: string): Promise<void> => {
    const deps = this.depsOfProfile();
    const id = this.opened.reminder.id;
    const edit = parseReminderEdit(text, this.medium);
    for (let attempt = 0; ; attempt++) {
      this.requireOverwritable(await readMessage(deps.dataverse, deps.tables, id));
      try {
        await editReminder(deps, id, edit, this.seen.etag === undefined ? {} : { etag: this.seen.etag });
        break;
      } catch (error) {
        if (!(error instanceof ConflictError) || error.code !== 'reminders.changed') throw error;
        const now = await readMessage(deps.dataverse, deps.tables, id);
        this.requireOverwritable(now);
        // Only the row's other columns changed (another window approved it, the sender tried and failed, the
        // session's time moved without touching the text): the text the user started from is still the row's
        // text, and the write sends only the subject and text columns, so a retry under the new ETag keeps the
        // other actor's change and overwrites nothing the user has not seen. Editing an approved reminder is
        // what the user could have done anyway had the approval come first.
        if (this.asDocument(now) === this.seen.text && attempt < QUIET_RETRIES) {
          this.seen = { etag: now.etag, text: this.seen.text };
          continue;
        }
        void this.offer();
        throw new ConflictError(
          `The ${this.kind} to ${who(now.reminder)} was changed elsewhere since this document was opened, so nothing was saved. Choose ${COMPARE_WITH_CURRENT} or ${SAVE_MINE_OVER_IT}; your text stays here.`,
          { code: 'reminders.editConflict', detail: { reminderId: id, profile: this.profile }, cause: error },
        );
      }
    }
    await this.followOwnWrite(deps, edit);
    this.s.log.info('reminder edited', { reminderId: id, profile: this.profile });
    void this.s.session.refresh();
    void vscode.window.showInformationMessage(
      `Saved the ${this.kind} to ${who(this.opened.reminder)} on profile "${this.profile}".`,
    );
  };

  /**
   * After a write, the document is based on what it wrote: the next save names the new ETag, unless the row
   * read back is not what was written (someone changed it in between), which the next save then meets as a
   * conflict instead of overwriting it.
   */
  private async followOwnWrite(deps: ReminderActionDeps, edit: { subject?: string; text: string }): Promise<void> {
    const after = await readMessage(deps.dataverse, deps.tables, this.opened.reminder.id);
    const written = reminderEditText(this.medium, edit.subject?.replace(/\s+/g, ' ').trim() ?? '', edit.text);
    if (this.asDocument(after) === written) this.seen = { etag: after.etag, text: written };
    else this.seen = { etag: this.seen.etag, text: written };
  }

  /** The notification after a conflict; what it starts reports its own failures. */
  private async offer(): Promise<void> {
    const r = this.opened.reminder;
    const choice = await vscode.window.showWarningMessage(
      `The ${this.kind} to ${who(r)} on profile "${this.profile}" was changed elsewhere since you opened it: your text was not saved and stays in the editor.`,
      COMPARE_WITH_CURRENT,
      SAVE_MINE_OVER_IT,
    );
    try {
      if (choice === COMPARE_WITH_CURRENT) await this.compare();
      if (choice === SAVE_MINE_OVER_IT) await this.saveMine();
    } catch (error) {
      await showError(error, this.s.hub.logger('error'), this.s.showLog);
    }
  }

  /**
   * The row as it is now, read-only, against the document. The user has then seen this version: a save from
   * the diff writes over it (and meets any later change as a new conflict).
   */
  private async compare(): Promise<void> {
    const deps = this.depsOfProfile();
    const now = await readMessage(deps.dataverse, deps.tables, this.opened.reminder.id);
    this.requireSameMedium(now);
    this.seen = { etag: now.etag, text: this.asDocument(now) };
    await this.s.editable.compare(
      this.path,
      this.seen.text,
      `${who(now.reminder)}: current (profile "${this.profile}") ↔ yours`,
    );
  }

  /**
   * Re-reads the row, checks the profile, the channel and the status as a save does, then saves the document
   * naming the row's new ETag: the editor's save then writes the document's current text and marks it clean.
   * A change between this read and the write is refused by the ETag and asks again.
   */
  private async saveMine(): Promise<void> {
    const deps = this.depsOfProfile();
    const now = await readMessage(deps.dataverse, deps.tables, this.opened.reminder.id);
    this.requireOverwritable(now);
    this.seen = { etag: now.etag, text: this.asDocument(now) };
    const outcome = await this.s.editable.saveOpen(this.path);
    if (outcome === 'closed')
      void vscode.window.showInformationMessage(
        `The document of the ${this.kind} to ${who(now.reminder)} is closed: there is nothing left to save.`,
      );
  }

  /** The clients of the profile the document was opened on; a switch or sign-out refuses (nothing written). */
  private depsOfProfile(): ReminderActionDeps {
    const current = this.s.session.clients;
    if (current?.profile.name !== this.profile || !current.dataverse)
      throw new AuthenticationError(
        `This ${this.kind} belongs to profile "${this.profile}", which is no longer signed in here. Switch back to it and save again; your text stays in the editor.`,
        { code: 'reminders.editProfileGone' },
      );
    const c = current as DataverseClients;
    return { dataverse: c.dataverse, tables: c.tables, log: this.s.hub.logger('business') };
  }

  private requireOverwritable(now: StoredMessage): void {
    this.requireSameMedium(now);
    const status = now.reminder.status;
    if (OVERWRITABLE.has(status)) return;
    throw new ConflictError(
      `The ${this.kind} to ${who(now.reminder)} on profile "${this.profile}" is now ${STATUS_NOW[status] ?? status}, so it can no longer be edited and nothing was saved; your text stays here to copy from.`,
      { code: 'reminders.editNotEditable', detail: { reminderId: now.reminder.id, status } },
    );
  }

  /**
   * Refuses a document opened for the other medium (the channel changed in another window, the CLI or Change
   * Channel… meanwhile): an e-mail's subject and HTML would reach the phone as they are, an SMS's text would
   * leave as an e-mail with no subject. A change after this read is caught by the ETag.
   */
  private requireSameMedium(now: StoredMessage): void {
    const nowMedium = editMediumOf(now.reminder);
    if (nowMedium === this.medium) return;
    throw new ConflictError(
      `The ${this.kind} to ${who(now.reminder)} now goes by ${MEDIUM_WORDS[nowMedium]}: its channel changed after this ${MEDIUM_WORDS[this.medium]} was opened, so nothing was saved. Run Edit Reminder on it again to edit it as ${nowMedium === 'sms' ? 'an SMS' : 'an e-mail'}; your text stays here to copy from.`,
      {
        code: 'reminders.editChannelChanged',
        detail: { reminderId: now.reminder.id, opened: this.medium, now: nowMedium },
      },
    );
  }

  private asDocument(stored: StoredMessage): string {
    return reminderEditText(this.medium, stored.reminder.subject, stored.text ?? '');
  }
}

/** The client a reminder goes to, as the row actions name it. */
function who(r: Reminder): string {
  return r.clientName ?? r.email ?? 'the client';
}
