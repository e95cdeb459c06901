// The seeded practice's channels: some clients prefer SMS, the same ones for the same seed, every phone in
// E.164 as ACS takes it (no spaces), and an SMS-preferring client's reminders still ahead go by SMS (plain
// text, no subject), while what was due before the start and the `--due-reminders` load stay e-mail.
import { strict as assert } from 'node:assert';
import { generatePractice } from '../../../src/sandbox/seed';

const NOW = Date.parse('2026-11-25T10:00:00Z');
/** ACS's "Sms - Send" takes E.164 without spaces or punctuation. */
const E164 = /^\+[1-9]\d{6,14}$/;

describe('The seeded practice’s channels', () => {
  const practice = generatePractice({ seed: 'channels', clients: 40, now: NOW, dueReminders: 12 });

  it('has some clients who prefer SMS, about one in four, the same ones for the same seed', () => {
    const sms = practice.clients.filter((c) => c.preferredChannel === 'sms').map((c) => c.id);
    assert.ok(sms.length >= 4 && sms.length <= 20, `${sms.length} of 40 prefer SMS`);
    const again = generatePractice({ seed: 'channels', clients: 40, now: NOW, dueReminders: 12 });
    assert.deepEqual(
      again.clients.filter((c) => c.preferredChannel === 'sms').map((c) => c.id),
      sms,
    );
    const other = generatePractice({ seed: 'other', clients: 40, now: NOW });
    assert.notDeepEqual(
      other.clients.map((c) => c.preferredChannel === 'sms'),
      practice.clients.map((c) => c.preferredChannel === 'sms'),
    );
  });

  it('gives every client a phone in E.164 without spaces', () => {
    const bad = practice.clients.map((c) => c.phone).filter((phone) => !E164.test(phone));
    assert.deepEqual(bad, []);
  });

  it('writes an SMS-preferring client’s reminders still ahead as SMS: one line of text, no subject', () => {
    const prefersSms = new Set(practice.clients.filter((c) => c.preferredChannel === 'sms').map((c) => c.id));
    const seeded = practice.reminders.slice(0, -12); // the --due-reminders ones come last
    const ahead = seeded.filter((r) => prefersSms.has(r.clientId) && Date.parse(r.scheduledTime) > NOW);
    assert.ok(ahead.length > 0, 'SMS-preferring clients have reminders ahead');
    for (const r of ahead) {
      assert.equal(r.channel, 'sms', `${r.id} goes by SMS`);
      assert.equal(r.subject, '');
      assert.doesNotMatch(r.text, /\n/);
      assert.ok(r.text.length <= 306, `two GSM-7 segments at most: ${r.text.length}`);
    }
    const byEmail = seeded.filter((r) => !prefersSms.has(r.clientId) || Date.parse(r.scheduledTime) <= NOW);
    assert.deepEqual(
      byEmail.filter((r) => r.channel !== undefined).map((r) => r.id),
      [],
      'the others, and whatever was due before the start, went by e-mail: what is due at start is the same at any hour',
    );
  });

  it('keeps the --due-reminders load on e-mail whatever the client prefers', () => {
    const due = practice.reminders.slice(-12);
    assert.ok(due.every((r) => r.status === 'approved' && r.subject !== '' && r.channel === undefined));
  });
});
