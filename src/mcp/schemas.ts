// The tools' input and output shapes (zod, listed to clients as JSON schemas): what an agent may pass, and
// what each answer holds, so an agent can rely on the fields and the server checks its own answers.
import { z } from 'zod';
import { isGuid } from '../core/dataverse';
import { PAYMENT_STATUS, MESSAGE_STATUS } from '../core/practice';

export const sessionId = z
  .string()
  .trim()
  .refine(isGuid, 'expected a session id (a GUID, as sessions_list gives it)')
  .describe('The session id, as sessions_list gives it');

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-12-03');

export const spanInput = {
  range: z
    .enum(['today', 'week'])
    .optional()
    .describe(
      "today (the default), or week: today and the rest of this week, as the editor's Sessions view shows them",
    ),
  from: isoDay.optional().describe('First local day of a date range (YYYY-MM-DD); give it with to, instead of range'),
  to: isoDay.optional().describe('Last local day of the range, inclusive (YYYY-MM-DD); at most 92 days after from'),
};

const paymentState = z.enum(Object.keys(PAYMENT_STATUS) as [keyof typeof PAYMENT_STATUS]);
const reminderStatus = z.enum(Object.keys(MESSAGE_STATUS) as [keyof typeof MESSAGE_STATUS]);
const sessionStatus = z.enum(['scheduled', 'attended', 'noShow', 'canceled']);

export const sessionReminderShape = z.object({
  id: z.string(),
  kind: z.enum(['reminder', 'followUp']),
  status: reminderStatus,
  scheduledTime: z.string(),
  sentTime: z.string().nullable(),
});

export const agentSessionShape = z.object({
  id: z.string(),
  subject: z.string(),
  start: z.string().describe('ISO date-time'),
  end: z.string(),
  client: z.string().nullable(),
  clientId: z.string().nullable(),
  status: sessionStatus,
  payment: paymentState,
  feeCents: z.number().nullable(),
  location: z.string().nullable(),
  hasNote: z.boolean().nullable().describe('Whether a note is attached (known for attended sessions)'),
  needsAttention: z.array(z.enum(['stillScheduled', 'unpaid', 'noNote'])),
  reminders: z.array(sessionReminderShape),
});

export const sessionsListOutput = {
  profile: z.string(),
  from: z.string().describe('First local day listed'),
  to: z.string().describe('Last local day listed'),
  total: z.number().describe('Sessions in the span'),
  truncated: z.boolean().describe('More sessions than listed: ask for fewer days'),
  sessions: z.array(agentSessionShape),
};

export const sessionGetOutput = {
  profile: z.string(),
  session: agentSessionShape,
  stripeInvoiceId: z.string().nullable(),
  stripeCheckoutSessionId: z.string().nullable(),
};

export const plannedMessageShape = z.object({
  reminderId: z.string(),
  kind: z.enum(['reminder', 'followUp']),
  mailbox: z.string(),
  recipient: z.string(),
  clientName: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  sessionId: z.string().nullable(),
  scheduledTime: z.string(),
  state: z.enum(['due', 'recovering']),
});

export const remindersPlanOutput = {
  profile: z.string(),
  now: z.string(),
  total: z.number().describe('Messages a send would let leave now'),
  recovering: z.number().describe('Of them, left in sending by an earlier run: looked up in the mailbox first'),
  mailboxes: z.array(z.object({ mailbox: z.string(), count: z.number() })),
  messages: z.array(plannedMessageShape),
};

export const paymentsOutstandingOutput = {
  profile: z.string(),
  from: z.string(),
  to: z.string(),
  currency: z.string(),
  totalCents: z.number(),
  byPayment: z.record(z.string(), z.number()),
  sessions: z.array(
    z.object({
      id: z.string(),
      subject: z.string(),
      client: z.string().nullable(),
      start: z.string(),
      feeCents: z.number(),
      payment: paymentState,
    }),
  ),
};

export const dataverseQueryInput = {
  table: z
    .string()
    .trim()
    .describe("A table of the practice mapping, by entity set or logical name (see whoami's tables)"),
  select: z.array(z.string()).max(40).optional().describe('Columns to return'),
  filter: z.string().max(2000).optional().describe("An OData $filter condition on the table's own columns"),
  orderBy: z.string().max(200).optional().describe('An OData $orderby, such as "scheduledstart desc"'),
  top: z.number().int().min(1).max(100).optional().describe('Rows at most (default 20, at most 100)'),
};

export const dataverseQueryOutput = {
  table: z.string(),
  rows: z.array(z.record(z.string(), z.unknown())),
  more: z.boolean().describe('More rows match than were returned: narrow the filter or raise top'),
};

export const whoamiOutput = {
  signedIn: z.boolean(),
  profile: z.string().nullable(),
  kind: z.enum(['sandbox', 'test', 'live']).nullable().describe('sandbox, test or live (real clients and money)'),
  tenant: z.string().nullable(),
  mailbox: z.string().nullable(),
  identity: z.string().nullable().describe('Who the server acts as, once signed in'),
  dataverseUrl: z.string().nullable(),
  stripeMode: z.enum(['test', 'live']).nullable(),
  agentWrites: z.object({
    setting: z.boolean().describe("The profile's agentWrites setting"),
    liveConfirmed: z.boolean().describe('The editor confirmed agent writes on a live profile'),
    clientAsks: z.boolean().describe('This client can ask the practitioner (MCP elicitation)'),
    decision: z.enum(['ask', 'allowed', 'refused']),
    explanation: z.string(),
  }),
  tables: z.array(z.string()).describe('The tables dataverse_query reads (entity sets)'),
  problem: z.string().nullable().describe('Why the server is not signed in, and how to sign in'),
};

export const sendReportOutput = {
  profile: z.string(),
  total: z.number(),
  sent: z.number(),
  submitted: z.number().describe('In the Outbox; recorded by the next run'),
  failed: z.number(),
  retryLater: z.number(),
  skipped: z.number(),
  items: z.array(
    z.object({
      reminderId: z.string(),
      recipient: z.string(),
      subject: z.string(),
      outcome: z.enum(['sent', 'submitted', 'failed', 'retryLater', 'skipped']),
      error: z.string().optional(),
    }),
  ),
};

export const markAttendedOutput = {
  profile: z.string(),
  session: agentSessionShape,
  followUpCreated: z.boolean().describe('False when the follow-up already existed, or the client has no e-mail'),
  cancelledReminders: z.number(),
};

export const addNoteOutput = {
  profile: z.string(),
  sessionId: z.string(),
  noteId: z.string(),
  alreadySaved: z.boolean().describe('The same note was already on the session: nothing new was written'),
};

export const chargeOutput = {
  profile: z.string(),
  mode: z.enum(['invoice', 'checkout']).describe("How the client is asked to pay (the profile's stripeChargeMode)"),
  sessionId: z.string(),
  customerId: z.string().nullable(),
  amountCents: z.number(),
  currency: z.string(),
  payment: paymentState,
  alreadyCharged: z.boolean().describe('The session was already charged this way: nothing new was made at Stripe'),
  testMode: z.boolean(),
  invoiceId: z.string().nullable().describe('invoice mode: the Stripe invoice'),
  hostedInvoiceUrl: z.string().nullable(),
  checkoutSessionId: z.string().nullable().describe('checkout mode: the Stripe Checkout Session whose link was mailed'),
  checkoutUrl: z.string().nullable(),
  mail: z
    .object({ to: z.string(), mailbox: z.string().nullable(), outcome: z.string(), error: z.string().nullable() })
    .nullable()
    .describe("checkout mode: the link's mail and what the sender did with it"),
};
