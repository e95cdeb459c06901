// The SendGrid channel against the sandbox's SendGrid: the v3 body it posts (Bearer key, the stable id in
// headers['Message-ID'] and custom_args), X-Message-Id as the provider's id, and each way it can go wrong:
// a 429 (nothing sent, retriable after the reset), a 5xx or a lost answer (maybe sent: uncertain), a refused
// key (not retriable); and where the key may be sent at all.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createSendGridChannel, HandOverUncertainError, type TransportChannel } from '../../../src/core/channels';
import { AuthenticationError, LifeCockpitError, PolicyError, TransientError } from '../../../src/core/errors';
import { HttpClient, systemClock } from '../../../src/core/http';
import { LogHub, silentLogger, type LogRecord, type Logger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { createSendGridService, type AcceptedMail } from '../../../src/sandbox/sendgrid';
import { mailSendBody } from '../../../src/core/channels/sendgrid';
import { aMailMessage } from '../../builders/mailMessageBuilder';

describe('SendGrid channel against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: RunningSandbox;
  let http: HttpClient;

  before(async () => {
    sandbox = await startSandbox({
      clients: 2,
      services: { sendgrid: (ctx) => createSendGridService(ctx, { requestsPerPeriod: 2, periodMs: 60_000 }) },
    });
    http = new HttpClient({
      logger: silentLogger,
      trust: { ca: readFileSync(sandbox.info.caFile), origins: [sandbox.urls.origin] },
    });
  });
  after(async () => {
    await http.close();
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.faults.clear();
  });

  const channel = (apiKey = sandbox.info.sendgridApiKey, log: Logger = silentLogger, client = http): TransportChannel =>
    createSendGridChannel({
      http: client,
      apiKey,
      baseUrl: sandbox.info.sendgridUrl,
      clock: systemClock,
      log,
      profileKind: 'sandbox',
    });
  const accepted = (): AcceptedMail[] =>
    (sandbox.inspect().services as Record<string, { messages: AcceptedMail[] }>).sendgrid?.messages ?? [];
  const failureOf = async (promise: Promise<unknown>): Promise<LifeCockpitError> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof LifeCockpitError, `not a LifeCockpitError: ${String(error)}`);
      return error;
    }
    assert.fail('the send succeeded');
  };

  it('posts the message with the stable Message-ID and custom_args, text before HTML, and returns X-Message-Id', async () => {
    const message = aMailMessage().forReminder('r-9').build();
    const handOver = await channel().send(message);
    const [mail] = accepted();
    assert.equal(handOver.providerMessageId, mail?.messageId);
    assert.deepEqual(mail?.to, ['alex@example.test']);
    assert.equal(mail?.from, 'dr.morgan@practice.example');
    assert.equal(mail?.headers['Message-ID'], `<${message.stableId}@practice.example>`);
    assert.deepEqual(mail?.customArgs, { reminderId: 'r-9', stableId: message.stableId });
    assert.deepEqual(mail?.contentTypes, ['text/plain', 'text/html']);
    assert.match(mail?.text ?? '', /see you TOMORROW AT 10:00|see you tomorrow at 10:00/);
  });

  it('sends the same Message-ID and custom_args on a second attempt at the same reminder', async () => {
    const message = aMailMessage().forReminder('r-3').build();
    await channel().send(message);
    await channel().send({ ...message });
    const [first, second] = accepted();
    assert.equal(first?.headers['Message-ID'], second?.headers['Message-ID']);
    assert.deepEqual(first?.customArgs, second?.customArgs);
  });

  it('reports a 429 as retriable after X-RateLimit-Reset, with nothing sent', async () => {
    const sendgrid = channel();
    await sendgrid.send(aMailMessage().forReminder('a').build());
    await sendgrid.send(aMailMessage().forReminder('b').build());
    const error = await failureOf(sendgrid.send(aMailMessage().forReminder('c').build()));
    assert.ok(error instanceof TransientError, `${error.name}: ${error.message}`);
    assert.equal(error.code, 'channels.sendgridThrottled');
    const wait = error.detail?.retryAfterMs;
    assert.ok(typeof wait === 'number' && wait > 0 && wait <= 61_000, `retryAfterMs ${String(wait)}`);
    assert.equal(accepted().length, 2);
  });

  it('reports a 500 as uncertain: SendGrid may have queued it', async () => {
    sandbox.faults.add({ service: 'sendgrid', kind: 'error500', rate: 1, limit: 1 });
    const error = await failureOf(channel().send(aMailMessage().build()));
    assert.ok(error instanceof HandOverUncertainError, `${error.name}: ${error.message}`);
    assert.equal(error.retriable, false);
  });

  it('reports an answer lost after SendGrid accepted as uncertain, and does not send again', async () => {
    sandbox.faults.add({ service: 'sendgrid', kind: 'lostAnswer', rate: 1, limit: 1 });
    const error = await failureOf(channel().send(aMailMessage().build()));
    assert.ok(error instanceof HandOverUncertainError, `${error.name}: ${error.message}`);
    assert.equal(accepted().length, 1, 'SendGrid got it once, and only once');
  });

  it('reports a refused key as not retriable, naming what to do', async () => {
    const error = await failureOf(channel('SG.not.the-key').send(aMailMessage().build()));
    assert.ok(error instanceof AuthenticationError, `${error.name}: ${error.message}`);
    assert.equal(error.retriable, false);
    assert.match(
      error.message,
      /refused the API key \(401: The provided authorization grant is invalid.*Set the key again/,
    );
    assert.equal(accepted().length, 0);
  });

  it('reports a refused connection as retriable: nothing reached SendGrid', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sendgrid = createSendGridChannel({
      http,
      apiKey: sandbox.info.sendgridApiKey,
      baseUrl: `https://127.0.0.1:${port}`,
      clock: systemClock,
      log: silentLogger,
      profileKind: 'sandbox',
    });
    const error = await failureOf(sendgrid.send(aMailMessage().build()));
    assert.ok(error instanceof TransientError, `${error.name}: ${error.message}`);
    assert.equal(error.code, 'http.connectionRefused');
  });

  it('keeps the API key out of every log line, at trace level', async () => {
    const records: LogRecord[] = [];
    const hub = new LogHub({ level: 'trace' });
    hub.addSink({ write: (record) => records.push(record) });
    const logged = new HttpClient({
      logger: hub.logger('api'),
      trust: { ca: readFileSync(sandbox.info.caFile), origins: [sandbox.urls.origin] },
    });
    try {
      await channel(sandbox.info.sendgridApiKey, hub.logger('business'), logged).send(aMailMessage().build());
      await failureOf(
        channel(`${sandbox.info.sendgridApiKey}x`, hub.logger('business'), logged).send(aMailMessage().build()),
      );
    } finally {
      await logged.close();
    }
    assert.ok(records.length >= 2, 'nothing was logged');
    const text = JSON.stringify(records);
    assert.ok(!text.includes(sandbox.info.sendgridApiKey), 'the key leaked');
    assert.ok(!text.includes(sandbox.info.sendgridApiKey.split('.')[2] ?? 'x'), 'the key secret part leaked');
  });
});

describe('SendGrid URL rule', () => {
  const build = (baseUrl: string, profileKind?: 'sandbox' | 'test' | 'live'): TransportChannel =>
    createSendGridChannel({
      http: new HttpClient({ logger: silentLogger }),
      apiKey: 'SG.key.secret',
      baseUrl,
      clock: systemClock,
      log: silentLogger,
      ...(profileKind ? { profileKind } : {}),
    });

  it("lets every profile use SendGrid's API, global or EU", () => {
    assert.equal(build('https://api.sendgrid.com', 'live').id, 'sendgrid');
    assert.equal(build('https://api.eu.sendgrid.com/', 'test').id, 'sendgrid');
  });

  it('lets only a sandbox profile point at a loopback stand-in', () => {
    assert.equal(build('https://localhost:8443', 'sandbox').id, 'sendgrid');
    for (const kind of ['live', 'test', undefined] as const) {
      assert.throws(
        () => build('https://127.0.0.1:8443', kind),
        (e: unknown) =>
          e instanceof PolicyError &&
          e.code === 'channels.sendgridUrlRefused' &&
          /not a sandbox profile/.test(e.message),
      );
    }
  });

  it('never sends the key to another host, whatever the profile', () => {
    for (const url of [
      'https://api.sendgrid.com.attacker.example',
      'https://attacker.example',
      'http://api.sendgrid.com',
      'not a url',
    ]) {
      for (const kind of ['sandbox', 'live'] as const) {
        assert.throws(
          () => build(url, kind),
          (e: unknown) => e instanceof PolicyError && /never sent anywhere else/.test(e.message),
          `${url} for ${kind}`,
        );
      }
    }
  });

  it('gives each message its own text part, long lines wrapped at 78 columns, one message after another', () => {
    const textOf = (html: string): string | undefined => {
      const body = mailSendBody(aMailMessage().withBody(html).build(), '<id@practice.example>') as {
        content?: Array<{ type: string; value: string }>;
      };
      return body.content?.find((part) => part.type === 'text/plain')?.value;
    };
    const long = 'word '.repeat(30).trim();
    assert.equal(textOf('<p>First one</p>'), 'First one');
    assert.equal(textOf('<p>Second one</p>'), 'Second one');
    const wrapped = textOf(`<p>${long}</p>`) ?? '';
    assert.ok(wrapped.split('\n').length > 1 && wrapped.split('\n').every((line) => line.length <= 78), wrapped);
  });
});
