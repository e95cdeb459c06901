// SMS through the real @azure/communication-sms against the sandbox's ACS: each recipient carries the
// reminder's repeatability id and first-attempt time, so however a send goes wrong (retried, its answer
// lost, repeated too late, signed with the wrong key) a person gets at most one SMS, and the error says
// what happened; the connection string and its key never reach a log.
import { strict as assert } from 'node:assert';
import { HandOverUncertainError, RepeatWindowClosedError } from '../../../src/core/channels';
import { failure } from '../../builders/failure';
import { startSmsWorld, type SmsWorld } from './smsWorld';

describe('SMS through Azure Communication Services (sandbox, real SDK)', function () {
  this.timeout(30_000);
  let w: SmsWorld;
  before(async () => {
    w = await startSmsWorld();
  });
  afterEach(() => w.sandbox.faults.clear());
  after(async () => w?.stop());

  const sentFor = (reminderId: string) => w.sandbox.sentSms().filter((s) => s.tag === reminderId);

  it('sends the SMS with the reminder’s repeatability id, first-attempt time, tag and a delivery report asked for', async () => {
    const message = w.message();
    const handOver = await w.channel.send(message);
    const [sms, ...more] = sentFor(message.reminderId);
    assert.equal(more.length, 0);
    assert.ok(sms);
    assert.equal(handOver.providerMessageId, sms.messageId);
    assert.equal(sms.to, message.to.address);
    assert.equal(sms.message, message.body);
    assert.equal(sms.repeatabilityRequestId, message.stableId);
    assert.equal(sms.repeatabilityFirstSent, message.firstAttemptAt.toUTCString());
    assert.equal(sms.enableDeliveryReport, true);
  });

  it('sends one SMS when a send is retried within the window, answering the first messageId', async () => {
    const message = w.message();
    const first = await w.channel.send(message);
    const again = await w.channel.send(message);
    assert.equal(again.providerMessageId, first.providerMessageId);
    assert.equal(sentFor(message.reminderId).length, 1);
  });

  it('reports a send whose answer was lost as uncertain, and its retry sends no second SMS', async () => {
    const message = w.message();
    w.sandbox.faults.add({ service: 'acs', route: '^POST /sms', kind: 'lostAnswer', rate: 1, limit: 1 });
    const lost = await failure(w.channel.send(message), 'the send whose answer was lost');
    assert.ok(lost instanceof HandOverUncertainError, `${lost.code}: ${lost.message}`);
    assert.equal(lost.retriable, false);
    assert.equal(sentFor(message.reminderId).length, 1, 'ACS acted before the connection was lost');
    const retried = await w.channel.send(message);
    const sent = sentFor(message.reminderId);
    assert.equal(sent.length, 1);
    assert.equal(retried.providerMessageId, sent[0]?.messageId);
  });

  it('refuses a repeat whose first attempt is older than ACS’s window, as RepeatWindowClosedError', async () => {
    const message = w.message({ firstAttemptAt: new Date(Date.now() - 6 * 60_000) });
    const error = await failure(w.channel.send(message), 'a repeat after the window');
    assert.ok(error instanceof RepeatWindowClosedError, `${error.code}: ${error.message}`);
    assert.equal(error.code, 'channels.repeatWindowClosed');
    assert.equal(sentFor(message.reminderId).length, 0);
  });

  it('refuses the repeat of a sent SMS once ACS’s clock has passed its window, without a second SMS', async () => {
    const message = w.message();
    await w.channel.send(message);
    w.advanceAcsClock(5 * 60_000 + 1_000);
    try {
      const error = await failure(w.channel.send(message), 'the late repeat');
      assert.ok(error instanceof RepeatWindowClosedError, `${error.code}: ${error.message}`);
      assert.equal(sentFor(message.reminderId).length, 1);
    } finally {
      w.advanceAcsClock(-(5 * 60_000 + 1_000));
    }
  });

  it('refuses a repeat that differs from the original (same id, another text) and sends nothing more', async () => {
    const message = w.message();
    await w.channel.send(message);
    const error = await failure(w.channel.send({ ...message, body: 'Another text' }), 'a differing repeat');
    assert.equal(error.code, 'channels.acsRecipientRefused');
    assert.equal(error.retriable, false);
    assert.equal(sentFor(message.reminderId).length, 1);
  });

  it('is refused with 401 when signed with another key, and sends nothing', async () => {
    const message = w.message();
    const wrongKey = Buffer.from('not the resource key').toString('base64');
    const endpoint = /endpoint=([^;]+)/.exec(w.sandbox.info.acsConnectionString)?.[1] ?? '';
    const channel = w.channelWith(`endpoint=${endpoint};accesskey=${wrongKey}`);
    const error = await failure(channel.send(message), 'a send with the wrong key');
    assert.equal(error.code, 'channels.acsUnauthorized');
    assert.equal(error.retriable, false);
    assert.equal(sentFor(message.reminderId).length, 0);
  });

  it('is refused with 401 when the signed date is more than 15 minutes from ACS’s time', async () => {
    const message = w.message();
    w.advanceAcsClock(16 * 60_000);
    try {
      const error = await failure(w.channel.send({ ...message, firstAttemptAt: new Date(Date.now() + 16 * 60_000) }));
      assert.equal(error.code, 'channels.acsUnauthorized');
    } finally {
      w.advanceAcsClock(-16 * 60_000);
    }
    assert.equal(sentFor(message.reminderId).length, 0);
  });

  it('says a throttled send was not sent and when to try again', async () => {
    const message = w.message();
    w.sandbox.faults.add({ service: 'acs', route: '^POST /sms', kind: 'throttle', rate: 1, value: 120, limit: 1 });
    const error = await failure(w.channel.send(message), 'a throttled send');
    assert.equal(error.code, 'channels.acsThrottled');
    assert.equal(error.retriable, true);
    assert.equal(error.detail?.['retryAfterMs'], 120_000);
    assert.equal(sentFor(message.reminderId).length, 0);
  });

  it('never writes the connection string or its access key to a log', async () => {
    const accessKey = /accesskey=([^;]+)/.exec(w.sandbox.info.acsConnectionString)?.[1] ?? '';
    assert.ok(accessKey.length > 20);
    const log = w.hub.logger('error');
    const wrong = w.channelWith(
      w.sandbox.info.acsConnectionString.replace(accessKey, Buffer.from('x'.repeat(32)).toString('base64')),
    );
    for (const attempt of [
      () => w.channel.send(w.message()),
      () => wrong.send(w.message()),
      () => {
        w.sandbox.faults.add({ service: 'acs', route: '^POST /sms', kind: 'lostAnswer', rate: 1, limit: 1 });
        return w.channel.send(w.message());
      },
    ]) {
      await attempt().catch((error: unknown) => log.error('sms send failed', { error }));
    }
    assert.ok(w.records.length > 0, 'the layer logged the requests');
    const written = JSON.stringify(w.records, (_key, value: unknown) =>
      value instanceof Error ? { message: value.message, stack: value.stack, cause: String(value.cause) } : value,
    );
    assert.ok(!written.includes(accessKey), 'the access key is in a log record');
    assert.ok(!written.includes(w.sandbox.info.acsConnectionString), 'the connection string is in a log record');
  });
});
