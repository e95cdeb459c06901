// Issue 21 in the real editor: the Reminders view's Needs a Check rows, left there the way a crash leaves them.
// `lc reminders send --id` (the CLI a practitioner runs, on the chosen reminder alone, whatever else is due) is
// stopped right after handing a message over (LC_TEST_CRASH_AT=afterSend, the crash point the reliability tests
// use) and run again: a SendGrid mail cannot be asked about, so it waits under Needs a Check at once; an SMS does
// once ACS's repeat window has passed (the row's first attempt is set ten minutes back, as the clock would have
// moved). In the editor the practitioner previews the SMS (plain text to the phone), marks the mail sent (nothing
// leaves), and sends the SMS again after a modal naming the profile and the phone: the sandbox's ACS gets exactly
// one new SMS. Runs after 09d, which stored the ACS connection string in the editor. Also: Edit Reminder shows an
// SMS as its text alone.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { everythingSent, lc } from '../harness/sandboxCli.mjs';
import { editor } from './hooks.mjs';
import { CONTAINER, EDIT_REMINDER, NEEDS_APPROVAL, PREVIEW_REMINDER, VIEWS } from './expectations.mjs';
import { clearHovers, openRemindersGroup, waitForEditorText } from './steps.mjs';

const MESSAGES = 'cre92_scheduledmessages';
const ID = 'cre92_scheduledmessageid';
const STATUS = { approved: 100000001, sent: 100000003, needsCheck: 100000006 };
const SMS_CHANNEL = 100000001;
const NEEDS_A_CHECK = 'Needs a Check';
const MARK_AS_SENT = 'Mark as Sent';
const SEND_AGAIN = 'Send Again…';
const SEND_AGAIN_BUTTON = 'Send Again';
const MARKED_SENT = /Marked the reminder to (.+) as sent on profile "sandbox"\./;
const SENT_ONE = /Sent due reminders on profile "sandbox": 1 sent\./;
const REMINDER_SAVED = /Saved the (reminder|follow-up) to .* on profile "sandbox"/;
/** The phone the SMS goes to, in E.164 as ACS takes it (not 09d's). */
const PHONE = '+447700900462';

/** The two reminders put under Needs a Check: `mail` (SendGrid) and `sms`, each { id, name }. */
let mail;
let sms;

const rowOf = (sandbox, id) => lc(sandbox, ['dv', 'get', MESSAGES, id]).json.row;

/** Approved e-mail reminders still ahead, of clients whose names cannot be mistaken for one another. */
function scheduledMailReminders(sandbox) {
  const { value } = lc(sandbox, [
    'dv',
    'query',
    MESSAGES,
    '--select',
    `${ID},cre92_clientname,_cre92_contact_value`,
    '--filter',
    `cre92_status eq ${STATUS.approved} and cre92_kind eq 100000000 and cre92_channel ne ${SMS_CHANNEL} and cre92_scheduledtime gt ${new Date().toISOString()}`,
    '--top',
    '40',
  ]).json;
  const picked = [];
  for (const row of value) {
    const name = row.cre92_clientname ?? '';
    const clash = (other) => other.name.includes(name) || name.includes(other.name);
    if (name && !name.includes("'") && !picked.some(clash))
      picked.push({ id: row[ID], name, contact: row._cre92_contact_value });
  }
  assert.ok(picked.length >= 2, `the sandbox has ${picked.length} approved e-mail reminders ahead`);
  return picked;
}

/** The send of `id` alone (`--id`, due or not), whatever else the seed has made due by now, plans just it. */
function chosenAlone(sandbox, id, env = {}) {
  const chosen = lc(sandbox, ['reminders', 'plan', '--id', id], { env }).json.messages.map((m) =>
    m.reminderId.toLowerCase(),
  );
  assert.deepEqual(chosen, [id.toLowerCase()], 'the send of the chosen reminder takes it alone');
}

/** `lc reminders send --id` stopped right after the hand-over (exit 86), then run again: the reminder is skipped. */
function crashThenRerun(sandbox, id, env = {}, beforeRerun = () => undefined) {
  const send = ['--yes', 'reminders', 'send', '--id', id];
  lc(sandbox, send, { env: { ...env, LC_TEST_CRASH_AT: 'afterSend' }, code: 86 });
  assert.equal(rowOf(sandbox, id).cre92_status, 100000002, 'the crash left it in sending');
  beforeRerun();
  const rerun = lc(sandbox, send, { env }).json;
  assert.deepEqual(
    rerun.items.map((i) => i.reminderId.toLowerCase()),
    [id.toLowerCase()],
    'the rerun took the chosen reminder alone',
  );
  const [item] = rerun.items;
  assert.equal(item?.outcome, 'skipped', JSON.stringify(rerun));
  assert.match(item.error, /Check whether .+ got it/);
  assert.equal(rowOf(sandbox, id).cre92_status, STATUS.needsCheck);
}

/** The rows a top-level group of the Reminders view shows now. */
async function groupRows(workbench, group) {
  const rows = await workbench.treeRows(VIEWS.reminders);
  const at = rows.findIndex((r) => r.level === 1 && r.label === group);
  if (at < 0) return [];
  const next = rows.findIndex((r, i) => i > at && r.level === 1);
  return rows.slice(at + 1, next < 0 ? undefined : next);
}

describe('Life Cockpit: reminders that need a check, from the Reminders view', () => {
  it('opens an SMS for editing as its text alone, and saves what was typed as the text the phone gets', async () => {
    const { workbench, page, sandbox } = editor();
    await workbench.openViewContainer(CONTAINER);
    await openRemindersGroup(workbench, NEEDS_APPROVAL);
    const row = await waitFor('an SMS draft under Needs Approval', async () => {
      const rows = await groupRows(workbench, NEEDS_APPROVAL);
      return (
        rows.find((r, i) => / · SMS\b/.test(r.description) && !rows.slice(0, i).some((o) => o.label === r.label)) ??
        false
      );
    });
    await workbench.contextMenuAction(VIEWS.reminders, row.label, EDIT_REMINDER);
    const text = await waitFor('the SMS open for editing', async () => {
      const title = await workbench.activeEditorTitle().catch(() => '');
      return title.includes(row.label) && title.endsWith('(SMS).txt') ? workbench.activeEditorText() : false;
    });
    assert.doesNotMatch(text, /Subject:/, 'no subject line above the SMS text');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Reply STOP to opt out.');
    await page.keyboard.press('Control+S');
    await workbench.waitForNotification(REMINDER_SAVED);
    const texts = lc(sandbox, [
      'dv',
      'query',
      MESSAGES,
      '--select',
      'cre92_text',
      '--filter',
      `cre92_clientname eq '${row.label.replace(/'/g, "''")}' and cre92_channel eq ${SMS_CHANNEL}`,
    ]).json.value.map((m) => m.cre92_text ?? '');
    const saved = texts.find((t) => t.includes('Reply STOP to opt out.'));
    assert.ok(saved, `Dataverse holds the edited SMS: ${JSON.stringify(texts)}`);
    assert.match(saved, /Reply STOP to opt out\.$/);
    assert.doesNotMatch(saved, /Subject:/);
    await page.keyboard.press('Control+W');
  });

  it('gets a SendGrid mail cut off after its hand-over, and an SMS past ACS’s repeat window, under Needs a Check', async () => {
    const { sandbox } = editor();
    [mail, sms] = scheduledMailReminders(sandbox);

    // A profile whose mail leaves through SendGrid: the rerun cannot ask SendGrid, so it waits for a person.
    const sendgrid = { LC_MAIL_CHANNEL: 'sendgrid' };
    chosenAlone(sandbox, mail.id, sendgrid);
    crashThenRerun(sandbox, mail.id, sendgrid);
    const handedOver = (await everythingSent(sandbox)).sendgrid.filter(
      (m) => m.customArgs.reminderId?.toLowerCase() === mail.id.toLowerCase(),
    );
    assert.equal(handedOver.length, 1, 'SendGrid took the mail once and was not given it again');

    // The client's phone in E.164 and the reminder moved to SMS, as a practitioner would in the terminal.
    lc(sandbox, ['--yes', 'dv', 'update', 'contacts', sms.contact, '--data', JSON.stringify({ telephone1: PHONE })]);
    assert.equal(lc(sandbox, ['--yes', 'reminders', 'channel', sms.id, 'sms']).json.channel, 'sms');
    chosenAlone(sandbox, sms.id);
    crashThenRerun(sandbox, sms.id, {}, () =>
      lc(sandbox, [
        '--yes',
        'dv',
        'update',
        MESSAGES,
        sms.id,
        '--data',
        JSON.stringify({ cre92_firstattempt: new Date(Date.now() - 10 * 60_000).toISOString() }),
      ]),
    );
    const texted = (await everythingSent(sandbox)).sms.filter((m) => m.tag?.toLowerCase() === sms.id.toLowerCase());
    assert.equal(texted.length, 1, 'ACS took the SMS once and was not given it again');
  });

  it('lists both under Needs a Check, and previews the SMS as plain text to the client’s phone', async () => {
    const { workbench } = editor();
    assert.ok(mail && sms, 'two reminders were left under Needs a Check');
    await openRemindersGroup(workbench, NEEDS_A_CHECK);
    const rows = await waitFor('both rows under Needs a Check', async () => {
      const shown = await groupRows(workbench, NEEDS_A_CHECK);
      const both = [mail, sms].map((r) => shown.find((row) => row.level === 2 && row.label === r.name));
      return both.every(Boolean) ? both : false;
    });
    for (const row of rows) assert.match(row.description, /check whether it arrived/);
    assert.match(rows[1].description, / · SMS\b/);

    await workbench.contextMenuAction(VIEWS.reminders, sms.name, PREVIEW_REMINDER);
    const text = await waitForEditorText(workbench, `To: ${PHONE} (SMS)`);
    assert.match(text, /# \(SMS\)/);
    assert.match(text, /```text/, 'the body is fenced as plain text');
    assert.match(text, /Last error: [\s\S]*Check whether/, 'the row says what to check');
    assert.doesNotMatch(text, /<p>|<br|```html/, 'no HTML reaches the phone');
  });

  it('marks the mail sent with Mark as Sent: it leaves the group, and nothing is sent', async () => {
    const { workbench, sandbox } = editor();
    const before = await everythingSent(sandbox);
    await workbench.contextMenuAction(VIEWS.reminders, mail.name, MARK_AS_SENT);
    const said = await workbench.waitForNotification(MARKED_SENT);
    assert.equal(MARKED_SENT.exec(said)?.[1], mail.name);
    await waitFor(`${mail.name} to leave Needs a Check`, async () =>
      (await groupRows(workbench, NEEDS_A_CHECK)).every((r) => r.label !== mail.name),
    );
    const row = rowOf(sandbox, mail.id);
    assert.equal(row.cre92_status, STATUS.sent);
    assert.ok(row.cre92_senttime, 'the time it was checked is recorded');
    const after = await everythingSent(sandbox);
    assert.deepEqual(
      [after.sms.length, after.sendgrid.length, after.graph],
      [before.sms.length, before.sendgrid.length, before.graph],
      'nothing left any service',
    );
  });

  it('sends the SMS again after a modal naming the profile and the phone: ACS gets exactly one new SMS', async () => {
    const { workbench, sandbox } = editor();
    const mine = async () =>
      (await everythingSent(sandbox)).sms.filter((m) => m.tag?.toLowerCase() === sms.id.toLowerCase());
    const before = await mine();
    await workbench.contextMenuAction(VIEWS.reminders, sms.name, SEND_AGAIN);
    const question = await workbench.answerDialog(/again from profile/, SEND_AGAIN_BUTTON);
    assert.ok(question.includes(`Send the reminder to ${sms.name} (${PHONE}) again from profile "sandbox"?`), question);
    assert.match(question, /gets it twice/);
    const summary = await workbench.waitForNotification(/Sent due reminders on profile "sandbox"/, {
      timeoutMs: 60_000,
    });
    assert.match(summary, SENT_ONE);
    const after = await waitFor('the new SMS at the sandbox’s ACS', async () => {
      const now = await mine();
      return now.length > before.length ? now : false;
    });
    assert.equal(after.length, before.length + 1, 'exactly one new SMS');
    const last = after.at(-1);
    assert.equal(last.to, PHONE);
    assert.equal(last.from, sandbox.smsFrom);
    assert.notEqual(last.repeatabilityRequestId, before[0]?.repeatabilityRequestId, 'a new message, not a repeat');
    assert.equal(rowOf(sandbox, sms.id).cre92_status, STATUS.sent);
    await waitFor(`${sms.name} to leave Needs a Check`, async () =>
      (await groupRows(workbench, NEEDS_A_CHECK)).every((r) => r.label !== sms.name),
    );
    // Leave the workbench as the next file expects it: no hover over the tree.
    await clearHovers(workbench);
  });
});
