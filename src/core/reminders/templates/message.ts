// What a message is rendered from and what rendering gives back: the shapes renderMessage and the
// locale choice share.
import type { Session } from '../../sessions';
import type { SmsSegments } from './smsSegments';

/**
 * Which template: a reminder before a session, a follow-up after it, the notice that it is cancelled, the link
 * where the client pays the session's fee (Charge Session by Stripe Checkout).
 */
export type MessageKind = 'reminder' | 'followUp' | 'cancellation' | 'paymentLink';

/** What a payment link message says: where to pay, how much, until when. */
export interface MessagePayment {
  url: string;
  amountCents: number;
  /** ISO currency, as Stripe writes it (`eur`). */
  currency: string;
  /** When the link stops working. */
  expiresAt: Date;
}

export interface MessageClient {
  name: string;
  firstName?: string | undefined;
  email?: string | undefined;
  /** BCP 47 tag from the client's record, e.g. `de` or `de-AT`. */
  language?: string | undefined;
  /** IANA time zone from the client's record, e.g. `Europe/Berlin`. */
  timeZone?: string | undefined;
}

export interface MessagePractitioner {
  name: string;
  email?: string | undefined;
  /** The practice's language: used when the client's has no template, and for workspace bare templates. */
  language?: string | undefined;
  /** The practice's IANA time zone: used when the client's is unknown. */
  timeZone: string;
}

export interface MessageInput {
  kind: MessageKind;
  session: Session;
  client: MessageClient;
  practitioner: MessagePractitioner;
  /** Only for a payment link; absent otherwise, so a template naming it fails. */
  payment?: MessagePayment | undefined;
  /** Overrides the client's language. */
  language?: string | undefined;
  /** Overrides the client's time zone. */
  timeZone?: string | undefined;
  /** `sms` picks the `<kind>.sms` templates (`reminder.sms.liquid`, `reminder.sms.de.liquid`): plain text, no subject. */
  medium?: 'email' | 'sms' | undefined;
}

export interface RenderedMessage {
  /** '' for an SMS. */
  subject: string;
  body: string;
  /** An e-mail's body is HTML, an SMS's plain text. */
  contentType: 'html' | 'text';
  /** The template that produced it (a workspace path or `(built-in) name`). */
  template: string;
  language: string;
  timeZone: string;
  /** For an SMS: what it costs in segments, and in which encoding. */
  sms?: SmsSegments;
  /** What a person should know before sending it, e.g. 'The SMS is 3 segments long (more than 2).' */
  warnings?: string[];
}
