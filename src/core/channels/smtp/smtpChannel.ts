// E-mail through an SMTP server with nodemailer, for a practice whose mail is not Exchange Online.
//
// nodemailer's socket is not HTTP, so it does not go through src/core/http: it is the one network path that
// does not, and it is bound to the host inside the SMTP secret (no setting can redirect it). smtp:// must
// upgrade with STARTTLS before AUTH (requireTLS), smtps:// is TLS from the start; certificates are verified.
//
// Every attempt carries the same Message-ID (from the reminder's stableId). SMTP cannot be asked afterwards
// whether a message was queued, so a failure once the message itself went out is a HandOverUncertainError,
// and a crash between handing over and recording leaves the reminder for a person (afterCrash 'humanCheck').
import type { Readable } from 'node:stream';
import { compile } from 'html-to-text';
import { createTransport } from 'nodemailer';
import { CancelledError } from '../../errors';
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { ChannelMessage, HandOver, TransportChannel } from '../types';
import { stableMessageId } from './messageId';
import { smtpFailureToError } from './smtpErrors';
import { nodemailerLogger, smtpSecretForms } from './smtpLogger';
import { parseSmtpUrl } from './smtpUrl';

export interface SmtpChannelDeps {
  /** `smtp://user:password@host:587` (STARTTLS) or `smtps://user:password@host:465` (TLS). */
  smtpUrl: string;
  clock: Clock;
  log: Logger;
  /** A CA to verify the server with instead of the system's (a test server, a practice's own CA). */
  ca?: string | Buffer;
}

/**
 * Pacing for a typical submission server: Exchange Online allows 30 messages a minute per mailbox and 3
 * concurrent SMTP AUTH connections; Gmail and most hosted servers allow at least that much.
 */
export const SMTP_LIMITS = { perMinute: 30, concurrency: 3 } as const;

/** Connecting and the greeting; then each command's answer (the final dot's included). */
const CONNECT_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 60_000;

/** The key under which send() hands its attempt to the stream plugin (nodemailer copies the mail's own keys). */
const ATTEMPT_KEY = 'lifeCockpitAttempt';

interface Attempt {
  /** The message stream nodemailer reads once the server has answered DATA with 354. */
  stream?: Readable;
}

export function createSmtpChannel(deps: SmtpChannelDeps): TransportChannel {
  const endpoint = parseSmtpUrl(deps.smtpUrl);
  const secrets = smtpSecretForms(endpoint.user, endpoint.password);
  const limits = { ...SMTP_LIMITS };
  const transport = createTransport({
    pool: true,
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.implicitTls,
    // Never AUTH over plain text: without STARTTLS on an smtp:// server the send fails before AUTH.
    requireTLS: !endpoint.implicitTls,
    auth: { user: endpoint.user, pass: endpoint.password },
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(deps.ca === undefined ? {} : { ca: deps.ca }) },
    maxConnections: limits.concurrency,
    rateLimit: limits.perMinute,
    rateDelta: 60_000,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    // Its log carries no message bodies (debug off) and no AUTH exchange; what remains is masked again.
    logger: nodemailerLogger(deps.log, secrets, endpoint.host),
    debug: false,
    transactionLog: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // Watches the message stream: nodemailer reads it only after the server accepted DATA, so whether it was
  // read tells a failure before the hand-over from one during it (nodemailer's pool decides the same way
  // whether it may requeue a message on another connection).
  transport.use('stream', (mail, done) => {
    const attempt = (mail.data as Record<string, unknown>)[ATTEMPT_KEY] as Attempt | undefined;
    const message = mail.message;
    if (attempt && message) {
      const original = message.createReadStream.bind(message);
      message.createReadStream = (options) => (attempt.stream = original(options));
    }
    done();
  });

  return {
    id: 'smtp',
    medium: 'email',
    afterCrash: 'humanCheck',
    limits,
    async send(message: ChannelMessage, signal?: AbortSignal): Promise<HandOver> {
      // Checked before the hand-over only: once it began it runs to its end, so its outcome is known.
      if (signal?.aborted) throw new CancelledError();
      const messageId = stableMessageId(message.stableId, message.from);
      const attempt: Attempt = {};
      try {
        await transport.sendMail({
          from: message.from,
          to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
          subject: message.subject,
          html: message.body,
          text: plainText(message.body),
          messageId,
          date: new Date(deps.clock.now()),
          disableFileAccess: true,
          disableUrlAccess: true,
          [ATTEMPT_KEY]: attempt,
        } as Parameters<typeof transport.sendMail>[0]);
      } catch (error) {
        throw smtpFailureToError(error, {
          host: endpoint.host,
          dataStarted: attempt.stream?.readableDidRead === true,
          secrets,
        });
      }
      deps.log.debug('smtp message handed over', { reminderId: message.reminderId, host: endpoint.host, messageId });
      return { providerMessageId: messageId };
    },
    close(): Promise<void> {
      transport.close();
      return Promise.resolve();
    },
  };
}

let toPlainText: ((html: string) => string) | undefined;

/**
 * The text/plain alternative. html-to-text's `convert` compiles its options into a selector tree on every call,
 * most of a send's CPU (as the SendGrid channel found); compiled once, at the first send, so the library still
 * loads only when the first mail goes out.
 */
function plainText(html: string): string {
  toPlainText ??= compile({ wordwrap: 78 });
  return toPlainText(html);
}
