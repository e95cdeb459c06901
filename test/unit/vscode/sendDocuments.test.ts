// The dry run lists every message that would leave with its totals, the question names the count and
// the profile, and the summary says what happened, including what was cut short.
import { strict as assert } from 'node:assert';
import {
  planDocument,
  reminderPreview,
  sendNowQuestion,
  sendQuestion,
  sendSummary,
  type PlanLine,
} from '../../../src/vscode/sendDocuments';

const line = (n: number, over: Partial<PlanLine> = {}): PlanLine => ({
  reminderId: `r-${n}`,
  recipient: `client${n}@example.test`,
  subject: `Reminder ${n}`,
  body: `<p>Hello ${n}</p>`,
  mailbox: 'practice@example.test',
  session: `Client ${n} · Thu 3 Dec, 10:00`,
  recovering: false,
  ...over,
});
const context = { profile: 'sandbox', sendToSelf: false, at: new Date('2026-12-02T10:00:00Z') };

describe('sendDocuments', () => {
  it('lists every message with recipient, subject, body and session, and totals per mailbox', () => {
    const doc = planDocument([line(1), line(2), line(3, { mailbox: 'other@example.test' })], context);
    assert.match(doc, /^# Due reminders: 3 messages would leave/);
    assert.match(doc, /- Messages due: 3/);
    assert.doesNotMatch(doc, /Left in sending/);
    assert.match(doc, /- From practice@example\.test: 2/);
    assert.match(doc, /- From other@example\.test: 1/);
    for (const n of [1, 2, 3]) {
      assert.match(doc, new RegExp(`- To: client${n}@example\\.test`));
      assert.match(doc, new RegExp(`<p>Hello ${n}</p>`));
      assert.match(doc, new RegExp(`- Session: Client ${n}`));
    }
    assert.match(doc, /Nothing has been sent/);
  });

  it('counts reminders left in sending apart from the due ones', () => {
    const doc = planDocument([line(1), line(2, { recovering: true })], context);
    assert.match(doc, /^# Due reminders: 1 message would leave/);
    assert.match(doc, /Left in sending by an earlier run .*: 1/);
    assert.match(doc, /- Reminder: r-2 \(left in sending: looked up first\)/);
  });

  it('says send-to-me mode is on, and that nothing is due when nothing is', () => {
    const doc = planDocument([], { ...context, sendToSelf: true });
    assert.match(doc, /send-to-me test mode/);
    assert.match(doc, /e-mail goes to your own mailbox and every SMS to your own phone/);
    assert.match(doc, /No reminder is due/);
  });

  it('shows an SMS as the plain text it is, not as HTML', () => {
    const sms = line(1, {
      recipient: '+447700900123',
      subject: '',
      body: 'See you at 10:00',
      channel: 'acsSms',
    });
    const doc = planDocument([sms, line(2)], context);
    assert.match(doc, /## 1\. \(SMS\)\n/);
    assert.match(doc, /```+text\nSee you at 10:00\n```+/);
    assert.match(doc, /```+html\n<p>Hello 2<\/p>\n```+/);
  });

  it('keeps a body with backticks inside its fence', () => {
    const doc = planDocument([line(1, { body: '```\n# not a heading' })], context);
    assert.match(doc, /````html\n```\n# not a heading\n````/);
  });

  it('asks once with the count and the profile', () => {
    assert.equal(
      sendQuestion(3, 'live-practice', false),
      'Send 3 due reminders to clients from profile "live-practice"?',
    );
    assert.match(
      sendQuestion(1, 'sandbox', true),
      /1 due reminder from profile "sandbox" to yourself \(send-to-me test mode: e-mail to your own mailbox, SMS to your own phone\)/,
    );
  });

  it('asks Send Now naming the client, the kind and the profile', () => {
    assert.equal(
      sendNowQuestion('Ada Lovelace', 'followUp', 'practice', false),
      'Send the follow-up to Ada Lovelace now from profile "practice"?',
    );
    assert.match(
      sendNowQuestion('Ada Lovelace', 'reminder', 'practice', true),
      /for Ada Lovelace .* to yourself \(send-to-me test mode: e-mail to your own mailbox, SMS to your own phone\)/,
    );
  });

  it('summarises the outcome, names the first failure, and says when it was stopped', () => {
    const report = {
      total: 4,
      sent: 2,
      submitted: 1,
      failed: 1,
      retryLater: 0,
      skipped: 0,
      items: [{ recipient: 'a@example.test', subject: 's', outcome: 'failed', error: 'Mailbox unavailable' }],
    };
    assert.equal(
      sendSummary(report, 'sandbox', false),
      'Sent due reminders on profile "sandbox": 2 sent, 1 submitted (Exchange is still delivering), 1 failed. First failure (a@example.test): Mailbox unavailable',
    );
    assert.match(
      sendSummary({ ...report, failed: 0, items: [] }, 'sandbox', true),
      /^Sending stopped on profile "sandbox": 2 sent/,
    );
  });
});

describe('reminderPreview', () => {
  const base = {
    id: 'r-1',
    subject: 'Your session tomorrow',
    email: 'ada@example.test',
    phone: '+447700900123',
    kind: 'reminder' as const,
    status: 'approved',
    scheduledTime: new Date('2026-12-03T09:00:00Z'),
  };
  const profile = { name: 'sandbox', sendToSelf: false, mailbox: 'me@example.test', selfPhone: '+447700900999' };

  it('shows an e-mail reminder to its address, as HTML', () => {
    const doc = reminderPreview({ ...base, channel: 'email' }, '<p>Hi</p>', profile);
    assert.match(doc, /^# Your session tomorrow\n/);
    assert.match(doc, /- To: ada@example\.test\n/);
    assert.match(doc, /```+html\n<p>Hi<\/p>\n```+/);
  });

  it('shows an SMS to the phone, as plain text, and in send-to-me mode to the practitioner’s phone', () => {
    const sms = { ...base, subject: '', channel: 'sms' as const };
    const doc = reminderPreview(sms, 'See you at 10:00', profile);
    assert.match(doc, /^# \(SMS\)\n/);
    assert.match(doc, /- To: \+447700900123 \(SMS\)\n/);
    assert.match(doc, /```+text\nSee you at 10:00\n```+/);
    const toSelf = reminderPreview(sms, 'x', { ...profile, sendToSelf: true });
    assert.match(toSelf, /send-to-me mode: it goes to \+447700900999/);
    assert.doesNotMatch(toSelf, /me@example\.test/);
  });

  it('says when an SMS has no phone to go to', () => {
    const doc = reminderPreview({ ...base, channel: 'sms', phone: undefined }, 'x', profile);
    assert.match(doc, /- To: no phone \(SMS\)/);
  });
});
