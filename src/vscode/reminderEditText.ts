// The text a reminder is edited as: a `Subject:` line, a blank line, then the HTML body. Saving reads it
// back the same way; plain functions (no vscode import) so the round trip is unit-tested. An SMS has no
// subject: its line stays empty and only its text is saved.
import { ValidationError } from '../core/errors';

const SUBJECT = /^Subject:[ \t]*(.*)$/;

export function reminderEditText(subject: string, body: string): string {
  return `Subject: ${subject}\n\n${body}`;
}

export function parseReminderEdit(text: string, medium: 'email' | 'sms' = 'email'): { subject?: string; text: string } {
  const normalised = text.replace(/\r\n/g, '\n');
  const newline = normalised.indexOf('\n');
  const first = newline < 0 ? normalised : normalised.slice(0, newline);
  const match = SUBJECT.exec(first);
  if (!match) {
    throw new ValidationError(
      'Keep the first line as "Subject: …" so the reminder keeps a subject; nothing was saved.',
      {
        code: 'reminders.editNoSubject',
      },
    );
  }
  const subject = (match[1] ?? '').trim();
  if (!subject && medium === 'email') {
    throw new ValidationError('The subject is empty; nothing was saved. Write one after "Subject:".', {
      code: 'reminders.editNoSubject',
    });
  }
  const body = newline < 0 ? '' : normalised.slice(newline + 1).replace(/^\n/, '');
  if (!body.trim()) {
    throw new ValidationError('The message body is empty; nothing was saved.', { code: 'reminders.editNoBody' });
  }
  const edited = body.replace(/\s+$/, '');
  return medium === 'sms' ? { text: edited } : { subject, text: edited };
}
