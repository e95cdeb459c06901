// SMS through Azure Communication Services with @azure/communication-sms, sent through our HTTP layer.
// Every recipient carries ACS's repeatability fields: `repeatabilityRequestId` = the message's stableId
// (derived from the reminder id, the same on every attempt) and `repeatabilityFirstSent` = when the first
// hand-over began, so a retry after a crash or a lost answer is dropped by ACS itself for as long as it
// tracks repeats (5 minutes, "Repeatable requests"); afterwards ACS refuses the repeat with 412
// (RepeatWindowClosedError) and a person checks. Delivery reports carry `tag` = the reminder id.
import { isRestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import { SmsClient, type SmsSendResult } from '@azure/communication-sms';
import type { Clock } from '../../clock';
import {
  ExternalServiceError,
  LifeCockpitError,
  TransientError,
  ValidationError,
  AuthenticationError,
} from '../../errors';
import { parseRetryAfter, type HttpClient } from '../../http';
import type { Logger } from '../../log';
import {
  HandOverUncertainError,
  RepeatWindowClosedError,
  type ChannelMessage,
  type HandOver,
  type TransportChannel,
} from '../types';
import { parseAcsConnectionString } from './connectionString';
import { acsPipelineHttpClient } from './pipelineHttpClient';
import { FIRST_SENT_HEADER, REPEAT_ID_HEADER, repeatabilityPolicy } from './repeatabilityPolicy';

export { parseAcsConnectionString, type AcsConnection } from './connectionString';

/** How long ACS drops a repeat ("Repeatable requests": 5 minutes), less a minute for clock skew and transit. */
export const ACS_SMS_REPEAT_WINDOW_MS = 5 * 60_000 - 60_000;

/**
 * A toll-free number's documented limit ("Service limits for Azure Communication Services", SMS, Send Message:
 * toll-free, per number, 60 s, 200 requests and 200 message units; a short code 6,000 per number, an
 * alphanumeric sender ID 600 per resource). ACS documents no concurrency limit: 8 at once, what the HTTP layer
 * allows ACS. The sender carries four reminders per hand-over from claim to recorded; when it carried only
 * `concurrency` of them, each with five Dataverse writes around its send, a Dataverse answering in 150 ms made
 * 400 SMS take 105 s at 4 and 84 s at 8 where the rate allows 60 s.
 */
export const ACS_SMS_LIMITS = { perMinute: 200, concurrency: 8 } as const;

const E164 = /^\+[1-9]\d{6,14}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AcsSmsChannelDeps {
  http: HttpClient;
  connectionString: string;
  clock: Clock;
  log: Logger;
}

export function createAcsSmsChannel(deps: AcsSmsChannelDeps): TransportChannel {
  // Checked here so a malformed secret fails with our message; the SDK parses the same string itself.
  parseAcsConnectionString(deps.connectionString);
  const client = new SmsClient(deps.connectionString, {
    httpClient: acsPipelineHttpClient(deps.http),
    // The layer retries what is safe to retry (a 429); the SDK retrying too would multiply the attempts.
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: repeatabilityPolicy(), position: 'perCall' }],
  });
  const log = deps.log.child('business');
  return {
    id: 'acsSms',
    medium: 'sms',
    afterCrash: 'repeatableWithinWindow',
    limits: ACS_SMS_LIMITS,
    repeatWindowMs: ACS_SMS_REPEAT_WINDOW_MS,
    async send(message: ChannelMessage, signal?: AbortSignal): Promise<HandOver> {
      checkMessage(message);
      let results: SmsSendResult[];
      try {
        results = await client.send(
          { from: message.from, to: [message.to.address], message: message.body },
          {
            enableDeliveryReport: true,
            tag: message.reminderId,
            ...(signal ? { abortSignal: signal } : {}),
            requestOptions: {
              customHeaders: {
                [REPEAT_ID_HEADER]: message.stableId,
                [FIRST_SENT_HEADER]: message.firstAttemptAt.toUTCString(),
              },
            },
          },
        );
      } catch (error) {
        throw sendError(error, message, deps.clock);
      }
      const result = results[0];
      if (result?.successful === true && result.messageId) {
        log.info('sms handed over', { reminderId: message.reminderId, messageId: result.messageId });
        return { providerMessageId: result.messageId };
      }
      throw recipientError(result, message);
    },
  };
}

function checkMessage(message: ChannelMessage): void {
  if (!E164.test(message.to.address)) {
    throw new ValidationError(
      `The phone number of reminder ${message.reminderId} is not in E.164 form (+491701234567); correct the client's phone.`,
      { code: 'channels.invalidPhone', detail: { reminderId: message.reminderId } },
    );
  }
  if (!E164.test(message.from)) {
    throw new ValidationError('The SMS sending number (smsFrom, LC_SMS_FROM) is not in E.164 form (+18005550123).', {
      code: 'channels.invalidSmsFrom',
    });
  }
  if (!GUID.test(message.stableId)) {
    throw new ValidationError('An SMS needs a GUID as its repeatability id; the reminder’s stable id is not one.', {
      code: 'channels.invalidStableId',
      detail: { reminderId: message.reminderId },
    });
  }
}

/** A whole request refused (RestError with a status), or no answer at all (the layer's typed error). */
function sendError(error: unknown, message: ChannelMessage, clock: Clock): LifeCockpitError {
  if (isRestError(error) && error.statusCode !== undefined) {
    const status = error.statusCode;
    const detail = { status, reminderId: message.reminderId };
    if (status === 429 || status === 503) {
      // Refused at the door ("Service limits": 429 means the request was not processed): safe to send again.
      const retryAfterMs = parseRetryAfter(headerOf(error.response, 'retry-after'), clock.now());
      return new TransientError(
        `Azure Communication Services is ${status === 429 ? 'throttling SMS from this number' : 'unavailable'}; the SMS was not sent and will be tried again.`,
        {
          code: 'channels.acsThrottled',
          detail: { ...detail, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        },
      );
    }
    if (status === 401 || status === 403) {
      return new AuthenticationError(
        'Azure Communication Services refused the access key. Check the connection string (LC_ACS_CONNECTION_STRING).',
        { code: 'channels.acsUnauthorized', retriable: false, detail },
      );
    }
    if (status >= 500) {
      // The service answered but may have acted before failing.
      return new HandOverUncertainError('acsSms', `the service answered ${status}`, { cause: error, detail });
    }
    return new ExternalServiceError(`Azure Communication Services refused the SMS (${status}).`, {
      code: 'channels.acsRefused',
      retriable: false,
      detail,
    });
  }
  if (error instanceof LifeCockpitError) {
    if (mayHaveArrived(error)) {
      return new HandOverUncertainError('acsSms', `the connection was lost after sending (${error.code})`, {
        cause: error,
        detail: { reminderId: message.reminderId },
      });
    }
    return error;
  }
  return new HandOverUncertainError('acsSms', error instanceof Error ? error.message : String(error), {
    cause: error,
    detail: { reminderId: message.reminderId },
  });
}

/** The layer's transport errors: refused connections, TLS and DNS failures never reached ACS. */
function mayHaveArrived(error: LifeCockpitError): boolean {
  if (error.errorClass === 'cancelled' || error.errorClass === 'validation') return false;
  if (
    error.code === 'http.connectionRefused' ||
    error.code === 'http.tlsUntrusted' ||
    error.code === 'http.hostNotFound'
  ) {
    return false;
  }
  if (error.detail?.['lowLevelCode'] === 'UND_ERR_CONNECT_TIMEOUT') return false;
  if (error.code === 'http.circuitOpen') return false;
  return error.code.startsWith('http.');
}

/** A 202 whose one recipient was not sent: 412 repeat too old, 400 a repeat that differs, or a bad number. */
function recipientError(result: SmsSendResult | undefined, message: ChannelMessage): LifeCockpitError {
  const status = result?.httpStatusCode;
  const detail = { status, reminderId: message.reminderId, reason: result?.errorMessage };
  if (status === 412) {
    return new RepeatWindowClosedError('acsSms', message.firstAttemptAt, { detail });
  }
  return new ExternalServiceError(
    `Azure Communication Services did not send the SMS of reminder ${message.reminderId} (${status ?? 'no result'}: ${result?.errorMessage ?? 'no reason given'}).`,
    { code: 'channels.acsRecipientRefused', retriable: false, detail },
  );
}

function headerOf(response: PipelineResponse | undefined, name: string): string | undefined {
  return response?.headers.get(name);
}
