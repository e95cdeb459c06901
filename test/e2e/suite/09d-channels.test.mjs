// Issue 20 in the real editor: the practitioner stores the sandbox's ACS connection string with Set Channel
// Secret… (a password box, never shown back), moves a scheduled reminder to SMS with Change Channel… in the
// Reminders view, sends it with Send Now, and the sandbox's ACS has the SMS, sent once to the client's phone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { cliPath, repoRoot } from '../harness/paths.mjs';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import { CONTAINER, OUTPUT_CHANNEL, VIEWS } from './expectations.mjs';

const SET_CHANNEL_SECRET = 'Life Cockpit: Set Channel Secret…';
const ACS_ITEM = 'ACS connection string (SMS)';
const STORED = /Stored the ACS connection string \(SMS\) of profile sandbox/;
const CHANGE_CHANNEL = 'Change Channel…';
const MOVED_TO_SMS = /now goes by SMS \((\+\d+)\) on profile "sandbox"/;
const SEND_NOW = 'Send Now';
const SEND_NOW_QUESTION = /Send the (reminder|follow-up) to .* now from profile "sandbox"\?/;
const SENT_ONE = /Sent due reminders on profile "sandbox": 1 sent\./;
const SCHEDULED = 'Scheduled';
/** The client's phone in E.164, as ACS takes it (the seeded ones are written with spaces). */
const PHONE = '+447700900461';

/** `lc …` against the sandbox, in its ready line's environment; the parsed JSON lines of stdout. */
function lc(sandbox, args) {
  const run = spawnSync(process.execPath, [cliPath, ...args, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ...sandbox.env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`lc ${args.join(' ')} failed (${run.status}): ${run.stdout}${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

/** Every SMS the sandbox's ACS sent (its inspector's GET /_sandbox/acs/sms). */
function sentSms(sandbox) {
  const url = new URL('/_sandbox/acs/sms', sandbox.env.LC_SANDBOX_URL);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(sandbox.caFile) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body).sms) : reject(new Error(body))));
    });
    req.on('error', reject);
    req.end();
  });
}

let row;

describe('Life Cockpit: a reminder sent by SMS from the Reminders view', () => {
  it('stores the ACS connection string from a password box, and the log never shows it', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(SET_CHANNEL_SECRET);
    await workbench.waitForQuickInput();
    await workbench.pickQuickItem(ACS_ITEM);
    const box = await workbench.waitForQuickInput({ titleIncludes: 'ACS connection string' });
    assert.equal(box.password, true, 'the secret is typed into a password box');
    assert.match(box.title, /profile sandbox/);
    await workbench.typeIntoQuickInput(sandbox.acsConnectionString);
    await workbench.waitForNotification(STORED);
    const accessKey = /accesskey=([^;]+)/.exec(sandbox.acsConnectionString)?.[1];
    assert.ok(accessKey);
    assert.ok(!workbench.readOutputChannel(OUTPUT_CHANNEL).includes(accessKey), 'the key is in the output channel');
  });

  it('moves a scheduled reminder to SMS with Change Channel…, and its row says SMS', async () => {
    const { workbench, sandbox } = editor();
    await workbench.openViewContainer(CONTAINER);
    // Refreshed (and done with it: rows clicked while the tree is rebuilt reach their command without them), then
    // only Scheduled open, so the first row with its client's name is the one picked.
    const refreshes = () => (workbench.readOutputChannel(OUTPUT_CHANNEL).match(/views refreshed/g) ?? []).length;
    const before = refreshes();
    await workbench.viewTitleAction(VIEWS.reminders, 'Refresh Reminders');
    await waitFor('the views refreshed', async () => refreshes() > before);
    await workbench.viewTitleAction(VIEWS.reminders, 'Collapse All');
    row = await waitFor('a scheduled reminder by e-mail', async () => {
      const group = (await workbench.treeRows(VIEWS.reminders)).find((r) => r.level === 1 && r.label === SCHEDULED);
      if (group && !group.expanded) await workbench.expandTreeItem(VIEWS.reminders, SCHEDULED);
      const rows = await workbench.treeRows(VIEWS.reminders);
      const at = rows.findIndex((r) => r.level === 1 && r.label === SCHEDULED);
      const next = rows.findIndex((r, i) => i > at && r.level === 1);
      const scheduled = at < 0 ? [] : rows.slice(at + 1, next < 0 ? undefined : next);
      // The first approved one by e-mail (not one left in sending) whose client has no row above it (a row is
      // picked by its label).
      return (
        scheduled.find(
          (r, i) =>
            !/ · (SMS|sending)\b/.test(r.description) && !scheduled.slice(0, i).some((o) => o.label === r.label),
        ) ?? false
      );
    });
    // The client's record gets a phone ACS takes (a practitioner's edit, made here through lc).
    const [contact] = lc(sandbox, [
      'dv',
      'query',
      'contacts',
      '--select',
      'contactid,fullname',
      '--all',
      '--filter',
      `fullname eq '${row.label.replace(/'/g, "''")}'`,
    ]);
    assert.ok(contact, `the client ${row.label} is in Dataverse`);
    lc(sandbox, [
      'dv',
      'update',
      'contacts',
      contact.contactid,
      '--data',
      JSON.stringify({ telephone1: PHONE }),
      '--yes',
    ]);

    await workbench.contextMenuAction(VIEWS.reminders, row.label, CHANGE_CHANNEL);
    await workbench.waitForQuickInput({ titleIncludes: 'Change Channel' });
    await workbench.pickQuickItem('SMS');
    const said = await workbench.waitForNotification(MOVED_TO_SMS);
    assert.equal(MOVED_TO_SMS.exec(said)?.[1], PHONE);
    await waitFor('the row to say SMS', async () => {
      const rows = await workbench.treeRows(VIEWS.reminders);
      return rows.some((r) => r.level === 2 && r.label === row.label && / · SMS\b/.test(r.description));
    });
  });

  it('sends it with Send Now: the sandbox’s ACS has one SMS to the client’s phone', async () => {
    const { workbench, sandbox } = editor();
    assert.ok(row, 'a reminder was moved to SMS');
    const before = (await sentSms(sandbox)).filter((m) => m.to === PHONE).length;
    await workbench.contextMenuAction(VIEWS.reminders, row.label, SEND_NOW);
    await workbench.answerDialog(SEND_NOW_QUESTION, 'Send');
    const summary = await workbench.waitForNotification(/Sent due reminders on profile "sandbox"/, {
      timeoutMs: 60_000,
    });
    assert.match(summary, SENT_ONE);
    const sms = await waitFor('the SMS at the sandbox’s ACS', async () => {
      const to = (await sentSms(sandbox)).filter((m) => m.to === PHONE);
      return to.length > before ? to : false;
    });
    assert.equal(sms.length, before + 1, 'exactly one SMS left');
    const last = sms.at(-1);
    assert.equal(last.from, sandbox.smsFrom);
    assert.doesNotMatch(last.message, /<p>|<br/, 'plain text, not the e-mail’s HTML');
  });
});
