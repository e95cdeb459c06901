// Plants canary secrets in every way a caller might leak them, then greps every sink (memory, the
// editor's output channel, JSON-lines file, audit file) for them; and proves files rotate by size.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonLinesFileSink, LogHub, redactString, redactUrlUserinfo, type LogRecord } from '../../../src/core/log';
import { OutputChannelSink } from '../../../src/vscode/outputChannelSink';
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

/** Secret shapes a review found unmasked: each value must never reach a sink. */
const MORE_CANARIES = {
  formSecret: 'canaryFormSecret~Start.987',
  apiKey: 'canaryApiKeyValue0123456',
  xApiKey: 'canaryXApiKey0987654321',
  urlPassword: 'canaryUrlPassw0rd-55',
  bufferedJwt: 'eyJhbGciOiJub25lIn0.eyJidWZmZXJlZCI6ImNhbmFyeSJ9.YnVmZmVyZWRzaWc',
  bufferedText: 'a-canary-in-a-typed-array-77',
};

/** The canary in the text as itself, as bytes listed one by one, as base64 or as hex. */
function leaks(text: string, canary: string): boolean {
  const bytes = [...Buffer.from(canary)].map(String);
  const byteByByte = new RegExp(bytes.join(',\\s*(?:"\\d+":\\s*)?'));
  return (
    text.includes(canary) ||
    byteByByte.test(text) ||
    text.includes(Buffer.from(canary).toString('base64')) ||
    text.includes(Buffer.from(canary).toString('hex'))
  );
}

/** The editor's LogOutputChannel, as far as the sink uses it: one line a call. */
function fakeOutputChannel(): { lines: string[]; channel: ConstructorParameters<typeof OutputChannelSink>[0] } {
  const lines: string[] = [];
  const push = (line: string) => void lines.push(line);
  const channel = { trace: push, debug: push, info: push, warn: push, error: push };
  return { lines, channel: channel as unknown as ConstructorParameters<typeof OutputChannelSink>[0] };
}

function leakMoreShapes(hub: LogHub): void {
  const log = hub.logger('api');
  log.info(`client_secret=${MORE_CANARIES.formSecret}&grant_type=client_credentials&scope=x`);
  log.info('token form', { form: `client_secret=${MORE_CANARIES.formSecret}&client_id=y` });
  log.info('calling', {
    url: `https://api.example.test/v1/items?api_key=${MORE_CANARIES.apiKey}`,
    other: `https://api.example.test/v1/items?limit=5&x-api-key=${MORE_CANARIES.xApiKey}`,
  });
  log.warn(`fetching https://api.example.test/v1/items?api_key=${MORE_CANARIES.apiKey} failed`);
  log.warn(
    `could not reach https://practice:${MORE_CANARIES.urlPassword}@mail.example.test/inbox, will retry (see https://ok.example.test/a@b)`,
  );
  log.error('webhook failed', { detail: `posted to ftp://admin:${MORE_CANARIES.urlPassword}@files.example.test` });
  log.debug('received bytes', {
    chunk: Buffer.from(MORE_CANARIES.bufferedJwt),
    typed: new TextEncoder().encode(MORE_CANARIES.bufferedText),
    registered: Buffer.from(CANARIES.typedSecret),
    nested: { array: [new Uint16Array([1, 2, 3]), new Uint8Array(Buffer.from(MORE_CANARIES.bufferedText)).buffer] },
  });
  hub.audit().record({
    actor: 'app',
    action: 'webhook.call',
    target: `https://hook:${MORE_CANARIES.urlPassword}@hooks.example.test/x?x-api-key=${MORE_CANARIES.xApiKey}`,
    outcome: 'failed',
    detail: { payloadBytes: Buffer.from(MORE_CANARIES.bufferedText) },
  });
}

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

  it('keeps the secret shapes a review found out of every sink, the output channel included', async () => {
    const hub = new LogHub({ level: 'trace' });
    hub.addSecret(CANARIES.typedSecret);
    const memory = memorySink();
    const output = fakeOutputChannel();
    hub.addSink(memory);
    hub.addSink(new OutputChannelSink(output.channel));
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
    leakMoreShapes(hub);
    await hub.dispose();

    const sinks: Record<string, string> = {
      memory: JSON.stringify(memory.records),
      'output channel': output.lines.join('\n'),
      ...Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')])),
    };
    assert.deepEqual(Object.keys(sinks).sort(), ['audit.jsonl', 'lc.jsonl', 'memory', 'output channel']);
    for (const [sink, text] of Object.entries(sinks)) {
      for (const [name, canary] of Object.entries({ ...CANARIES, ...MORE_CANARIES })) {
        assert.ok(!leaks(text, canary), `${name} leaked into the ${sink} sink: ${text.slice(0, 4000)}`);
      }
    }
    // What is not secret stays readable.
    const channel = sinks['output channel'];
    assert.match(channel, /grant_type=client_credentials/);
    assert.match(channel, /mail\.example\.test\/inbox, will retry/);
    assert.match(channel, /https:\/\/ok\.example\.test\/a@b/);
    assert.match(channel, /chunk=\[\d+ bytes\]/);
    assert.match(sinks['audit.jsonl'], /hooks\.example\.test\/x/);
  });

  it('masks each secret shape in free text and leaves the rest of the text as it was', () => {
    const cases: Array<[string, string]> = [
      ['client_secret=abc~123&scope=x', 'client_secret=[redacted]&scope=x'],
      ['"client_secret=abc~123" is not an entity set', '"client_secret=[redacted]" is not an entity set'],
      ['https://a.test/v1?api_key=k1&x=1', 'https://a.test/v1?api_key=[redacted]&x=1'],
      ['https://a.test/v1?x=1&x-api-key=k2', 'https://a.test/v1?x=1&x-api-key=[redacted]'],
      ['GET /items?X-Api-Key=k3 failed', 'GET /items?X-Api-Key=[redacted] failed'],
      ['see https://u:p4ss@h.test/x now', 'see https://[redacted]@h.test/x now'],
      ['see https://u:p@ss@h.test/x now', 'see https://[redacted]@h.test/x now'],
      ['at redis://:p4ss@cache.test:6379', 'at redis://[redacted]@cache.test:6379'],
      ['mail me at someone@example.test', 'mail me at someone@example.test'],
      ['https://h.test/path?who=a@b.test', 'https://h.test/path?who=a@b.test'],
      ['exit code=12 after 3 tries', 'exit code=12 after 3 tries'],
    ];
    for (const [input, expected] of cases) assert.equal(redactString(input), expected, input);
  });

  it('redacts the userinfo of every URL in a text, keeping where it points', () => {
    assert.equal(
      redactUrlUserinfo('dataverseUrl: https://user:secret@org.crm.dynamics.com/api answered 401'),
      'dataverseUrl: https://[redacted]@org.crm.dynamics.com/api answered 401',
    );
    assert.equal(redactUrlUserinfo('"https://token@github.test/x.git"'), '"https://[redacted]@github.test/x.git"');
    assert.equal(redactUrlUserinfo('https://org.crm.dynamics.com'), 'https://org.crm.dynamics.com');
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
