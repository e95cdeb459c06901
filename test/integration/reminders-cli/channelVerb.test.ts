// `lc reminders channel ID email|sms` against the sandbox as a script runs it (INTERFACES.md §3): one JSON
// document, the row rewritten for the other medium from the shipped templates with the client's phone, asked
// again changes nothing; no terminal and no --yes is exit 11 with nothing changed; a bad id 10, an unknown one
// 13 (not found), a reminder already sent 14 (conflict), a client with no phone 10, each with the error document.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import { jsonError } from '../cli/lcProcess';
import { cliChannelWorld, M, messageRow, queryRows, updateRow } from '../sms/cliSmsWorld';

const E164 = /^\+[1-9]\d{6,14}$/;

describe('lc reminders channel ID email|sms', function () {
  this.timeout(120_000);
  const world = cliChannelWorld({ seed: 'cli-channel', clients: 8, timeScale: 1 });

  /** An upcoming e-mail reminder still a draft, for a session ahead. */
  async function emailDraft(): Promise<Record<string, unknown>> {
    const c = M.columns;
    const [row] = await queryRows(
      world.rows,
      M.entitySet,
      `${c.channel} eq ${MESSAGE_CHANNEL.email} and ${c.status} eq ${MESSAGE_STATUS.draft} and ${c.kind} eq ${MESSAGE_KIND.reminder} and ${c.scheduledTime} gt ${new Date().toISOString()}`,
    );
    assert.ok(row, 'the seed has an upcoming e-mail draft');
    return row;
  }

  function channel(id: string, to: string, flags: string[] = ['--json', '--yes']) {
    return world.lc([...flags, 'reminders', 'channel', id, to]);
  }

  it('moves a draft to SMS and back, printing one JSON document; asked again it changes nothing', async () => {
    const id = String((await emailDraft())[M.primaryId]);
    const toSms = await channel(id, 'sms');
    assert.equal(toSms.code, 0, toSms.stderr + toSms.stdout);
    assert.deepEqual(JSON.parse(toSms.stdout), { id, channel: 'sms', changed: true, status: 'draft', subject: '' });
    const row = await messageRow(world.rows, id);
    assert.equal(row[M.columns.channel], MESSAGE_CHANNEL.sms);
    assert.match(String(row[M.columns.phone]), E164, 'the client’s phone, as ACS takes it');
    assert.doesNotMatch(String(row[M.columns.text]), /<p>/, 'rendered from the SMS template: plain text');

    const again = await channel(id, 'sms');
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((JSON.parse(again.stdout) as { changed: boolean }).changed, false);

    const back = await channel(id, 'email');
    assert.equal(back.code, 0, back.stderr + back.stdout);
    const doc = JSON.parse(back.stdout) as { channel: string; changed: boolean; subject: string };
    assert.equal(doc.channel, 'email');
    assert.equal(doc.changed, true);
    assert.notEqual(doc.subject, '', 'an e-mail has a subject again');
  });

  it('without a terminal and without --yes exits 11 and changes nothing', async () => {
    const id = String((await emailDraft())[M.primaryId]);
    const run = await channel(id, 'sms', ['--json']);
    assert.equal(run.code, 11, run.stderr + run.stdout);
    assert.equal(jsonError(run).class, 'policy');
    assert.equal((await messageRow(world.rows, id))[M.columns.channel], MESSAGE_CHANNEL.email);
  });

  it('refuses a malformed id (10), an unknown one (13) and a medium it does not know (10)', async () => {
    const malformed = await channel('not-a-guid', 'sms');
    assert.equal(malformed.code, 10, malformed.stderr + malformed.stdout);
    assert.equal(jsonError(malformed).class, 'validation');
    const unknown = await channel(randomUUID(), 'sms');
    assert.equal(unknown.code, 13, unknown.stderr + unknown.stdout);
    assert.equal(jsonError(unknown).class, 'notFound');
    const id = String((await emailDraft())[M.primaryId]);
    const fax = await channel(id, 'fax');
    assert.equal(fax.code, 10, fax.stderr + fax.stdout);
  });

  it('refuses a reminder already sent with exit 14, naming its state', async () => {
    const c = M.columns;
    const [sent] = await queryRows(
      world.rows,
      M.entitySet,
      `${c.status} eq ${MESSAGE_STATUS.sent} and ${c.kind} eq ${MESSAGE_KIND.reminder}`,
    );
    assert.ok(sent, 'the seed has a sent reminder');
    const id = String(sent[M.primaryId]);
    const run = await channel(id, sent[c.channel] === MESSAGE_CHANNEL.sms ? 'email' : 'sms');
    assert.equal(run.code, 14, run.stderr + run.stdout);
    const error = jsonError(run);
    assert.equal(error.class, 'conflict');
    assert.match(error.message, /is sent, so it cannot be moved to another channel/);
    assert.equal((await messageRow(world.rows, id))[c.channel], sent[c.channel], 'unchanged');
  });

  it('refuses SMS for a client with no phone (10), saying what to add', async () => {
    const draft = await emailDraft();
    const id = String(draft[M.primaryId]);
    const clientId = String(draft[`_${M.columns.contact}_value`]);
    await updateRow(world.rows, DEFAULT_TABLES.client.entitySet, clientId, {
      [DEFAULT_TABLES.client.columns.phone]: null,
    });
    const run = await channel(id, 'sms');
    assert.equal(run.code, 10, run.stderr + run.stdout);
    const error = jsonError(run);
    assert.equal(error.code, 'reminders.noPhone');
    assert.match(error.message, /has no phone number/);
    assert.equal((await messageRow(world.rows, id))[M.columns.channel], MESSAGE_CHANNEL.email);
  });
});
