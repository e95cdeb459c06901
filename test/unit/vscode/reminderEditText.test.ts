// Edit opens a reminder as "Subject:" plus body; saving reads both back, and refuses (saving nothing) a
// text that lost its subject or its body rather than sending a client an empty mail.
import { strict as assert } from 'node:assert';
import { ValidationError } from '../../../src/core/errors';
import { parseReminderEdit, reminderEditText } from '../../../src/vscode/reminderEditText';

describe('reminderEditText', () => {
  it('round-trips subject and body, also with Windows line ends', () => {
    const text = reminderEditText('Your session tomorrow', '<p>Hello Ada,</p>\n<p>See you.</p>');
    assert.deepEqual(parseReminderEdit(text), {
      subject: 'Your session tomorrow',
      text: '<p>Hello Ada,</p>\n<p>See you.</p>',
    });
    assert.deepEqual(parseReminderEdit(text.replace(/\n/g, '\r\n')), parseReminderEdit(text));
  });

  it('takes an edited subject', () => {
    assert.equal(parseReminderEdit('Subject:  Moved to Friday \n\n<p>x</p>').subject, 'Moved to Friday');
  });

  it('refuses a text without its subject line, an empty subject or an empty body', () => {
    assert.throws(() => parseReminderEdit('<p>Hello</p>'), ValidationError);
    assert.throws(() => parseReminderEdit('Subject:\n\n<p>Hello</p>'), /subject is empty/);
    assert.throws(() => parseReminderEdit('Subject: Hi\n\n  \n'), /body is empty/);
  });

  it('lets an SMS keep its empty subject line, saving only its text', () => {
    const text = reminderEditText('', 'Hello Ada, a reminder of your session on Friday. Dr. Morgan');
    assert.deepEqual(parseReminderEdit(text, 'sms'), {
      text: 'Hello Ada, a reminder of your session on Friday. Dr. Morgan',
    });
    assert.throws(() => parseReminderEdit('Subject:\n\n  \n', 'sms'), /body is empty/);
  });
});
