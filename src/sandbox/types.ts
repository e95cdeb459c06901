// The contract between the sandbox's server (server.ts) and the services it hosts (entra/, graph/,
// dataverse/, stripe/). Each service is a ServiceHandler mounted under a path prefix of one HTTPS
// origin; it receives already-read requests and returns plain responses, so it can be unit-tested
// without a socket. Faults, the request log and persistence belong to the server, not to services.

import type { IncomingHttpHeaders } from 'node:http';

export type ServiceName = 'entra' | 'graph' | 'dataverse' | 'stripe' | 'inspector' | 'sendgrid' | 'acs';

export interface SandboxRequest {
  method: string;
  /** The full request URL as the client addressed it (https://localhost:PORT/...). */
  url: URL;
  /** The path below the service's mount prefix, always starting with '/', still percent-encoded. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body (empty Buffer when none). */
  body: Buffer;
  /** Unique per request; services echo it where the real service sends a request id. */
  requestId: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON (content-type application/json unless headers say otherwise). */
  body?: string | Buffer | object;
  /**
   * Held open until the promise resolves: lets a service model in-flight work (Graph's per-mailbox
   * concurrency counts a request while it is in flight). Optional.
   */
  release?: () => void;
}

export interface ServiceHandler {
  readonly name: ServiceName;
  /** Returns undefined when no route matches (the server answers 404 in the service's error shape). */
  handle(request: SandboxRequest): Promise<SandboxResponse | undefined>;
}

/** What server.ts hands every service when it builds it. */
export interface ServiceContext {
  urls: SandboxUrls;
  tokens: TokenVerifier;
  clock: SandboxClock;
  prng: Prng;
  /** Outbound HTTP from the sandbox (Graph validation handshakes, Stripe webhook deliveries). */
  outbound(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<{ status: number; body: string }>;
}

/** A hosted service: a handler plus its state's life cycle. State must survive export → JSON → import. */
export interface SandboxService extends ServiceHandler {
  /** Replaces the state with the seeded practice. */
  load(practice: PracticeSeed): void;
  exportState(): unknown;
  importState(state: unknown): void;
  /** A JSON summary for `lc sandbox inspect` and tests (e.g. sent mail, row counts, Stripe objects). */
  inspect(): unknown;
  /** Stops timers (webhook retries, subscription pings). */
  dispose?(): void;
}

/** The result of checking a bearer token for one audience. */
export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'audience' | 'tenant'; message: string };

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  oid: string;
  sub: string;
  roles?: string[];
  idtyp?: string;
  iat: number;
  nbf: number;
  exp: number;
  [claim: string]: unknown;
}

/** Implemented by entra/: services use it to check the `Authorization: Bearer …` header. */
export interface TokenVerifier {
  verify(authorizationHeader: string | undefined, audience: string): Promise<TokenCheck>;
}

/** Where each service stands; all share one origin `https://localhost:PORT`. */
export interface SandboxUrls {
  origin: string; // https://localhost:PORT
  authorityHost: string; // https://localhost:PORT  (tenants hang under it: /<tenant>/v2.0/...)
  graphUrl: string; // https://localhost:PORT/graph  (/v1.0/... and /$batch under it)
  dataverseUrl: string; // https://localhost:PORT/dataverse  (/api/data/v9.2/... under it)
  stripeUrl: string; // https://localhost:PORT  (Stripe's fixed basePath /v1/ under it)
  sendgridUrl?: string; // https://localhost:PORT  (SendGrid's /v3/mail/send under it; the origin when absent)
}

/** Deterministic randomness: every random choice in the sandbox draws from this, seeded. */
export interface Prng {
  next(): number; // [0, 1)
  int(minInclusive: number, maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  uuid(): string;
}

export interface SandboxClock {
  now(): number; // epoch ms
}

// ---------------------------------------------------------------------------------------------
// The seeded practice: one domain model that seed.ts generates and each service loads into its own
// wire representation (Dataverse rows, Graph users/events/mail, Stripe customers/invoices).

export interface PracticeSeed {
  tenantId: string;
  practiceName: string;
  practitioner: SeedPractitioner;
  /**
   * Every practitioner of the practice, the first being `practitioner`; each has a mailbox of their own
   * (`lc sandbox --practitioners K`). Absent in practices saved before there could be several.
   */
  practitioners?: SeedPractitioner[];
  businessUnitId: string;
  organizationId: string;
  /** Stripe account id and keys of the practice's test-mode account. */
  stripe: { accountId: string; secretKey: string; webhookSecret: string };
  app: {
    clientId: string;
    displayName: string;
    clientSecret: string;
    secretExpiresAt: string; // ISO
    /** Application roles granted for Graph. Dataverse access is by application user. */
    graphRoles: string[];
    /** The Dataverse application user (systemuser) the app acts as; WhoAmI returns it. */
    applicationUserId: string;
  };
  clients: SeedClient[];
  sessions: SeedSession[];
  reminders: SeedReminder[];
  /** Events booked in Outlook with no session yet (Import From Calendar's work); absent in older practices. */
  outlookOnlyEvents?: SeedOutlookEvent[];
}

export interface SeedOutlookEvent {
  /** Stable name the event's ids derive from. */
  key: string;
  subject: string;
  start: string; // ISO UTC
  end: string; // ISO UTC
  location: string;
  categories: string[];
  attendees: { name: string; address: string }[];
}

export interface SeedPractitioner {
  userId: string;
  displayName: string;
  mail: string;
  systemUserId: string;
}

export interface SeedClient {
  id: string; // contactid
  firstName: string;
  lastName: string;
  email: string;
  phone: string; // E.164, no spaces
  language: 'en' | 'de' | 'fr' | 'es';
  timeZone: string; // IANA
  stripeCustomerId?: string;
  /** The client prefers SMS (cre92_preferredchannel); e-mail when absent, as an empty column means. */
  preferredChannel?: 'sms';
}

export type SeedSessionState = 'scheduled' | 'attended' | 'noShow' | 'canceled';
export type SeedPaymentStatus = 'none' | 'unpaid' | 'invoiced' | 'paid' | 'refunded' | 'failed';

export interface SeedSession {
  id: string; // activityid
  clientId: string;
  subject: string;
  start: string; // ISO UTC
  end: string; // ISO UTC
  state: SeedSessionState;
  location: string;
  feeCents: number;
  currency: string; // 'eur'
  paymentStatus: SeedPaymentStatus;
  stripeInvoiceId?: string;
  /** When a canceled session was canceled (ISO UTC): the appointment's actualend. */
  canceledAt?: string;
  /** Also present as an event in the practitioner's Outlook calendar. */
  inCalendar: boolean;
  note?: string;
}

export type SeedReminderStatus = 'draft' | 'approved' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface SeedReminder {
  id: string; // cre92_scheduledmessageid
  sessionId: string;
  clientId: string;
  kind: 'reminder' | 'followUp';
  status: SeedReminderStatus;
  scheduledTime: string; // ISO UTC
  subject: string; // '' for an SMS
  text: string;
  /** Sent by SMS to the client's phone; by e-mail when absent. */
  channel?: 'sms';
  sentTime?: string;
  attempts: number;
  lastError?: string;
  /** The practitioner (systemuser) who owns it and from whose mailbox it is sent; the first when absent. */
  ownerSystemUserId?: string;
}

// ---------------------------------------------------------------------------------------------
// Faults (server.ts applies them before a request reaches its service).

export type FaultKind = 'latency' | 'throttle' | 'error500' | 'error503' | 'drop' | 'lostAnswer' | 'slowBody';

export interface FaultRule {
  /** Which service (or all when omitted). */
  service?: ServiceName;
  /** A regular expression matched against `METHOD path` (e.g. `^POST /v1.0/users/.+/sendMail`). */
  route?: string;
  kind: FaultKind;
  /** Probability in [0,1] that a matching request gets the fault (deterministic under the seed). */
  rate: number;
  /** latency / slowBody: milliseconds; throttle: Retry-After seconds. */
  value?: number;
  /** Stop applying after this many hits (undefined = unlimited). */
  limit?: number;
}

/** The ready line of `lc sandbox --json`, fixed by ../shared/INTERFACES.md §1. */
export interface SandboxReadyInfo {
  ready: true;
  caFile: string;
  authority: string;
  knownAuthority: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  certificate: { thumbprint: string; privateKeyFile: string; certificateFile: string };
  graphUrl: string;
  graphScope: string;
  dataverseUrl: string;
  stripeUrl: string;
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  /** Where https://api.sendgrid.com stands (/v3/mail/send under it), and the key it takes. */
  sendgridUrl: string;
  sendgridApiKey: string;
  mailbox: string;
  /** ACS: `endpoint=https://localhost:PORT/;accesskey=<base64>` (the same value as LC_ACS_CONNECTION_STRING). */
  acsConnectionString: string;
  /** The ACS resource's SMS sending number (E.164), as LC_SMS_FROM. */
  smsFrom: string;
  env: Record<string, string>;
}
