// The dry run lists every message that would leave with its totals, the question names the count and
// the profile, and the summary says what happened, including what was cut short.
import { strict as assert } from 'node:assert';
import {
  planDocument,
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
    assert.match(doc, /No reminder is due/);
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
    assert.match(sendQuestion(1, 'sandbox', true), /1 due reminder from profile "sandbox" to your own mailbox/);
  });

  it('asks Send Now naming the client, the kind and the profile', () => {
    assert.equal(
      sendNowQuestion('Ada Lovelace', 'followUp', 'practice', false),
      'Send the follow-up to Ada Lovelace now from profile "practice"?',
    );
    assert.match(
      sendNowQuestion('Ada Lovelace', 'reminder', 'practice', true),
      /for Ada Lovelace .* to your own mailbox/,
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
