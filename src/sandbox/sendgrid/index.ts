// The sandbox's SendGrid: POST /v3/mail/send (mounted at /v3 of the sandbox's origin, so `sendgridUrl` is that
// origin as https://api.sendgrid.com is SendGrid's), one API key, a per-key request limit per refresh period
// with SendGrid's X-RateLimit-* headers, and the accepted mail kept for `lc sandbox inspect` and tests. Faults
// (a 429, a 5xx, an answer lost after the message was accepted) come from the server's fault machinery.
import type { PracticeSeed, SandboxService, ServiceContext } from '../types';
import { sandboxSendGridKey } from './keys';
import { readMailSend, sendgridErrors, unauthorized, type AcceptedMail } from './mailSend';

export { sandboxSendGridKey } from './keys';
export type { AcceptedMail } from './mailSend';

export interface SendGridServiceOptions {
  /**
   * Requests a key may make per refresh period. SendGrid publishes no number for mail/send: its v3 "Rate Limits"
   * page says only that each endpoint allows some number per refresh period, told in X-RateLimit-Limit,
   * -Remaining and -Reset, with a 429 past it; the 600 a minute of its changelog (10 October 2019) is for some v2
   * endpoints and excludes mail/send. The default, 600 a minute, is the pace our channel keeps (SENDGRID_LIMITS),
   * so a sender that goes over it meets a 429 here.
   */
  requestsPerPeriod?: number;
  /** The refresh period, ms; the sandbox's --time-scale shortens it. */
  periodMs?: number;
}

interface SendGridState {
  accepted: AcceptedMail[];
}

export interface SendGridService extends SandboxService {
  accepted(): readonly AcceptedMail[];
}

export function createSendGridService(ctx: ServiceContext, options: SendGridServiceOptions = {}): SendGridService {
  const limit = options.requestsPerPeriod ?? 600;
  const periodMs = options.periodMs ?? 60_000;
  let key = '';
  let state: SendGridState = { accepted: [] };
  let window = { start: 0, used: 0 };

  /** Counts this request against the key's period; the headers every answer carries and whether it is over. */
  const rateLimit = (): { headers: Record<string, string>; over: boolean } => {
    const now = ctx.clock.now();
    if (now >= window.start + periodMs) window = { start: now, used: 0 };
    window.used++;
    const over = window.used > limit;
    return {
      over,
      headers: {
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': String(Math.max(0, limit - window.used)),
        'X-RateLimit-Reset': String(Math.ceil((window.start + periodMs) / 1000)),
      },
    };
  };

  return {
    name: 'sendgrid',
    load(practice: PracticeSeed) {
      key = sandboxSendGridKey(practice.tenantId);
      state = { accepted: [] };
      window = { start: 0, used: 0 };
    },
    exportState: () => structuredClone(state),
    importState(saved: unknown) {
      const accepted = (saved as Partial<SendGridState> | undefined)?.accepted;
      state = { accepted: Array.isArray(accepted) ? structuredClone(accepted) : [] };
    },
    inspect: () => ({
      accepted: state.accepted.length,
      messages: structuredClone(state.accepted),
      rateLimit: { limit, periodMs },
    }),
    accepted: () => state.accepted,
    handle(request) {
      if (`${request.method} ${request.path.replace(/\/+$/, '')}` !== 'POST /v3/mail/send')
        return Promise.resolve(undefined);
      const authorization = request.headers.authorization ?? '';
      // SendGrid checks the key before it counts the request against it.
      if (authorization !== `Bearer ${key}`) return Promise.resolve(unauthorized({}));
      const { headers, over } = rateLimit();
      if (over)
        return Promise.resolve(
          sendgridErrors(429, [{ field: null, message: 'too many requests', help: null }], headers),
        );
      const read = readMailSend(request);
      if (!read.ok) return Promise.resolve(sendgridErrors(400, read.errors, headers));
      const messageId = ctx.prng.uuid().replace(/-/g, '').slice(0, 22);
      state.accepted.push({ messageId, receivedAt: new Date(ctx.clock.now()).toISOString(), ...read.mail });
      return Promise.resolve({ status: 202, headers: { ...headers, 'X-Message-Id': messageId } });
    },
  };
}
