// E-mail through SendGrid's v3 API. The request body is built by @sendgrid/helpers' Mail (the class
// @sendgrid/mail itself sends) and posted through our HTTP layer rather than through @sendgrid/mail: its client
// is axios, which would bring a second HTTP stack into the bundle, retry and time out by its own rules, and
// turn every non-2xx into one generic error, where we must tell a 429 (nothing sent) from a 5xx or a lost
// answer (maybe sent). Our layer gives the timeouts, the breaker, the sandbox CA and the redacted request log.
//
// There is no idempotency key in SendGrid's API: the request is never resent on its own, every attempt carries
// the reminder's stable Message-ID and custom_args, and anything that may have reached SendGrid without an
// answer is a HandOverUncertainError (afterCrash 'humanCheck').
import { compile } from 'html-to-text';
import { classes } from '@sendgrid/helpers';
import type { Clock } from '../../clock';
import type { Profile } from '../../config';
import { CancelledError, ValidationError } from '../../errors';
import type { HttpClient, HttpResponse } from '../../http';
import type { Logger } from '../../log';
import { stableMessageId } from '../smtp';
import type { ChannelMessage, HandOver, TransportChannel } from '../types';
import { sendgridAnswerError, sendgridTransportFailure } from './sendgridAnswers';
import { checkSendGridUrl } from './sendgridUrl';

export interface SendGridChannelDeps {
  http: HttpClient;
  apiKey: string;
  /** The profile's sendgridUrl: SendGrid's API, or (sandbox profiles only) a loopback stand-in. */
  baseUrl: string;
  clock: Clock;
  log: Logger;
  /** The profile's kind: only 'sandbox' may use a loopback baseUrl. Left out, it counts as not a sandbox. */
  profileKind?: Profile['kind'];
}

/**
 * SendGrid publishes no number for mail/send. Its v3 "Rate Limits" page says only that each endpoint allows a
 * number of requests per refresh period, told in X-RateLimit-Limit/-Remaining/-Reset, with a 429 past it; the
 * one default it names, 600 requests a minute a user (changelog, 10 October 2019), is for some v2 endpoints
 * and excludes mail/send. So 600 a minute is our own pace, not SendGrid's limit: far above what a practice
 * sends, and what the sandbox answers 429 past; a 429 still comes back to the channel with its reset time.
 */
export const SENDGRID_LIMITS = { perMinute: 600, concurrency: 8 } as const;

export function createSendGridChannel(deps: SendGridChannelDeps): TransportChannel {
  const baseUrl = checkSendGridUrl(deps.baseUrl, deps.profileKind);
  const apiKey = deps.apiKey.trim();
  if (apiKey === '') {
    throw new ValidationError('The SendGrid API key is empty: set LC_SENDGRID_API_KEY.', {
      code: 'channels.sendgridNoKey',
    });
  }
  const limits = { ...SENDGRID_LIMITS };
  return {
    id: 'sendgrid',
    medium: 'email',
    afterCrash: 'humanCheck',
    limits,
    async send(message: ChannelMessage, signal?: AbortSignal): Promise<HandOver> {
      // Checked before only: a request that left runs to its answer, so its outcome is known, not guessed.
      if (signal?.aborted) throw new CancelledError();
      const messageId = stableMessageId(message.stableId, message.from);
      const body = mailSendBody(message, messageId);
      let response: HttpResponse;
      let text: string;
      try {
        response = await deps.http.request({
          service: 'sendgrid',
          method: 'POST',
          url: `${baseUrl}/v3/mail/send`,
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(body),
          idempotent: false,
          correlationId: message.stableId,
        });
        text = await response.text();
      } catch (error) {
        throw sendgridTransportFailure(error);
      }
      if (response.status < 200 || response.status > 299) {
        throw sendgridAnswerError(response.status, response.headers, text, deps.clock);
      }
      const providerMessageId = response.headers['x-message-id'] || messageId;
      deps.log.debug('sendgrid message handed over', { reminderId: message.reminderId, providerMessageId });
      return { providerMessageId };
    },
  };
}

let toPlainText: ((html: string) => string) | undefined;

/**
 * The text/plain part. html-to-text's `convert` compiles its options into a selector tree on every call, which
 * was most of the CPU a send took (a profile of the mail benchmark); compiled once, at first use, so the
 * library still loads only when the first mail is sent.
 */
function plainText(html: string): string {
  toPlainText ??= compile({ wordwrap: 78 });
  return toPlainText(html);
}

/** The v3 mail/send body: text/plain before text/html as SendGrid requires, the stable id in headers and custom_args. */
export function mailSendBody(message: ChannelMessage, messageId: string): Record<string, unknown> {
  const mail = classes.Mail.create({
    from: message.from,
    to: message.to.name ? { email: message.to.address, name: message.to.name } : message.to.address,
    subject: message.subject,
    text: plainText(message.body),
    html: message.body,
    headers: { 'Message-ID': messageId },
    customArgs: { reminderId: message.reminderId, stableId: message.stableId },
  });
  return mail.toJSON() as unknown as Record<string, unknown>;
}
