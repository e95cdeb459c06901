// `lc reminders mark-sent ID` and `lc reminders send-again ID` against a sandbox process, on reminders put in
// Needs a Check the real way: a SendGrid hand-over whose sender was killed before recording it (SendGrid cannot be
// asked afterwards), and an SMS whose rerun came after ACS's repeat window.
//
// How this goes wrong for a user, and the test for each:
// - Nobody can find the id: `lc reminders status` lists Needs a Check with each id, its reason and both verbs.
// - A script with no terminal and no --yes changes or sends something: exit 11, the row as it was, no message.
// - A send-again repeated (a retry after the first one landed, or pressed twice) sends a third copy: the second
//   is refused (14) naming what the reminder is now, and nothing more leaves; a later `lc reminders send` neither.
// - A mark-sent repeated after the first one landed fails a script: it changes nothing and exits 0.
// - Two actors at once: the editor marks it sent while send-again's question is open (needsCheckTerminal).
// - The process dies between approving it again and sending it: the reminder is neither lost nor sent twice;
//   send-again refuses (it is no longer waiting), the next `lc reminders send` sends it once.
// - The profile cannot send through the reminder's channel (its secret unset): refused before the question,
//   and nothing is approved, so no later run sends what nobody confirmed on a working channel.
// - A reminder elsewhere in its life (approved, a draft): refused (14) saying what it is, nothing changed.
// - The second copy's answer is lost too: it goes back to Needs a Check (exit 13), never retried on its own.
// - A hostile or mistyped id (an OData filter, a path, not a GUID) reaches no request: exit 10; an unknown GUID 13 (not found), as `lc reminders channel` says it.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { MESSAGE_STATUS } from '../../../src/core/practice';
import { jsonError } from '../cli/lcProcess';
import {
  cliChannelWorld,
  dueOnly,
  mailFor,
  M,
  messageRow,
  needsCheckBySendGrid,
  needsCheckBySms,
  sandboxCall,
  SENDGRID,
  smsFor,
  statusOf,
  updateRow,
} from '../sms/cliSmsWorld';
import type { SendDocument } from './sendingWorld';

interface Listed {
  id: string;
  status: string;
  lastError: string | null;
}

describe('lc reminders mark-sent and send-again on a reminder in Needs a Check', function () {
  this.timeout(120_000);
  const world = cliChannelWorld({ seed: 'cli-needs-check', clients: 16 });

  const markSent = (id: string, flags = ['--json', '--yes'], env: Record<string, string> = SENDGRID) =>
    world.lc([...flags, 'reminders', 'mark-sent', id], { env });
  const sendAgain = (id: string, flags = ['--json', '--yes'], env: Record<string, string> = SENDGRID) =>
    world.lc([...flags, 'reminders', 'send-again', id], { env });

  it('lc reminders status lists it under Needs a Check, with its id, what to check and both verbs', async () => {
    const id = await needsCheckBySendGrid(world);
    const json = await world.lc(['--json', 'reminders', 'status']);
    assert.equal(json.code, 0, json.stderr + json.stdout);
    const status = JSON.parse(json.stdout) as { counts: Record<string, number>; groups: Record<string, Listed[]> };
    assert.equal(status.counts.needsCheck, 1);
    const [listed] = status.groups.needsCheck ?? [];
    assert.equal(listed?.id.toLowerCase(), id.toLowerCase());
    assert.equal(listed?.status, 'needsCheck');
    assert.match(listed?.lastError ?? '', /SendGrid.*Check whether .+ got it/s);

    const human = await world.lc(['reminders', 'status']);
    assert.equal(human.code, 0, human.stderr);
    const group = /^Needs a Check \(1\)\n((?: {2}.*\n)*)/m.exec(human.stdout);
    assert.ok(group, human.stdout);
    assert.match(group[1] ?? '', /Check whether .+ got it/);
    assert.ok(group[1]?.includes(`lc reminders mark-sent ${listed?.id}`), group[1]);
    assert.ok(group[1]?.includes(`lc reminders send-again ${listed?.id}`), group[1]);
  });

  it('mark-sent records it sent and sends nothing; repeated, it changes nothing and exits 0', async () => {
    const id = await needsCheckBySendGrid(world);
    const run = await markSent(id);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const doc = JSON.parse(run.stdout) as { id: string; changed: boolean; status: string; sentTime: string };
    assert.deepEqual([doc.id.toLowerCase(), doc.changed, doc.status], [id.toLowerCase(), true, 'sent']);
    const row = await messageRow(world.rows, id);
    assert.equal(statusOf(row), 'sent');
    assert.equal(Date.parse(String(row[M.columns.sentTime])), Date.parse(doc.sentTime));
    assert.equal(row[M.columns.lastError] ?? null, null, 'the reason to check is gone');

    // A retry after the first one landed, even from a script without --yes: nothing to do, nothing asked.
    const again = await markSent(id, ['--json']);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal((JSON.parse(again.stdout) as { changed: boolean }).changed, false);
    assert.equal((await mailFor(world, id)).length, 1, 'nothing was sent');
  });

  it('send-again sends a second copy through SendGrid at once and records it; a second send-again sends nothing', async () => {
    const id = await needsCheckBySendGrid(world);
    const [first] = await mailFor(world, id);
    const run = await sendAgain(id);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const before = await messageRow(world.rows, id);
    const doc = JSON.parse(run.stdout) as { outcome: string; channel: string; recipient: string; status: string };
    assert.deepEqual(
      { outcome: doc.outcome, channel: doc.channel, recipient: doc.recipient, status: doc.status },
      { outcome: 'sent', channel: 'sendgrid', recipient: before[M.columns.email], status: 'sent' },
    );
    const copies = await mailFor(world, id);
    assert.equal(copies.length, 2, 'a second copy went to SendGrid');
    assert.notEqual(copies[1]?.messageId, first?.messageId);
    assert.equal(statusOf(before), 'sent');
    assert.equal(before[M.columns.graphMessageId], copies[1]?.messageId, 'recorded with the second copy’s id');

    const twice = await sendAgain(id);
    assert.equal(twice.code, 14, twice.stderr + twice.stdout);
    const error = jsonError(twice);
    assert.equal(error.class, 'conflict');
    assert.match(error.message, /is sent, not waiting in Needs a Check/);
    const later = await world.lc(['--json', '--yes', 'reminders', 'send'], { env: SENDGRID });
    assert.equal((JSON.parse(later.stdout) as SendDocument).total, 0);
    assert.equal((await mailFor(world, id)).length, 2, 'no third copy');
  });

  it('with no terminal and no --yes, neither verb does anything (exit 11)', async () => {
    const id = await needsCheckBySendGrid(world);
    for (const run of [await markSent(id, ['--json']), await sendAgain(id, ['--json'])]) {
      assert.equal(run.code, 11, run.stderr + run.stdout);
      assert.equal(jsonError(run).class, 'policy');
    }
    assert.equal(statusOf(await messageRow(world.rows, id)), 'needsCheck');
    assert.equal((await mailFor(world, id)).length, 1);
  });

  it('a send-again killed after approving it again leaves it to the next send, which sends it once', async () => {
    const id = await needsCheckBySendGrid(world);
    const killed = await sendAgain(id, ['--json', '--yes'], { ...SENDGRID, LC_TEST_CRASH_AT: 'afterClaim' });
    assert.equal(killed.code, 86, killed.stderr + killed.stdout);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'sending');

    const retried = await sendAgain(id);
    assert.equal(retried.code, 14, retried.stderr + retried.stdout);
    assert.match(jsonError(retried).message, /is being sent, not waiting in Needs a Check/);
    const send = await world.lc(['--json', '--yes', 'reminders', 'send'], { env: SENDGRID });
    assert.equal(send.code, 0, send.stderr + send.stdout);
    assert.deepEqual(
      (JSON.parse(send.stdout) as SendDocument).items.map((i) => [i.reminderId.toLowerCase(), i.outcome]),
      [[id.toLowerCase(), 'sent']],
    );
    assert.equal((await mailFor(world, id)).length, 2, 'the first copy and exactly one more');
  });

  it('a send-again whose answer SendGrid loses again leaves it in Needs a Check again (exit 13), saying so', async () => {
    const id = await needsCheckBySendGrid(world);
    await sandboxCall(world.sandbox.info, 'POST', '/faults', { spec: 'sendgrid:lostAnswer:1:0:1' });
    try {
      const run = await sendAgain(id);
      assert.equal(run.code, 13, run.stderr + run.stdout);
      assert.match(jsonError(run).message, /approved again but not sent: .*It is now waiting for a check/s);
    } finally {
      await sandboxCall(world.sandbox.info, 'POST', '/faults', { action: 'clear' });
    }
    assert.equal(statusOf(await messageRow(world.rows, id)), 'needsCheck');
    assert.equal((await mailFor(world, id)).length, 2, 'SendGrid took the second copy; nothing more left');
  });

  it('send-again on a profile whose mail channel is not set up is refused before anything changes (exit 10)', async () => {
    const id = await needsCheckBySendGrid(world);
    const run = await sendAgain(id, ['--json', '--yes'], { ...SENDGRID, LC_SENDGRID_API_KEY: '' });
    assert.equal(run.code, 10, run.stderr + run.stdout);
    assert.match(jsonError(run).message, /SendGrid mail is not set up for profile "sandbox".*LC_SENDGRID_API_KEY/);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'needsCheck', 'not approved for a later run');
    assert.equal((await mailFor(world, id)).length, 1);
  });

  it('refuses a reminder that does not wait for a check (exit 14), saying what it is', async () => {
    const [approved] = await dueOnly(world.sandbox, world.rows, 1, 'email');
    const id = String(approved?.[M.primaryId]);
    for (const run of [await markSent(id), await sendAgain(id)]) {
      assert.equal(run.code, 14, run.stderr + run.stdout);
      assert.match(jsonError(run).message, /is approved, and leaves with the next `lc reminders send`/);
    }
    await updateRow(world.rows, M.entitySet, id, { [M.columns.status]: MESSAGE_STATUS.draft });
    const draft = await sendAgain(id);
    assert.equal(draft.code, 14, draft.stderr + draft.stdout);
    assert.match(jsonError(draft).message, /is a draft, not waiting in Needs a Check/);
    assert.equal(statusOf(await messageRow(world.rows, id)), 'draft');
    assert.equal((await mailFor(world, id)).length, 0);
  });

  it('a hostile or mistyped id reaches no request (exit 10); an unknown one is not found (13)', async () => {
    for (const id of [`x' or 1 eq 1 or 'a' eq 'a`, '../../WhoAmI', '12345', ' ']) {
      for (const run of [await markSent(id), await sendAgain(id)]) {
        assert.equal(run.code, 10, `${id}: ${run.stderr}${run.stdout}`);
        assert.match(jsonError(run).message, /expected a reminder id/);
      }
    }
    const unknown = randomUUID();
    for (const run of [await markSent(unknown), await sendAgain(unknown)]) {
      assert.equal(run.code, 13, run.stderr + run.stdout);
      assert.equal(jsonError(run).class, 'notFound');
      assert.match(jsonError(run).message, new RegExp(`No reminder ${unknown} in profile sandbox`));
    }
  });

  it('send-again of an SMS left after ACS’s repeat window texts it again, under a new repeatability id', async () => {
    const id = await needsCheckBySms(world);
    const [first] = await smsFor(world.sandbox, id);
    // The row says the first hand-over was ten minutes ago, but ACS took it moments ago; a repeatability id
    // comes from the reminder and the whole second of its first attempt, so a send-again in that same second
    // would be a repeat to ACS (a clean-clone run was that fast). A practitioner's send-again comes minutes
    // later: wait until the clock has left the first hand-over's second, as it would have.
    await clockPast(first?.repeatabilityFirstSent);
    const run = await sendAgain(id, ['--json', '--yes'], {});
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const doc = JSON.parse(run.stdout) as { outcome: string; channel: string; recipient: string };
    const row = await messageRow(world.rows, id);
    assert.deepEqual([doc.outcome, doc.channel, doc.recipient], ['sent', 'acsSms', row[M.columns.phone]]);
    const texts = await smsFor(world.sandbox, id);
    assert.equal(texts.length, 2, 'ACS sent a second SMS, not dropped as a repeat');
    assert.notEqual(texts[1]?.repeatabilityRequestId, first?.repeatabilityRequestId);
    assert.equal(statusOf(row), 'sent');
    assert.equal(row[M.columns.graphMessageId], texts[1]?.messageId);
  });
});

/** Resolves once the clock reads a later whole second than `instant`: a wait on the clock, not a fixed sleep. */
async function clockPast(instant: string | undefined): Promise<void> {
  const second = Math.floor(Date.parse(instant ?? '') / 1000);
  assert.ok(Number.isFinite(second), `the first SMS carried repeatabilityFirstSent (${instant})`);
  while (Math.floor(Date.now() / 1000) <= second) await new Promise((resolve) => setTimeout(resolve, 20));
}
