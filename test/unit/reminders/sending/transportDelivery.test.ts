// The sender over channels other than Graph (SMS through ACS, SMTP, SendGrid), with fake services that
// behave as the real ones do after a crash: ACS drops a repeat of the same message inside its window, and
// refuses one after it; SMTP and SendGrid deliver every hand-over they get. Each reminder must reach its
// client once, or wait in needsCheck for a person when the service cannot tell.
import { strict as assert } from 'node:assert';
import { HandOverUncertainError, RepeatWindowClosedError, type Transports } from '../../../../src/core/channels';
import type { DataverseClient } from '../../../../src/core/dataverse';
import { TransientError, ValidationError } from '../../../../src/core/errors';
import { silentLogger } from '../../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../../src/core/practice';
import {
  PACING_WINDOW_MS,
  planDueReminders,
  SenderCrashedError,
  sendDueReminders,
  type CrashPoint,
  type SenderDeps,
} from '../../../../src/core/reminders';
import { FakeClock } from '../../../builders/fakeClock';
import { fakeGraph } from '../../../builders/fakeGraph';
import { DueRowsDataverse, FakeTransport } from '../../../builders/fakeTransport';

const t = DEFAULT_TABLES.scheduledMessage;
const c = t.columns;
const MAILBOX = 'dr.morgan@contoso.test';
const SMS_FROM = '+18005550100';
const LEASE_MS = 60_000;
const ids = Array.from({ length: 6 }, (_, i) => `5a7c9e10-2b4d-4f6a-8c1e-3d5f7a9b1c0${i}`);
const ONE = ids[0] as string;

type Channel = 'sms' | 'email' | 'telegram';

function world(options: { channel?: Channel; mailChannel?: 'graph' | 'smtp' | 'sendgrid'; count?: number } = {}) {
  const clock = new FakeClock();
  const dataverse = new DueRowsDataverse(clock);
  const channel = options.channel ?? 'sms';
  for (const id of ids.slice(0, options.count ?? 1)) {
    dataverse.seed(t.entitySet, {
      [t.primaryId]: id,
      [c.status]: MESSAGE_STATUS.approved,
      [c.kind]: MESSAGE_KIND.reminder,
      [c.channel]: MESSAGE_CHANNEL[channel],
      [c.email]: 'ana@example.test',
      [c.phone]: '+15555550123',
      [c.clientName]: 'Ana Lima',
      [c.subject]: channel === 'sms' ? '' : 'Your session tomorrow',
      [c.text]: 'See you tomorrow at 10:00. Reply to reschedule.',
      [c.scheduledTime]: new Date(clock.now() - 60_000).toISOString(),
      [c.attempts]: 0,
    });
  }
  const graph = fakeGraph(() => ({ status: 500, body: { error: { code: 'Unexpected', message: 'not Graph' } } }));
  const acs = new FakeTransport({ id: 'acsSms', clock });
  const smtp = new FakeTransport({ id: 'smtp', clock });
  const sendgrid = new FakeTransport({ id: 'sendgrid', clock });
  const transports: Transports = { acsSms: acs, smtp, sendgrid };
  let crashAt: CrashPoint | undefined;
  const deps: SenderDeps = {
    dataverse: dataverse as unknown as DataverseClient,
    graph: graph.client,
    tables: DEFAULT_TABLES,
    clock,
    log: silentLogger,
    profile: {
      name: 'practice',
      mailbox: MAILBOX,
      sendToSelf: false,
      mailChannel: options.mailChannel ?? 'smtp',
      smsFrom: SMS_FROM,
    },
    settings: { perMinute: 30, concurrency: 4, maxAttempts: 5, claimLeaseMs: LEASE_MS },
    audit: { record: () => undefined },
    transports,
    crashAt: (point) => {
      if (point === crashAt) throw new Error(`crash at ${point}`);
    },
  };
  const row = (id = ONE) => dataverse.row(t.entitySet, id) as Record<string, unknown>;
  const logRows = () => dataverse.rows(DEFAULT_TABLES.messageLog.entitySet);
  return {
    clock,
    dataverse,
    graph,
    acs,
    smtp,
    sendgrid,
    deps,
    row,
    logRows,
    crashNextRunAt: (point: CrashPoint | undefined) => (crashAt = point),
  };
}

/** Lets every continuation that is ready run. */
async function settleDown(): Promise<void> {
  for (let round = 0; round < 100; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const TRANSPORT_POINTS: CrashPoint[] = ['afterClaim', 'afterRecordId', 'afterSend', 'afterRecordSent'];

describe('sendDueReminders over other channels (fake services)', () => {
  describe('dispatch', () => {
    it('sends an SMS reminder through the SMS channel from the profile’s number, recording the service’s id', async () => {
      const w = world();
      const report = await sendDueReminders(w.deps);
      assert.equal(report.sent, 1, JSON.stringify(report.items));
      assert.equal(w.acs.delivered.length, 1);
      const [message] = w.acs.delivered;
      assert.equal(message?.to.address, '+15555550123');
      assert.equal(message?.from, SMS_FROM);
      assert.equal(message?.subject, '');
      assert.equal(message?.body, 'See you tomorrow at 10:00. Reply to reschedule.');
      assert.equal(w.graph.requests.length, 0, 'nothing went to Graph');
      const row = w.row();
      assert.equal(row[c.status], MESSAGE_STATUS.sent);
      assert.equal(row[c.graphMessageId], 'acsSms-message-1');
      assert.equal(row[c.sendClaim], null);
      assert.ok(typeof row[c.firstAttempt] === 'string', 'the first attempt was recorded');
      assert.equal(w.logRows().length, 1, 'one message-log row');
      assert.equal(w.logRows()[0]?.[DEFAULT_TABLES.messageLog.columns.graphMessageId], 'acsSms-message-1');
    });

    it('writes the first attempt on the row before the hand-over begins', async () => {
      const w = world();
      let recordedBefore: unknown;
      w.acs.script.push({ during: () => (recordedBefore = w.row()[c.firstAttempt]) });
      await sendDueReminders(w.deps);
      assert.equal(recordedBefore, new Date(w.acs.handOvers[0]?.firstAttemptAt ?? 0).toISOString());
    });

    it('sends e-mail through the profile’s mail channel (SMTP, SendGrid) and not through Graph', async () => {
      for (const mailChannel of ['smtp', 'sendgrid'] as const) {
        const w = world({ channel: 'email', mailChannel });
        const report = await sendDueReminders(w.deps);
        assert.equal(report.sent, 1, JSON.stringify(report.items));
        assert.equal(w[mailChannel].delivered.length, 1);
        assert.equal(w[mailChannel].delivered[0]?.to.address, 'ana@example.test');
        assert.equal(w[mailChannel].delivered[0]?.to.name, 'Ana Lima');
        assert.equal(w[mailChannel].delivered[0]?.from, MAILBOX);
        assert.equal(w[mailChannel].delivered[0]?.subject, 'Your session tomorrow');
        assert.equal(w.graph.requests.length, 0);
      }
    });

    it('gives every attempt of a reminder the same stable id, different from another reminder’s', async () => {
      const w = world({ count: 2 });
      await sendDueReminders(w.deps);
      const [a, b] = w.acs.delivered;
      assert.match(a?.stableId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.notEqual(a?.stableId, b?.stableId);
    });

    it('skips a reminder whose channel is not set up, naming how to set it up, and leaves it approved', async () => {
      const w = world();
      w.deps.transports = {};
      const report = await sendDueReminders(w.deps);
      assert.equal(report.skipped, 1);
      assert.match(report.items[0]?.error ?? '', /LC_ACS_CONNECTION_STRING/);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.approved);
      assert.equal(w.row()[c.sendClaim], undefined, 'never claimed');
    });

    it('skips a Telegram reminder as not supported', async () => {
      const w = world({ channel: 'telegram' });
      const report = await sendDueReminders(w.deps);
      assert.equal(report.skipped, 1);
      assert.match(report.items[0]?.error ?? '', /not supported/);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.approved);
    });

    it('skips an SMS when the profile has no number to send from, saying which setting', async () => {
      const w = world();
      w.deps.profile = { ...w.deps.profile, smsFrom: undefined };
      const report = await sendDueReminders(w.deps);
      assert.equal(report.skipped, 1);
      assert.match(report.items[0]?.error ?? '', /LC_SMS_FROM/);
      assert.equal(w.acs.handOvers.length, 0);
    });

    it('fails an SMS reminder without a phone number at once, naming why', async () => {
      const w = world();
      await w.dataverse.update(t.entitySet, ONE, { [c.phone]: null });
      const report = await sendDueReminders(w.deps);
      assert.equal(report.failed, 1);
      assert.match(String(w.row()[c.lastError]), /no phone number/);
      assert.equal(w.acs.handOvers.length, 0);
    });

    it('in send-to-me mode sends an SMS to the practitioner’s own phone, naming the client', async () => {
      const w = world();
      w.deps.profile = { ...w.deps.profile, sendToSelf: true, selfPhone: '+15555550999' };
      await sendDueReminders(w.deps);
      assert.equal(w.acs.delivered[0]?.to.address, '+15555550999');
      assert.match(w.acs.delivered[0]?.body ?? '', /Test, for Ana Lima/);
    });

    it('in send-to-me mode without the practitioner’s phone skips the SMS, saying which setting', async () => {
      const w = world();
      w.deps.profile = { ...w.deps.profile, sendToSelf: true };
      const report = await sendDueReminders(w.deps);
      assert.equal(report.skipped, 1);
      assert.match(report.items[0]?.error ?? '', /LC_SELF_PHONE/);
      assert.equal(w.acs.handOvers.length, 0);
    });

    it('the dry run names each message’s channel', async () => {
      const w = world({ count: 2 });
      await w.dataverse.update(t.entitySet, ids[1] as string, { [c.channel]: MESSAGE_CHANNEL.email });
      const planned = await planDueReminders(w.deps);
      assert.deepEqual(planned.map((m) => m.channel).sort(), ['acsSms', 'smtp']);
      assert.equal(planned.find((m) => m.channel === 'acsSms')?.recipient, '+15555550123');
      w.deps.profile = { ...w.deps.profile, mailChannel: 'graph' };
      const onGraph = await planDueReminders(w.deps);
      assert.deepEqual(onGraph.map((m) => m.channel).sort(), ['acsSms', 'graph']);
    });
  });

  describe('a crash, then a second run', () => {
    for (const point of TRANSPORT_POINTS) {
      it(`SMS: a crash at ${point}, then a rerun inside the window, hands the message over exactly once`, async () => {
        const w = world();
        w.crashNextRunAt(point);
        await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
        w.crashNextRunAt(undefined);
        w.clock.advance(LEASE_MS + 1_000);
        const report = await sendDueReminders(w.deps);
        assert.equal(w.acs.delivered.length, 1, `delivered ${w.acs.delivered.length} times`);
        assert.equal(w.row()[c.status], MESSAGE_STATUS.sent, JSON.stringify(report.items));
        assert.equal(w.row()[c.graphMessageId], 'acsSms-message-1');
        assert.equal(w.logRows().length, 1, 'one message-log row');
        const attempts = new Set(w.acs.handOvers.map((m) => `${m.stableId}|${m.firstAttemptAt.toISOString()}`));
        assert.equal(attempts.size, 1, 'every hand-over carried the same stable id and first attempt');
      });
    }

    for (const point of TRANSPORT_POINTS) {
      it(`SMTP: a crash at ${point}, then a rerun, never hands it over twice; an unknown outcome waits for a check`, async () => {
        const w = world({ channel: 'email', mailChannel: 'smtp' });
        w.crashNextRunAt(point);
        await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
        const handedBefore = w.smtp.handOvers.length;
        w.crashNextRunAt(undefined);
        w.clock.advance(LEASE_MS + 1_000);
        const report = await sendDueReminders(w.deps);
        assert.ok(w.smtp.delivered.length <= 1, `delivered ${w.smtp.delivered.length} times`);
        const row = w.row();
        if (point === 'afterClaim' || point === 'afterRecordSent') {
          assert.equal(row[c.status], MESSAGE_STATUS.sent, JSON.stringify(report.items));
          assert.equal(w.smtp.delivered.length, 1);
        } else {
          assert.equal(w.smtp.handOvers.length, handedBefore, 'not handed over again');
          assert.equal(row[c.status], MESSAGE_STATUS.needsCheck);
          assert.match(String(row[c.lastError]), /SMTP mail.*check whether Ana Lima got it/i);
          assert.equal(row[c.sendClaim], null);
          assert.equal(report.items[0]?.outcome, 'skipped');
        }
      });
    }

    it('SMS: a rerun after the window has closed never hands the message over again', async () => {
      const w = world();
      w.crashNextRunAt('afterSend');
      await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
      w.crashNextRunAt(undefined);
      w.clock.advance(10 * 60_000);
      await sendDueReminders(w.deps);
      assert.equal(w.acs.handOvers.length, 1, 'handed over once, before the crash');
      assert.equal(w.row()[c.status], MESSAGE_STATUS.needsCheck);
      assert.match(String(w.row()[c.lastError]), /SMS.*check whether Ana Lima got it/i);
    });

    it('SMS: a rerun just before the window closes does not risk a repeat the service would no longer drop', async () => {
      const w = world();
      w.crashNextRunAt('afterSend');
      await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
      w.crashNextRunAt(undefined);
      w.clock.advance(5 * 60_000 - 5_000);
      await sendDueReminders(w.deps);
      assert.equal(w.acs.handOvers.length, 1);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.needsCheck);
    });

    it('SMS: after the window, a delivery report recorded on the row makes the rerun record it sent', async () => {
      const w = world();
      w.crashNextRunAt('afterSend');
      await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
      w.crashNextRunAt(undefined);
      await w.dataverse.update(t.entitySet, ONE, { [c.deliveryStatus]: 'Delivered 2026-01-05T09:01:00Z' });
      w.clock.advance(10 * 60_000);
      await sendDueReminders(w.deps);
      assert.equal(w.acs.handOvers.length, 1);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.sent);
      assert.equal(w.logRows().length, 1);
    });

    it('SMS: a repeat the service refuses as too old ends in needsCheck, or sent when a report came meanwhile', async () => {
      for (const reported of [false, true]) {
        const w = world();
        w.crashNextRunAt('afterSend');
        await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
        w.crashNextRunAt(undefined);
        w.clock.advance(LEASE_MS + 1_000);
        const refusal = new RepeatWindowClosedError('acsSms', new Date(w.clock.now()));
        w.acs.script.push({
          during: () => {
            if (reported) void w.dataverse.update(t.entitySet, ONE, { [c.deliveryStatus]: 'Delivered' });
            throw refusal;
          },
        });
        await sendDueReminders(w.deps);
        assert.equal(w.acs.delivered.length, 1);
        assert.equal(w.row()[c.status], reported ? MESSAGE_STATUS.sent : MESSAGE_STATUS.needsCheck);
      }
    });

    it('a row left in sending that another sender still holds is not touched', async () => {
      const w = world();
      w.crashNextRunAt('afterRecordId');
      await assert.rejects(sendDueReminders(w.deps), SenderCrashedError);
      w.crashNextRunAt(undefined);
      const report = await sendDueReminders(w.deps);
      assert.equal(report.skipped, 1);
      assert.equal(w.acs.handOvers.length, 0);
    });
  });

  describe('two actors and the services’ answers', () => {
    it('two senders at once hand each reminder over once', async () => {
      for (const channel of ['sms', 'email'] as const) {
        const w = world({ channel, count: 4 });
        const [a, b] = await Promise.all([sendDueReminders(w.deps), sendDueReminders(w.deps)]);
        const transport = channel === 'sms' ? w.acs : w.smtp;
        assert.equal(transport.handOvers.length, 4, `${channel}: ${transport.handOvers.length} hand-overs`);
        for (const id of ids.slice(0, 4)) assert.equal(transport.deliveredTo(id).length, 1);
        assert.equal((a?.sent ?? 0) + (b?.sent ?? 0), 4);
        assert.equal(w.logRows().length, 4);
      }
    });

    it('an uncertain hand-over over SMTP ends in needsCheck, not a second send', async () => {
      const w = world({ channel: 'email', mailChannel: 'smtp' });
      w.smtp.script.push({ after: new HandOverUncertainError('smtp', 'the connection closed after DATA') });
      const report = await sendDueReminders(w.deps);
      assert.equal(w.smtp.handOvers.length, 1);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.needsCheck);
      assert.match(String(w.row()[c.lastError]), /may or may not|check whether/i);
      assert.equal(report.items[0]?.outcome, 'skipped');
      assert.match(report.items[0]?.error ?? '', /check/i);
    });

    it('an uncertain hand-over of an SMS inside the window is repeated, and the service drops the repeat', async () => {
      const w = world();
      w.acs.script.push({ after: new HandOverUncertainError('acsSms', 'the request timed out') });
      const report = await sendDueReminders(w.deps);
      assert.equal(w.acs.handOvers.length, 2);
      assert.equal(w.acs.delivered.length, 1);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.sent, JSON.stringify(report.items));
    });

    it('a retriable 429 is tried again after its Retry-After, then sent once', async () => {
      const w = world();
      w.acs.script.push({
        before: new TransientError('Too many requests.', { code: 'http.429', detail: { retryAfterMs: 7_000 } }),
      });
      const report = await sendDueReminders(w.deps);
      assert.equal(report.sent, 1, JSON.stringify(report.items));
      assert.ok(w.clock.sleeps.includes(7_000), `waited ${JSON.stringify(w.clock.sleeps)}`);
      assert.equal(w.acs.delivered.length, 1);
      assert.equal(w.row()[c.attempts], 1, 'the throttled try counts');
    });

    it('a refusal that is not retriable lands the reminder in Failed with the service’s message', async () => {
      const w = world();
      w.acs.script.push({ before: new ValidationError('The phone number is not valid.', { code: 'acs.400' }) });
      const report = await sendDueReminders(w.deps);
      assert.equal(report.failed, 1);
      assert.equal(w.row()[c.status], MESSAGE_STATUS.failed);
      assert.match(String(w.row()[c.lastError]), /not valid/);
    });

    it('cancelled mid-run (a profile switch): the send in flight is recorded, the rest let go untouched', async () => {
      const w = world({ count: 3 });
      w.acs.limits.concurrency = 1;
      const controller = new AbortController();
      w.acs.script.push({ during: () => controller.abort() });
      const report = await sendDueReminders(w.deps, { signal: controller.signal });
      assert.equal(w.acs.handOvers.length, 1, 'nothing new handed over after the cancel');
      assert.equal(w.row(ONE)[c.status], MESSAGE_STATUS.sent, 'the message handed over is recorded');
      for (const id of ids.slice(1, 3)) {
        const row = w.row(id);
        assert.equal(row[c.status], MESSAGE_STATUS.approved, 'back to approved for the next run');
        assert.ok(row[c.sendClaim] == null, 'no claim left behind');
        assert.ok(row[c.firstAttempt] == null, 'no first attempt left that would make the next run hold it back');
      }
      assert.deepEqual(
        report.items.map((i) => i.outcome).sort(),
        ['retryLater', 'retryLater', 'sent'],
        JSON.stringify(report.items),
      );
      const next = await sendDueReminders(w.deps);
      assert.equal(next.sent, 2, 'the next run sends the rest');
      assert.equal(w.acs.delivered.length, 3);
    });

    it('paces each channel by its own limits: no more hand-overs in a minute than the service allows', async () => {
      const w = world({ count: 5 });
      const clock = new FakeClock(false);
      w.deps.clock = clock;
      w.acs.limits.perMinute = 2;
      const running = sendDueReminders(w.deps, { now: new Date(clock.now()) });
      await settleDown();
      assert.equal(w.acs.handOvers.length, 2, 'two in the first minute');
      clock.advance(PACING_WINDOW_MS);
      await settleDown();
      assert.equal(w.acs.handOvers.length, 4, 'two more in the next');
      clock.advance(PACING_WINDOW_MS);
      const report = await running;
      assert.equal(report.sent, 5);
    });

    it('records no first attempt for a reminder still waiting for its sender’s window, so a crash then leaves it to send, not to check', async () => {
      const w = world({ channel: 'email', mailChannel: 'sendgrid', count: 3 });
      const clock = new FakeClock(false);
      w.deps.clock = clock;
      w.sendgrid.limits.perMinute = 1;
      const running = sendDueReminders(w.deps, { now: new Date(clock.now()) });
      await settleDown();
      assert.equal(w.sendgrid.handOvers.length, 1, 'one in the first minute');
      const waiting = ids.slice(0, 3).filter((id) => w.row(id)[c.status] !== MESSAGE_STATUS.sent);
      assert.equal(waiting.length, 2);
      for (const id of waiting) {
        assert.ok(w.row(id)[c.firstAttempt] == null, `${id} waits for the window with no first attempt recorded`);
      }
      clock.advance(PACING_WINDOW_MS);
      await settleDown();
      clock.advance(PACING_WINDOW_MS);
      const report = await running;
      assert.equal(report.sent, 3);
      assert.equal(w.sendgrid.delivered.length, 3);
    });

    it('carries more reminders than the channel’s concurrency from claim to recorded, its writes beside the hand-overs', async () => {
      const w = world({ count: 6 });
      w.acs.limits.concurrency = 2;
      let open: () => void = () => undefined;
      w.acs.gate = new Promise<void>((resolve) => (open = resolve));
      const running = sendDueReminders(w.deps);
      await settleDown();
      const claimed = ids.filter((id) => w.row(id)[c.status] === MESSAGE_STATUS.sending).length;
      assert.ok(claimed > 2, `${claimed} claimed while 2 are handed over`);
      assert.equal(w.acs.inFlight, 2);
      open();
      const report = await running;
      assert.equal(report.sent, 6);
      assert.equal(w.acs.maxInFlight, 2);
    });
  });
});
