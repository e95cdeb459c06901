// The single source of truth for every setting: one zod schema. The editor's settings contribution
// (package.json `contributes.configuration`), the env-var names and `lc config show` all derive from
// it or are checked against it by test/unit/config/manifestSettings.test.ts.
import { z } from 'zod';

const guidOrDomain = z
  .string()
  .regex(
    /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9.-]+\.[a-z]{2,}|common|organizations)$/i,
    'a directory (tenant) id: a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or a domain such as contoso.onmicrosoft.com',
  );
const guid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'an application (client) id: a GUID from the app registration’s Overview page',
  );
const httpsUrl = z
  .string()
  .url('an absolute URL such as https://contoso.crm.dynamics.com')
  .refine((u) => u.startsWith('https://'), 'an https:// URL')
  .transform((u) => u.replace(/\/+$/, ''));

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form such as +4915112345678');

export const PROFILE_KINDS = ['sandbox', 'test', 'live'] as const;
export const AUTH_KINDS = ['secret', 'certificate', 'user'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

export const profileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a short name of letters, digits, ".", "_" or "-"'),
  /** sandbox: the built-in stand-in; test: a test tenant; live: real clients and money. */
  kind: z.enum(PROFILE_KINDS).default('live'),
  tenantId: guidOrDomain.optional(),
  clientId: guid.optional(),
  authKind: z.enum(AUTH_KINDS).default('secret'),
  /** PEM (private key + certificate) or PFX file for certificate credentials. Not a secret by itself: a path. */
  certificateFile: z.string().min(1).optional(),
  certificateThumbprint: z
    .string()
    .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/i, 'a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint')
    .optional(),
  dataverseUrl: httpsUrl.optional(),
  mailbox: z.string().email('the sender mailbox, an e-mail address such as dr.morgan@contoso.com').optional(),
  graphUrl: httpsUrl.default('https://graph.microsoft.com'),
  authorityHost: httpsUrl.default('https://login.microsoftonline.com'),
  /** Extra CA certificate trusted for this profile's hosts only (the sandbox's). */
  caFile: z.string().min(1).optional(),
  stripeMode: z.enum(['test', 'live']).default('test'),
  stripeUrl: httpsUrl.default('https://api.stripe.com'),
  /** How Charge Session asks for money: an invoice Stripe sends, or a Checkout page whose link we mail. */
  stripeChargeMode: z.enum(['invoice', 'checkout']).default('invoice'),
  /** Let an agent (`lc mcp`) make effects after its own approval. Off by default; a live profile also needs the editor's confirmation. */
  agentWrites: z.boolean().default(false),
  /** Ask before every effect (mail to clients, a charge, a record change). Defaults on for live profiles. */
  confirmEffects: z.boolean().optional(),
  /** Test mode: every message goes to the practitioner's own mailbox, its subject naming the real recipient. */
  sendToSelf: z.boolean().default(false),
  /** Send approved reminders without asking. */
  autoSend: z.boolean().default(false),
  /**
   * How e-mail leaves: Graph from the profile's mailbox (a crash is reconciled from Sent Items), or SMTP or
   * SendGrid (a crash between handing over and recording leaves the reminder for a person to check).
   */
  mailChannel: z.enum(['graph', 'smtp', 'sendgrid']).default('graph'),
  /** The sending number for SMS through Azure Communication Services, in E.164 form. */
  smsFrom: e164.optional(),
  /** The practitioner's own phone: in send-to-me mode every SMS goes here. */
  selfPhone: e164.optional(),
  /** SendGrid's API; only a sandbox profile may point it at a loopback stand-in. */
  sendgridUrl: httpsUrl.default('https://api.sendgrid.com'),
});
export type Profile = z.infer<typeof profileSchema>;

const tableOverride = z
  .object({
    logicalName: z.string(),
    entitySet: z.string(),
    primaryId: z.string(),
    primaryName: z.string(),
    columns: z.record(z.string(), z.string()),
  })
  .partial();

export const configSchema = z.object({
  activeProfile: z.string().default('sandbox'),
  profiles: z.array(profileSchema).default([]),
  log: z
    .object({
      level: z.enum(LOG_LEVELS).default('info'),
      /** JSON-lines log and audit files; rotated by size. */
      fileMaxSizeMb: z.number().int().min(1).max(1024).default(10),
      fileMaxFiles: z.number().int().min(1).max(100).default(5),
    })
    .prefault({}),
  webhooks: z
    .object({
      port: z.number().int().min(0).max(65535).default(8787),
      bindAddress: z.union([z.ipv4(), z.ipv6()], { error: 'an IP address such as 127.0.0.1' }).default('127.0.0.1'),
      /** Local endpoints each received event is forwarded to as well (loopback only: payloads carry client data). */
      forwardTo: z
        .array(
          z
            .string()
            .url('an absolute URL such as http://127.0.0.1:3000/webhooks')
            .refine(
              (u) => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/i.test(u),
              'a loopback URL (127.0.0.1, localhost or [::1]): stored events carry client data',
            ),
        )
        .max(10)
        .default([]),
      /** The https URL a tunnel gives the receiver, for Graph's notifications; unset, only the sandbox can reach it. */
      publicUrl: httpsUrl.optional(),
      /** Lifetime asked for a calendar subscription; it is renewed at half of it. Graph's maximum for events is 4,230 minutes or more. */
      graphSubscriptionMinutes: z.number().int().min(45).max(10_080).default(4_200),
    })
    .prefault({}),
  payments: z
    .object({
      /** ISO currency of session fees, lower-case as Stripe writes it. */
      currency: z
        .string()
        .regex(/^[a-z]{3}$/, 'a three-letter currency code such as eur')
        .default('eur'),
      /** Days a client has to pay an invoice. */
      daysUntilDue: z.number().int().min(1).max(365).default(14),
      /** The page Stripe shows a client who paid by a Checkout link (the practice's own thank-you page). */
      checkoutSuccessUrl: httpsUrl.optional(),
    })
    .prefault({}),
  reminders: z
    .object({
      leadTimesMinutes: z
        .array(
          z
            .number()
            .int()
            .min(1)
            .max(60 * 24 * 30),
        )
        .default([1440, 120]),
      followUpDelayMinutes: z
        .number()
        .int()
        .min(0)
        .max(60 * 24 * 7)
        .default(0),
      /** Exchange Online lets one mailbox submit about 30 messages a minute; beyond it mail queues on the server. */
      perMinute: z.number().int().min(1).max(10_000).default(30),
      /** Graph allows 4 concurrent requests per mailbox (more meet 429). */
      concurrency: z.number().int().min(1).max(16).default(4),
      /** Tries before a reminder lands in Failed. */
      maxAttempts: z.number().int().min(1).max(20).default(5),
      /**
       * How long after a send was asked for a message Exchange still shows in Drafts is taken as possibly
       * submitted (looked up again later, never sent again); after it, the send is taken as never having arrived.
       */
      submittedDraftGraceSeconds: z
        .number()
        .int()
        .min(0)
        .max(24 * 3600)
        .default(300),
    })
    .prefault({}),
  tables: z
    .object({
      client: tableOverride,
      session: tableOverride,
      scheduledMessage: tableOverride,
      messageLog: tableOverride,
      note: tableOverride,
    })
    .partial()
    .default({}),
});
export type Configuration = z.infer<typeof configSchema>;

/**
 * Settings that live at the top level of `lifeCockpit.*` and may come from env vars / .env too.
 * Profile fields come from env vars as overrides of the active profile (see PROFILE_ENV).
 */
export const SETTING_ENV: Readonly<Record<string, string>> = {
  activeProfile: 'LC_PROFILE',
  'log.level': 'LC_LOG_LEVEL',
  'log.fileMaxSizeMb': 'LC_LOG_FILE_MAX_SIZE_MB',
  'log.fileMaxFiles': 'LC_LOG_FILE_MAX_FILES',
  'webhooks.port': 'LC_WEBHOOK_PORT',
  'webhooks.bindAddress': 'LC_WEBHOOK_BIND_ADDRESS',
  'webhooks.forwardTo': 'LC_WEBHOOK_FORWARD_TO',
  'webhooks.publicUrl': 'LC_WEBHOOK_PUBLIC_URL',
  'webhooks.graphSubscriptionMinutes': 'LC_GRAPH_SUBSCRIPTION_MINUTES',
  'payments.currency': 'LC_CURRENCY',
  'payments.daysUntilDue': 'LC_DAYS_UNTIL_DUE',
  'payments.checkoutSuccessUrl': 'LC_CHECKOUT_SUCCESS_URL',
  /** The practice's own table mapping, as JSON: how the editor hands it to `lc mcp`, and a CI sets it. */
  tables: 'LC_TABLES',
  'reminders.leadTimesMinutes': 'LC_REMINDER_LEAD_TIMES',
  'reminders.followUpDelayMinutes': 'LC_FOLLOW_UP_DELAY_MINUTES',
  'reminders.perMinute': 'LC_REMINDER_PER_MINUTE',
  'reminders.concurrency': 'LC_REMINDER_CONCURRENCY',
  'reminders.maxAttempts': 'LC_REMINDER_MAX_ATTEMPTS',
  'reminders.submittedDraftGraceSeconds': 'LC_SUBMITTED_DRAFT_GRACE_SECONDS',
};

/** Env vars that override a field of the active profile (or create it when settings lack it). */
export const PROFILE_ENV: Readonly<Partial<Record<keyof Profile, string>>> = {
  kind: 'LC_PROFILE_KIND',
  tenantId: 'LC_TENANT_ID',
  clientId: 'LC_CLIENT_ID',
  authKind: 'LC_AUTH_KIND',
  certificateFile: 'LC_CERTIFICATE_FILE',
  certificateThumbprint: 'LC_CERTIFICATE_THUMBPRINT',
  dataverseUrl: 'LC_DATAVERSE_URL',
  mailbox: 'LC_MAILBOX',
  graphUrl: 'LC_GRAPH_URL',
  authorityHost: 'LC_AUTHORITY_HOST',
  caFile: 'LC_CA_FILE',
  stripeMode: 'LC_STRIPE_MODE',
  stripeUrl: 'LC_STRIPE_URL',
  stripeChargeMode: 'LC_STRIPE_CHARGE_MODE',
  agentWrites: 'LC_AGENT_WRITES',
  confirmEffects: 'LC_CONFIRM_EFFECTS',
  sendToSelf: 'LC_SEND_TO_SELF',
  autoSend: 'LC_AUTO_SEND',
  mailChannel: 'LC_MAIL_CHANNEL',
  smsFrom: 'LC_SMS_FROM',
  selfPhone: 'LC_SELF_PHONE',
  sendgridUrl: 'LC_SENDGRID_URL',
};

/** Secrets: never in settings, never in config; only SecretStorage (editor) or these env vars (CLI). */
export const SECRET_ENV = {
  clientSecret: 'LC_CLIENT_SECRET',
  certificatePassword: 'LC_CERTIFICATE_PASSWORD',
  stripeSecretKey: 'LC_STRIPE_SECRET_KEY',
  stripeWebhookSecret: 'LC_STRIPE_WEBHOOK_SECRET',
  /** `endpoint=https://…;accesskey=…`: the endpoint is inside the secret, so no setting can redirect the key. */
  acsConnectionString: 'LC_ACS_CONNECTION_STRING',
  /** `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465`: the host is inside the secret for the same reason. */
  smtpUrl: 'LC_SMTP_URL',
  sendgridApiKey: 'LC_SENDGRID_API_KEY',
} as const;
export type SecretName = keyof typeof SECRET_ENV;
