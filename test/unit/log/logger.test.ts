// Plants canary secrets in every way a caller might leak them, then greps every sink (memory,
// JSON-lines file, audit file) for them; and proves files rotate by size.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonLinesFileSink, LogHub, type LogRecord } from '../../../src/core/log';
import { FakeClock } from '../../builders/fakeClock';

const CANARIES = {
  clientSecret: 'Xq8~canaryClientSecretValue.123',
  stripeKey: 'sk_test_canary51HqLyjWDarjtT1zdp7dc',
  restrictedKey: 'rk_live_canaryRestricted123456',
  webhookSecret: 'whsec_canaryWebhookSecret9876',
  jwt: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5',
  assertion: 'eyJhbGciOiJSUzI1NiIsIng1dCI6ImNhbmFyeSJ9.eyJpc3MiOiJjYW5hcnktYXNzZXJ0aW9uIn0.YXNzZXJ0aW9uc2ln',
  mailBody: 'Dear Alex, canary clinical detail about your anxiety',
  typedSecret: 'typed-into-a-prompt-canary-42',
};

function memorySink(): { records: LogRecord[]; write(r: LogRecord): void } {
  const records: LogRecord[] = [];
  return { records, write: (r) => records.push(r) };
}

function leak(hub: LogHub): void {
  const log = hub.logger('api');
  log.info('request sent', {
    headers: { Authorization: `Bearer ${CANARIES.jwt}`, 'content-type': 'application/json' },
  });
  log.debug(`token endpoint answered with ${CANARIES.jwt}`);
  log.info('msal config', { clientSecret: CANARIES.clientSecret, clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' });
  log.info('posting form', { form: `client_id=x&client_assertion=${CANARIES.assertion}&scope=y` });
  log.warn(`stripe failed with key ${CANARIES.stripeKey} and ${CANARIES.restrictedKey}`);
  log.error('webhook config', {
    endpoint: { secret: CANARIES.webhookSecret },
    note: `secret is ${CANARIES.webhookSecret}`,
  });
  log.info('mail sent', {
    message: { subject: 'Reminder', body: { contentType: 'text', content: CANARIES.mailBody } },
  });
  log.info('connection string pasted', {
    value: `AuthType=ClientSecret;Url=https://x.crm.dynamics.com;ClientId=a;ClientSecret=${CANARIES.clientSecret}`,
  });
  log.info(`the user typed ${CANARIES.typedSecret} by mistake`);
  log.error('failed', { error: new Error(`401 for Bearer ${CANARIES.jwt}`) });
  hub.audit().record({
    actor: 'app',
    action: 'mail.send',
    target: 'client@x.test',
    outcome: 'succeeded',
    detail: { body: CANARIES.mailBody },
  });
}

describe('logger redaction', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-log-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every canary secret out of every sink', async () => {
    const hub = new LogHub({ level: 'trace' });
    hub.addSecret(CANARIES.typedSecret);
    const memory = memorySink();
    hub.addSink(memory);
    hub.addSink(new JsonLinesFileSink({ directory: dir, fileName: 'lc.jsonl', maxSizeBytes: 1 << 20, maxFiles: 3 }));
    hub.addSink(
      new JsonLinesFileSink({
        directory: dir,
        fileName: 'audit.jsonl',
        maxSizeBytes: 1 << 20,
        maxFiles: 3,
        categories: ['audit'],
      }),
    );
    leak(hub);
    await hub.dispose();

    const texts = [
      JSON.stringify(memory.records),
      ...fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')),
    ];
    assert.equal(memory.records.length, 11);
    for (const text of texts) {
      for (const [name, canary] of Object.entries(CANARIES)) {
        assert.ok(!text.includes(canary), `${name} leaked into a sink`);
      }
    }
    const audit = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    assert.equal(audit.length, 1, 'the audit file holds only audit records');
    assert.equal(JSON.parse(audit[0]).fields.action, 'mail.send');
    assert.ok(texts[0].includes('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'), 'non-secret fields survive');
  });

  it('drops records below the level but always keeps audit records', () => {
    const hub = new LogHub({ level: 'warn' });
    const memory = memorySink();
    hub.addSink(memory);
    hub.logger('business').info('not shown');
    hub.logger('business').warn('shown');
    hub.audit().record({ actor: 'app', action: 'record.update', target: 'contacts(1)', outcome: 'succeeded' });
    assert.deepEqual(
      memory.records.map((r) => r.message),
      ['shown', 'record.update succeeded'],
    );
  });

  it('stamps each record with the injected clock’s time', () => {
    const clock = new FakeClock(true, Date.UTC(2026, 10, 25, 9, 0, 0));
    const hub = new LogHub({ level: 'info', clock });
    const memory = memorySink();
    hub.addSink(memory);
    hub.logger('business').info('first');
    clock.advance(1500);
    hub.logger('business').info('second');
    assert.deepEqual(
      memory.records.map((r) => r.time),
      ['2026-11-25T09:00:00.000Z', '2026-11-25T09:00:01.500Z'],
    );
  });

  it('rotates the JSON-lines file by size and keeps a bounded number of files', async () => {
    const hub = new LogHub({ level: 'info' });
    hub.addSink(new JsonLinesFileSink({ directory: dir, fileName: 'lc.jsonl', maxSizeBytes: 2048, maxFiles: 2 }));
    const log = hub.logger('business');
    for (let i = 0; i < 200; i++) {
      log.info('line', { i, pad: 'x'.repeat(60) });
      if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    await hub.dispose();
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    assert.ok(files.includes('lc.jsonl'));
    assert.ok(
      files.some((f) => /^lc\.\d+\.jsonl$/.test(f)),
      `rotated files exist: ${files.join(',')}`,
    );
    assert.ok(files.length <= 3, `at most current + 2 rotated: ${files.join(',')}`);
    for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= 4096, `${f} stays near the size bound`);
  });
});
