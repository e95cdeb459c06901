// The Reminders view's commands over the core: Preview and Send Due Reminders, Send Now on one row,
// and the timer that offers newly due reminders. Handlers receive the signed-in profile's clients.
import * as vscode from 'vscode';
import type { Reminder } from '../core/reminders';
import { DueReminderTimer } from './dueReminderTimer';
import type { DataverseClients } from './profileSession';
import type { ReminderNode } from './remindersTree';
import type { RemindersTree } from './remindersTree';
import { sendNowQuestion } from './sendDocuments';
import type { EditorServices } from './services';
import { showError } from './showError';

/** The reminder a context-menu command was invoked on, if any. */
export function reminderOf(node: unknown): Reminder | undefined {
  const n = node as ReminderNode | undefined;
  return n?.kind === 'reminder' ? n.reminder : undefined;
}

export function previewDueReminders(s: EditorServices, c: DataverseClients): Promise<unknown> {
  return s.sender.preview(c);
}

export function sendDueReminders(s: EditorServices, c: DataverseClients): Promise<unknown> {
  return s.sender.send(c, { ask: true });
}

export async function sendReminderNow(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const reminder = reminderOf(node);
  if (!reminder) {
    void vscode.window.showInformationMessage('Pick a reminder in the Reminders view to send it now.');
    return;
  }
  await s.sender.send(c, {
    reminderIds: [reminder.id],
    ask: true,
    question: sendNowQuestion(
      reminder.clientName ?? reminder.email ?? 'the client',
      reminder.kind,
      c.profile.name,
      c.profile.sendToSelf === true,
    ),
  });
}

/** The timer: newly due reminders offered once (or sent, for a profile with autoSend). */
export function watchDueReminders(s: EditorServices, tree: RemindersTree): vscode.Disposable {
  const guarded = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      await showError(error, s.hub.logger('error'), s.showLog);
    }
  };
  return new DueReminderTimer({
    reminders: s.session.reminders,
    now: () => new Date(s.clock.now()),
    profile: () => {
      const profile = s.session.clients?.profile;
      return profile ? { name: profile.name, autoSend: profile.autoSend === true } : undefined;
    },
    redraw: () => tree.redraw(),
    sending: () => s.sender.isSending,
    preview: () => guarded(() => s.sender.preview(s.session.requireDataverse())),
    send: (ask) => guarded(() => s.sender.send(s.session.requireDataverse(), { ask })),
  });
}
