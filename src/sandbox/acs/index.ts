// The sandbox's Azure Communication Services resource at /sms (the connection string's endpoint is the
// sandbox's origin, `https://localhost:PORT/`, since the SDK takes no path): `POST /sms?api-version=2021-03-07` as the "Sms - Send" REST reference
// describes it, signed with the resource's access key (hmac.ts, 401 otherwise), throttled per sending
// number (throttle.ts), each recipient's repeatability honoured (a repeat within the window answers the
// original messageId and sends nothing; a first-sent older than the window is refused per recipient with
// 412; a repeat that differs with 400, as "Repeatable requests" tabulates), and delivery reports published
// to an Event Grid subscription (deliveryReports.ts). Time is the sandbox's clock.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PracticeSeed, SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from '../types';
import { DeliveryReports } from './deliveryReports';
import { checkHmac } from './hmac';
import { accessKeyFor, emptyAcsState, SANDBOX_SMS_FROM, type AcsState, type SentSms } from './state';
import { SmsThrottle, SMS_LIMITS_PER_MINUTE, type SmsNumberType } from './throttle';

export { accessKeyFor, SANDBOX_SMS_FROM, type SentSms } from './state';
export { SMS_LIMITS_PER_MINUTE, type SmsNumberType } from './throttle';
export { DELIVERY_REPORT_EVENT, VALIDATION_EVENT } from './deliveryReports';

export const SMS_API_VERSION = '2021-03-07';
/** How long ACS remembers a repeatability id ("Repeatable requests": the tracked duration is 5 minutes). */
export const REPEAT_WINDOW_MS = 5 * 60_000;
/** A delivery report follows its SMS after this long in ACS's time unless the subscription says otherwise. */
export const DEFAULT_REPORT_DELAY_MS = 5_000;

export interface AcsOptions {
  /** Rate limits run this many times faster, and reports come this many times sooner (`--time-scale`). */
  timeScale?: number;
  /** Which documented SMS limit applies (default toll-free, 200 a minute per number). */
  numberType?: SmsNumberType;
  /** Overrides the documented limit (message units a minute). */
  perMinute?: number;
}

export interface AcsService extends SandboxService {
  accessKey(): string;
  sent(): SentSms[];
  /** Creates the Event Grid subscription (after its validation handshake); false with the reason when it fails. */
  subscribe(endpoint: string, delayMs?: number): Promise<{ ok: boolean; reason?: string }>;
  /** Resolves once no delivery report is waiting or in flight. */
  reportsSettled(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sendSchema = z.object({
  from: z.string().min(1),
  message: z.string().min(1).max(2048),
  smsRecipients: z
    .array(
      z.object({
        to: z.string(),
        repeatabilityRequestId: z.string().optional(),
        repeatabilityFirstSent: z.string().optional(),
      }),
    )
    .min(1)
    .max(100),
  smsSendOptions: z.object({ enableDeliveryReport: z.boolean().optional(), tag: z.string().optional() }).optional(),
});
type SendRequest = z.infer<typeof sendSchema>;

interface RecipientResult {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  repeatabilityResult?: 'accepted' | 'rejected';
  successful: boolean;
  errorMessage?: string;
}

export function createAcsService(ctx: ServiceContext, options: AcsOptions = {}): AcsService {
  const timeScale = options.timeScale ?? 1;
  const numberType = options.numberType ?? 'tollFree';
  const throttle = new SmsThrottle(
    options.perMinute ?? SMS_LIMITS_PER_MINUTE[numberType],
    timeScale,
    numberType === 'alphanumeric',
  );
  const reports = new DeliveryReports(ctx.outbound, ctx.clock, ctx.prng, timeScale);
  let state: AcsState = emptyAcsState();
  let key = '';

  const send = (request: SandboxRequest): SandboxResponse => {
    const now = ctx.clock.now();
    const checked = checkHmac(request, key, now);
    if (!checked.ok) return error(401, 'Unauthorized', `Denied: ${checked.reason}.`, request);
    if (request.url.searchParams.get('api-version') !== SMS_API_VERSION) {
      return error(400, 'InvalidApiVersion', `Use api-version=${SMS_API_VERSION}.`, request);
    }
    let body: SendRequest;
    try {
      body = sendSchema.parse(JSON.parse(request.body.toString('utf8')));
    } catch {
      return error(400, 'BadRequest', 'The request body is not a valid SMS send request.', request);
    }
    forgetOldRepeats(state, now);
    const fresh = body.smsRecipients.filter((r) => !isKnownRepeat(state, r.repeatabilityRequestId)).length;
    const taken = throttle.take(body.from, fresh, now);
    if (!taken.ok) {
      return {
        ...error(429, 'TooManyRequests', 'The rate limit for sending SMS from this number was exceeded.', request),
        headers: { 'Retry-After': taken.retryAfterSeconds, 'MS-CV': request.requestId },
      };
    }
    const value = body.smsRecipients.map((recipient) => sendToRecipient(body, recipient, now));
    return { status: 202, headers: { 'MS-CV': request.requestId }, body: { value } };
  };

  const sendToRecipient = (
    body: SendRequest,
    recipient: SendRequest['smsRecipients'][number],
    now: number,
  ): RecipientResult => {
    const { to, repeatabilityRequestId: requestId, repeatabilityFirstSent: firstSent } = recipient;
    if (!E164.test(to)) return failed(to, 400, 'Invalid To phone number format.');
    if (body.from !== SANDBOX_SMS_FROM)
      return failed(to, 401, 'The From number is not one of this resource’s numbers.');
    if (requestId !== undefined || firstSent !== undefined) {
      const firstSentAt = firstSent === undefined ? NaN : Date.parse(firstSent);
      if (requestId === undefined || !GUID.test(requestId) || Number.isNaN(firstSentAt)) {
        return { ...failed(to, 400, 'Invalid repeatability headers.'), repeatabilityResult: 'rejected' };
      }
      if (firstSentAt < now - REPEAT_WINDOW_MS) {
        return {
          ...failed(to, 412, 'Repeatability first sent header is not within the 5 minutes window.'),
          repeatabilityResult: 'rejected',
        };
      }
      const fingerprint = fingerprintOf(body, to, firstSent ?? '');
      const known = state.repeats[requestId];
      if (known) {
        if (known.fingerprint !== fingerprint) {
          return {
            ...failed(to, 400, 'The repeated request does not match the original request.'),
            repeatabilityResult: 'rejected',
          };
        }
        return {
          to,
          messageId: known.messageId,
          httpStatusCode: 202,
          repeatabilityResult: 'accepted',
          successful: true,
        };
      }
      const sms = deliver(body, to, now, requestId, firstSent);
      state.repeats[requestId] = { receivedAt: now, fingerprint, messageId: sms.messageId };
      return { to, messageId: sms.messageId, httpStatusCode: 202, repeatabilityResult: 'accepted', successful: true };
    }
    const sms = deliver(body, to, now);
    return { to, messageId: sms.messageId, httpStatusCode: 202, successful: true };
  };

  const deliver = (body: SendRequest, to: string, now: number, requestId?: string, firstSent?: string): SentSms => {
    const sms: SentSms = {
      messageId: messageIdAt(now, ctx.prng.uuid()),
      from: body.from,
      to,
      message: body.message,
      sentAt: new Date(now).toISOString(),
      enableDeliveryReport: body.smsSendOptions?.enableDeliveryReport === true,
      ...(body.smsSendOptions?.tag === undefined ? {} : { tag: body.smsSendOptions.tag }),
      ...(requestId === undefined ? {} : { repeatabilityRequestId: requestId }),
      ...(firstSent === undefined ? {} : { repeatabilityFirstSent: firstSent }),
    };
    state.sent.push(sms);
    const subscription = state.eventSubscription;
    if (sms.enableDeliveryReport && subscription) {
      reports.enqueue(subscription, sms, (status) => {
        sms.deliveryStatus = status;
      });
    }
    return sms;
  };

  return {
    name: 'acs',
    handle: (request) => {
      if (request.method === 'POST' && request.path.replace(/\/+$/, '') === '/sms')
        return Promise.resolve(send(request));
      return Promise.resolve(undefined);
    },
    load: (practice: PracticeSeed) => {
      key = accessKeyFor(practice);
      state = emptyAcsState();
      throttle.clear();
    },
    exportState: () => state,
    importState: (imported: unknown) => {
      const s = imported as Partial<AcsState> | undefined;
      state = { ...emptyAcsState(), ...(s ?? {}) };
    },
    inspect: () => ({
      sent: state.sent.length,
      messages: state.sent,
      eventSubscription: state.eventSubscription ?? null,
    }),
    dispose: () => reports.dispose(),
    accessKey: () => key,
    sent: () => state.sent.map((sms) => ({ ...sms })),
    subscribe: async (endpoint, delayMs = DEFAULT_REPORT_DELAY_MS) => {
      const validated = await reports.validate(endpoint);
      if (validated.ok) state.eventSubscription = { endpoint, delayMs };
      return validated;
    },
    reportsSettled: () => reports.idle(),
  };
}

function isKnownRepeat(state: AcsState, requestId: string | undefined): boolean {
  return requestId !== undefined && Object.hasOwn(state.repeats, requestId);
}

function forgetOldRepeats(state: AcsState, now: number): void {
  for (const [id, record] of Object.entries(state.repeats)) {
    if (record.receivedAt < now - REPEAT_WINDOW_MS) delete state.repeats[id];
  }
}

function fingerprintOf(body: SendRequest, to: string, firstSent: string): string {
  const options = body.smsSendOptions ?? {};
  return createHash('sha256')
    .update(
      JSON.stringify([
        body.from,
        to,
        body.message,
        firstSent,
        options.enableDeliveryReport ?? false,
        options.tag ?? null,
      ]),
    )
    .digest('base64');
}

/** `Outgoing_<yyyyMMddHHmmss><guid>_noam`, as the REST reference's sample ids look. */
function messageIdAt(now: number, uuid: string): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `Outgoing_${stamp}${uuid}_noam`;
}

function failed(to: string, httpStatusCode: number, errorMessage: string): RecipientResult {
  return { to, httpStatusCode, successful: false, errorMessage };
}

function error(status: number, code: string, message: string, request: SandboxRequest): SandboxResponse {
  return { status, headers: { 'MS-CV': request.requestId }, body: { error: { code, message } } };
}
