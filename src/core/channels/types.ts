// The one interface every non-Graph channel implements (SMS through ACS, SMTP, SendGrid), and the errors a
// hand-over can end in. The sender in src/core/reminders/sending drives any TransportChannel the same way;
// what differs between them is what a crash between handing a message over and recording it leaves behind.
import { LifeCockpitError, ValidationError, type ErrorOptions } from '../errors';

export type ChannelMedium = 'email' | 'sms';
export type TransportId = 'smtp' | 'sendgrid' | 'acsSms';
export type ChannelId = 'graph' | TransportId;

/** What a crash between handing a message over and recording it leaves; said plainly in UI and README. */
export type AfterCrash =
  | 'reconciled' // Graph: the mailbox is searched by the reminder's tag; never sent twice
  | 'repeatableWithinWindow' // ACS SMS: a repeat inside the window is dropped by the service itself
  | 'humanCheck'; // SMTP, SendGrid: the reminder waits in needsCheck for a person

export interface ChannelMessage {
  reminderId: string;
  to: { address: string; name?: string }; // e-mail address, or E.164 phone for SMS
  subject: string; // e-mail only ('' for SMS)
  body: string; // e-mail: HTML; SMS: plain text
  /** Derived from the reminder id (stableUuid), the same on every attempt: Message-ID, repeatabilityRequestId, custom_args. */
  stableId: string;
  /** When the first hand-over began, as recorded on the row before it (repeatabilityFirstSent). */
  firstAttemptAt: Date;
  /** The sender's address or number (profile mailbox / smsFrom). */
  from: string;
}

export interface HandOver {
  providerMessageId: string;
}

export interface TransportChannel {
  readonly id: TransportId;
  readonly medium: ChannelMedium;
  readonly afterCrash: Exclude<AfterCrash, 'reconciled'>;
  /** The service's documented limits, used for pacing (messages a minute, requests in flight). */
  readonly limits: { perMinute: number; concurrency: number };
  /** For repeatableWithinWindow: how long after firstAttemptAt the service still drops a repeat. */
  readonly repeatWindowMs?: number;
  /**
   * Hands the message over. Typed errors: retriable ones (429/503 with Retry-After → TransientError with
   * retryAfterMs detail as the HTTP layer does) were certainly NOT acted on; HandOverUncertainError when
   * the service may have acted (connection lost after the request was sent, 5xx after DATA, timeout);
   * RepeatWindowClosedError when the service refuses a repeat as too old (ACS 412).
   */
  send(message: ChannelMessage, signal?: AbortSignal): Promise<HandOver>;
  close?(): Promise<void>;
}

export type Transports = Partial<Record<TransportId, TransportChannel>>;

type ChannelErrorOptions = Omit<ErrorOptions, 'code' | 'retriable'>;

/** The service may have acted on the message: a blind retry could deliver a second copy. */
export class HandOverUncertainError extends LifeCockpitError {
  constructor(channel: TransportId, reason: string, options: ChannelErrorOptions = {}) {
    super(
      'external',
      `${channelLabel(channel)} may or may not have accepted the message (${reason}). ` +
        'It was not sent again, so that no second copy arrives: check whether the recipient got it, then mark the reminder sent or send it again.',
      { ...options, code: 'channels.uncertain', retriable: false, detail: { channel, ...options.detail } },
    );
  }
}

/** The service refuses a repeat of a message first handed over too long ago (ACS answers 412). */
export class RepeatWindowClosedError extends LifeCockpitError {
  constructor(channel: TransportId, firstAttemptAt: Date, options: ChannelErrorOptions = {}) {
    super(
      'external',
      `${channelLabel(channel)} no longer accepts a repeat of a message first handed over at ${firstAttemptAt.toISOString()}: ` +
        'the service only drops repeats for a few minutes. Check whether the recipient got it before sending it again.',
      {
        ...options,
        code: 'channels.repeatWindowClosed',
        retriable: false,
        detail: { channel, firstAttemptAt: firstAttemptAt.toISOString(), ...options.detail },
      },
    );
  }
}

/** The environment variable that carries each channel's secret for the CLI, the worker and the agents' server. */
export const CHANNEL_SECRET_ENV: Readonly<Record<TransportId, string>> = {
  acsSms: 'LC_ACS_CONNECTION_STRING',
  smtp: 'LC_SMTP_URL',
  sendgrid: 'LC_SENDGRID_API_KEY',
};

/** A message is due on a channel whose secret is not set for the profile. */
export class ChannelNotSetUpError extends ValidationError {
  constructor(channel: TransportId, profile?: string, options: ChannelErrorOptions = {}) {
    super(
      `${channelLabel(channel)} is not set up${profile === undefined ? '' : ` for profile "${profile}"`}: ` +
        `in the editor run "Life Cockpit: Set Channel Secret…"; for \`lc reminders send\`, \`lc worker run\` and \`lc mcp\` set ${CHANNEL_SECRET_ENV[channel]} in their environment (or .env), for the Functions worker in its app settings.`,
      { ...options, code: 'channels.notSetUp', retriable: false, detail: { channel, profile, ...options.detail } },
    );
  }
}

export function channelLabel(channel: ChannelId): string {
  switch (channel) {
    case 'graph':
      return 'Microsoft 365 mail';
    case 'acsSms':
      return 'SMS (Azure Communication Services)';
    case 'smtp':
      return 'SMTP mail';
    case 'sendgrid':
      return 'SendGrid mail';
  }
}
