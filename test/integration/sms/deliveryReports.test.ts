// ACS's delivery reports reach the reminder: the sandbox's ACS subscribes the webhook receiver's /acs
// route through Event Grid's validation handshake, sends an SMS through the real SDK, and its
// SMSDeliveryReportReceived event is stored, verified by the URL's key and applied to the reminder row,
// found by its tag (the reminder id) when no messageId was recorded yet; a wrong key is refused.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAcsSmsChannel } from '../../../src/core/channels';
import { systemClock } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import {
  acsDeliveryReportHandler,
  acsWebhookKey,
  newPayloadKey,
  payloadKeyFrom,
  startWebhookService,
  type RunningWebhookService,
} from '../../../src/core/webhooks';
import { startSessionsHarness, type SessionsHarness } from '../sessions/harness';

const M = DEFAULT_TABLES.scheduledMessage;

describe('SMS delivery reports through Event Grid to the receiver (sandbox, real SDK)', function () {
  this.timeout(60_000);
  let h: SessionsHarness;
  let service: RunningWebhookService;
  let dir: string;
  let key: string;
  before(async () => {
    h = await startSessionsHarness({ seed: 'sms-reports', timeScale: 100 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-acs-reports-'));
    key = acsWebhookKey(h.sandbox.info.acsConnectionString);
    service = await startWebhookService({
      inboxDirectory: dir,
      payloadKey: payloadKeyFrom(newPayloadKey()),
      secrets: { stripe: [], acs: key },
      port: 0,
      handlers: {
        acs: acsDeliveryReportHandler({
          dataverse: h.dv,
          tables: DEFAULT_TABLES,
          clock: systemClock,
          log: silentLogger,
        }),
      },
      http: h.clients.http,
      clock: systemClock,
      log: silentLogger,
    });
  });
  after(async () => {
    await service?.close();
    await h?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a subscription whose URL lacks the key, then records the delivery of a sent SMS on its reminder', async () => {
    const refused = await h.sandbox.subscribeSmsDeliveryReports(`${service.routes.acs}?key=wrong`);
    assert.equal(refused.ok, false, 'Event Grid’s handshake fails without the key');
    const subscribed = await h.sandbox.subscribeSmsDeliveryReports(`${service.routes.acs}?key=${key}`, 2_000);
    assert.deepEqual(subscribed, { ok: true });

    const [reminder] = await h.dv.list(M.entitySet, { select: [M.primaryId], top: 1 });
    const reminderId = String(reminder?.[M.primaryId]);
    const channel = createAcsSmsChannel({
      http: h.clients.http,
      connectionString: h.sandbox.info.acsConnectionString,
      clock: systemClock,
      log: silentLogger,
    });
    const handOver = await channel.send({
      reminderId,
      to: { address: '+491701234567' },
      subject: '',
      body: 'See you tomorrow at 10:00.',
      stableId: '6f1c1c2e-6a53-4c0e-9d38-3c7c7b0f0a11',
      firstAttemptAt: new Date(),
      from: h.sandbox.info.smsFrom,
    });
    await h.sandbox.smsReportsSettled();
    for (let i = 0; i < 100; i++) {
      const row = (await h.dv.get(M.entitySet, reminderId)).row;
      if (typeof row[M.columns.deliveryStatus] === 'string') {
        assert.match(String(row[M.columns.deliveryStatus]), /^Delivered \d{4}-\d{2}-\d{2}T/);
        assert.equal(row[M.columns.graphMessageId], handOver.providerMessageId);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail('the delivery report was not recorded on the reminder');
  });
});
