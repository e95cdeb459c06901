// The SMTP channel against a real SMTP server (smtp-server) on 127.0.0.1 with STARTTLS or TLS and AUTH:
// what reaches the server, and how each failure is reported, on the line between "nothing was handed over"
// and "the server may have the message".
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSmtpChannel, HandOverUncertainError, type TransportChannel } from '../../../src/core/channels';
import { AuthenticationError, LifeCockpitError, TransientError } from '../../../src/core/errors';
import { LogHub, silentLogger, type LogRecord } from '../../../src/core/log';
import { createSandboxCertificates, type SandboxCertificates } from '../../../src/sandbox/certs';
import { FakeClock } from '../../builders/fakeClock';
import { aMailMessage } from '../../builders/mailMessageBuilder';
import { startSmtpTestServer, type SmtpTestServer } from './smtpTestServer';

describe('SMTP channel against a real SMTP server', function () {
  this.timeout(20_000);
  let certs: SandboxCertificates;
  let server: SmtpTestServer | undefined;
  let channel: TransportChannel | undefined;

  before(async () => {
    certs = await createSandboxCertificates();
  });
  after(async () => {
    await certs.remove();
  });
  afterEach(async () => {
    await channel?.close?.();
    await server?.stop();
    channel = undefined;
    server = undefined;
  });

  const open = (url: string, log = silentLogger): TransportChannel =>
    (channel = createSmtpChannel({ smtpUrl: url, clock: new FakeClock(), log, ca: certs.ca.cert }));

  const failureOf = async (promise: Promise<unknown>): Promise<LifeCockpitError> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof LifeCockpitError, `not a LifeCockpitError: ${String(error)}`);
      return error;
    }
    assert.fail('the send succeeded');
  };

  it('sends over STARTTLS with AUTH PLAIN: HTML with a text alternative and the stable Message-ID', async () => {
    server = await startSmtpTestServer({ certs });
    const smtp = open(server.url());
    const message = aMailMessage().forReminder('r-42').build();

    const handOver = await smtp.send(message);

    assert.equal(server.received.length, 1);
    const [mail] = server.received;
    assert.equal(mail?.user, 'practice@example.org');
    assert.deepEqual(mail?.to, ['alex@example.test']);
    assert.equal(handOver.providerMessageId, `<${message.stableId}@practice.example>`);
    assert.match(mail?.raw ?? '', new RegExp(`^Message-ID: <${message.stableId}@practice\\.example>\\r?$`, 'mi'));
    assert.match(mail?.raw ?? '', /Content-Type: multipart\/alternative/i);
    assert.match(mail?.raw ?? '', /Content-Type: text\/plain/i);
    assert.match(mail?.raw ?? '', /Content-Type: text\/html/i);
    assert.match(mail?.raw ?? '', /see you TOMORROW AT 10:00|see you tomorrow at 10:00/);
  });

  it('gives each message its own text part, long lines wrapped at 78 columns, one message after another', async () => {
    server = await startSmtpTestServer({ certs });
    const smtp = open(server.url());
    const long = 'word '.repeat(30).trim();
    for (const [i, body] of ['<p>First one</p>', '<p>Second one</p>', `<p>${long}</p>`].entries()) {
      await smtp.send(aMailMessage().forReminder(`r-${i}`).withBody(body).build());
    }

    const texts = server.received.map((mail) => textPartOf(mail.raw));
    assert.equal(texts[0], 'First one');
    assert.equal(texts[1], 'Second one');
    const wrapped = texts[2] ?? '';
    assert.equal(wrapped.replace(/\n/g, ' '), long);
    assert.ok(wrapped.split('\n').length > 1 && wrapped.split('\n').every((line) => line.length <= 78), wrapped);
  });

  it('authenticates with AUTH LOGIN when that is all the server offers', async () => {
    server = await startSmtpTestServer({ certs, authMethods: ['LOGIN'] });
    await open(server.url()).send(aMailMessage().build());
    assert.equal(server.received.length, 1);
  });

  it('sends over implicit TLS to an smtps:// server', async () => {
    server = await startSmtpTestServer({ certs, tls: 'implicit' });
    await open(server.url()).send(aMailMessage().build());
    assert.equal(server.received.length, 1);
  });

  it('uses the same Message-ID on a second attempt at the same reminder', async () => {
    server = await startSmtpTestServer({ certs });
    const smtp = open(server.url());
    const message = aMailMessage().forReminder('r-7').build();
    const first = await smtp.send(message);
    const second = await smtp.send({ ...message });
    const ids = server.received.map((m) => /^Message-ID: (.+?)\r?$/im.exec(m.raw)?.[1]);
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1]);
    assert.equal(first.providerMessageId, second.providerMessageId);
    assert.equal(ids[0], first.providerMessageId);
  });

  it('refuses a wrong password once, not retriable, saying nothing was sent', async () => {
    server = await startSmtpTestServer({ certs });
    const error = await failureOf(open(server.url('wrong-password')).send(aMailMessage().build()));
    assert.ok(error instanceof AuthenticationError, error.message);
    assert.equal(error.code, 'channels.smtpAuthFailed');
    assert.equal(error.retriable, false);
    assert.match(error.message, /nothing was sent/);
    assert.equal(server.authAttempts, 1, 'the password was tried again');
    assert.equal(server.received.length, 0);
  });

  it('never offers the password to a server on 587 that offers no STARTTLS', async () => {
    server = await startSmtpTestServer({ certs, tls: 'none' });
    const error = await failureOf(open(server.url()).send(aMailMessage().build()));
    assert.equal(error.code, 'channels.smtpNoTls');
    assert.equal(error.retriable, false);
    assert.equal(server.authAttempts, 0, 'the client authenticated over an unencrypted connection');
    assert.equal(server.received.length, 0);
  });

  it('reports a connection lost after the message went out as uncertain, not as a failure to retry', async () => {
    server = await startSmtpTestServer({ certs, afterData: 'drop' });
    const error = await failureOf(open(server.url()).send(aMailMessage().build()));
    assert.ok(error instanceof HandOverUncertainError, `${error.name}: ${error.message}`);
    assert.equal(error.code, 'channels.uncertain');
    assert.equal(error.retriable, false);
    assert.equal(server.received.length, 1, 'the server had the whole message');
  });

  it('reports a 5xx on the final dot as uncertain too', async () => {
    server = await startSmtpTestServer({ certs, afterData: 'reject554' });
    const error = await failureOf(open(server.url()).send(aMailMessage().build()));
    assert.ok(error instanceof HandOverUncertainError, `${error.name}: ${error.message}`);
  });

  it('reports a 450 to RCPT TO as retriable: nothing was handed over', async () => {
    server = await startSmtpTestServer({ certs, rcptCode: 450 });
    const error = await failureOf(open(server.url()).send(aMailMessage().build()));
    assert.ok(error instanceof TransientError, `${error.name}: ${error.message}`);
    assert.equal(error.code, 'channels.smtpDeferred');
    assert.equal(error.retriable, true);
  });

  it('reports a refused connection as retriable: nothing was handed over', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failureOf(open(`smtp://u:secret-pw@127.0.0.1:${port}`).send(aMailMessage().build()));
    assert.ok(error instanceof TransientError, `${error.name}: ${error.message}`);
    assert.equal(error.code, 'channels.smtpUnreachable');
  });

  it('keeps the password and its AUTH encodings out of every log line and error', async () => {
    const records: LogRecord[] = [];
    const hub = new LogHub({ level: 'trace' });
    hub.addSink({ write: (record) => records.push(record) });
    const password = 'c4nary-Pa55word!';
    const user = 'practice@example.org';
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    const canaries = [password, b64(password), b64(`\u0000${user}\u0000${password}`), encodeURIComponent(password)];
    const seen: string[] = [];

    server = await startSmtpTestServer({ certs, password });
    const log = hub.logger('api');
    const good = open(server.url(), log);
    await good.send(aMailMessage().build());
    server.afterData = 'drop';
    seen.push(JSON.stringify(await failureOf(good.send(aMailMessage().forReminder('r-2').build()))));
    await good.close?.();
    const wrongPassword = `${password}-wrong`;
    canaries.push(wrongPassword, b64(wrongPassword));
    const bad = createSmtpChannel({
      smtpUrl: server.url(wrongPassword),
      clock: new FakeClock(),
      log,
      ca: certs.ca.cert,
    });
    const refused = await failureOf(bad.send(aMailMessage().build()));
    seen.push(refused.message, JSON.stringify(refused.detail), String(refused.cause));
    await bad.close?.();
    const unparsable = await failureOf(
      Promise.resolve().then(() =>
        createSmtpChannel({ smtpUrl: `smtp://${user}:${password}@host:99999`, clock: new FakeClock(), log }),
      ),
    );
    seen.push(unparsable.message, String(unparsable.cause));

    assert.ok(records.length > 3, 'nodemailer logged nothing through our logger');
    const everything = JSON.stringify(records) + seen.join('\n');
    for (const canary of canaries) assert.ok(!everything.includes(canary), `leaked ${canary}`);
  });
});

/** The decoded text/plain part of a raw multipart/alternative message (7bit or quoted-printable, as nodemailer picks). */
function textPartOf(raw: string): string | undefined {
  const part = /Content-Type: text\/plain[^\r\n]*\r?\n([\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n--/i.exec(raw);
  if (!part) return undefined;
  const [, headers = '', body = ''] = part;
  const decoded = /quoted-printable/i.test(headers)
    ? body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : body;
  return decoded.replace(/\r\n/g, '\n');
}
