// Edit opens an e-mail as "Subject:" plus body and an SMS as its text alone; saving reads them back, and refuses
// (saving nothing) a text that lost its subject or its body rather than sending a client an empty message.
import { strict as assert } from 'node:assert';
import { ValidationError } from '../../../src/core/errors';
import { parseReminderEdit, reminderEditText } from '../../../src/vscode/reminderEditText';

describe('reminderEditText', () => {
  it('round-trips subject and body, also with Windows line ends', () => {
    const text = reminderEditText('email', 'Your session tomorrow', '<p>Hello Ada,</p>\n<p>See you.</p>');
    assert.deepEqual(parseReminderEdit(text, 'email'), {
      subject: 'Your session tomorrow',
      text: '<p>Hello Ada,</p>\n<p>See you.</p>',
    });
    assert.deepEqual(parseReminderEdit(text.replace(/\n/g, '\r\n'), 'email'), parseReminderEdit(text, 'email'));
  });

  it('takes an edited subject', () => {
    assert.equal(parseReminderEdit('Subject:  Moved to Friday \n\n<p>x</p>', 'email').subject, 'Moved to Friday');
  });

  it('refuses a text without its subject line, an empty subject or an empty body', () => {
    assert.throws(() => parseReminderEdit('<p>Hello</p>', 'email'), ValidationError);
    assert.throws(() => parseReminderEdit('Subject:\n\n<p>Hello</p>', 'email'), /subject is empty/);
    assert.throws(() => parseReminderEdit('Subject: Hi\n\n  \n', 'email'), /body is empty/);
  });

  it('shows an SMS as its text alone and saves the text as written, a "Subject:" line included', () => {
    const sms = 'Hello Ada, a reminder of your session on Friday. Dr. Morgan';
    assert.equal(reminderEditText('sms', '', sms), sms);
    assert.deepEqual(parseReminderEdit(`${sms}\r\n\r\n`, 'sms'), { text: sms });
    assert.deepEqual(parseReminderEdit(`Subject: x\n\n${sms}`, 'sms'), { text: `Subject: x\n\n${sms}` });
    assert.throws(() => parseReminderEdit(' \n  \n', 'sms'), /body is empty/);
  });
});
