// The text a reminder is edited as, by its medium: an e-mail as a `Subject:` line, a blank line, then the HTML
// body; an SMS as its text alone, exactly what the phone gets (it has no subject, and a header line would be
// sent as part of the text). Saving reads it back the same way; plain functions (no vscode import) so the
// round trip is unit-tested.
import { ValidationError } from '../core/errors';

export type EditMedium = 'email' | 'sms';

const SUBJECT = /^Subject:[ \t]*(.*)$/;

/** The medium a reminder is edited as: an SMS by its channel, anything else as an e-mail. */
export function editMediumOf(reminder: { channel?: string | undefined }): EditMedium {
  return reminder.channel === 'sms' ? 'sms' : 'email';
}

export function reminderEditText(medium: EditMedium, subject: string, body: string): string {
  return medium === 'sms' ? body : `Subject: ${subject}\n\n${body}`;
}

export function parseReminderEdit(text: string, medium: EditMedium): { subject?: string; text: string } {
  const normalised = text.replace(/\r\n/g, '\n');
  // An SMS is saved as written, less the trailing blank lines an editor adds: nothing is read as a header.
  if (medium === 'sms') return { text: requireBody(normalised) };
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
  if (!subject) {
    throw new ValidationError('The subject is empty; nothing was saved. Write one after "Subject:".', {
      code: 'reminders.editNoSubject',
    });
  }
  const body = newline < 0 ? '' : normalised.slice(newline + 1).replace(/^\n/, '');
  return { subject, text: requireBody(body) };
}

function requireBody(body: string): string {
  if (!body.trim()) {
    throw new ValidationError('The message body is empty; nothing was saved.', { code: 'reminders.editNoBody' });
  }
  return body.replace(/\s+$/, '');
}
