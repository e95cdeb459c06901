// The agent's write tools: send the due reminders, mark a session attended, add a session note, charge a
// session. Each is refused at once when the client cannot ask and the profile does not allow agent writes;
// otherwise it reads what it would act on, asks the practitioner naming the profile, its tenant and exactly
// what will happen, and acts only on their yes, through the core's idempotent actions (the exactly-once
// sender, a follow-up and a note whose ids derive from the session, Stripe calls under derived keys), so a
// retried call changes nothing more. Every effect is audited once.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { markAttended } from '../core/booking';
import { channelsFor, closeTransports, readChannelSecrets } from '../core/channels';
import { PolicyError } from '../core/errors';
import { auditEffect } from '../core/log';
import { sendDueReminders, type SenderDeps } from '../core/reminders';
import { addSessionNote, MAX_NOTE_CHARS, type Session } from '../core/sessions';
import {
  chargeSession,
  chargeSessionByCheckout,
  createStripeApi,
  money,
  readPayingClient,
  readPaymentSession,
  type PaymentDeps,
} from '../core/stripe';
import { decideWriteApproval, requireApproval, type AskPractitioner, type WriteApproval } from './approval';
import type { McpConnection } from './deps';
import { clientCanAsk, planNow, type ToolContext } from './readTools';
import { addNoteOutput, chargeOutput, markAttendedOutput, sendReportOutput, sessionId } from './schemas';
import { agentSession } from './sessionReads';
import { guarded } from './toolAnswers';

/** How long the practitioner has to answer a question before the write is dropped (a person may be away). */
const APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** The payment states in which the core's charge only reads the existing invoice (chargeSession's BILLED). */
const ALREADY_BILLED: ReadonlySet<Session['payment']> = new Set(['invoiced', 'paid', 'refunded']);

/** One yes/no question through MCP elicitation: a form with no fields, accepted or declined. */
export function askThroughClient(server: McpServer): AskPractitioner {
  return async (question) => {
    const result = await server.server.elicitInput(
      { mode: 'form', message: question, requestedSchema: { type: 'object', properties: {} } },
      { timeout: APPROVAL_TIMEOUT_MS },
    );
    return result.action;
  };
}

/** The approval decision for this client and profile; a refusal is thrown before anything is read or signed in. */
function writeDecision(ctx: ToolContext): WriteApproval {
  const decision = decideWriteApproval({
    profile: ctx.link.profile(),
    clientAsks: clientCanAsk(ctx),
    liveWritesConfirmed: ctx.deps.liveWritesConfirmed,
  });
  if (decision.kind === 'refused') throw new PolicyError(decision.message, { code: decision.code });
  return decision;
}

/** Before a write on one session: who may approve it, the signed-in connection, and the session as it is now. */
async function sessionToChange(ctx: ToolContext, sessionId: string, signal: AbortSignal) {
  const decision = writeDecision(ctx);
  const connection = await ctx.link.connection();
  const tables = ctx.link.tables;
  const { session } = await readPaymentSession({ dataverse: connection.dataverse, tables }, sessionId, signal);
  return { decision, connection, tables, session };
}

function approve(ctx: ToolContext, decision: WriteApproval, connection: McpConnection, action: string) {
  return requireApproval(decision, askThroughClient(ctx.server), connection.profile, action);
}

function effect(connection: McpConnection, action: string, target: string) {
  return { actor: connection.actor, profile: connection.profile.name, action, target };
}

function senderDeps(ctx: ToolContext, connection: McpConnection): SenderDeps {
  const log = ctx.deps.runtime.hub.logger('business');
  return {
    dataverse: connection.dataverse,
    graph: connection.graph,
    tables: ctx.link.tables,
    clock: ctx.deps.clock,
    log,
    profile: connection.profile,
    settings: {
      ...ctx.link.config.reminders,
      submittedDraftGraceMs: ctx.link.config.reminders.submittedDraftGraceSeconds * 1000,
    },
    audit: ctx.deps.runtime.hub.audit(),
    actor: connection.actor,
    // SMS, SMTP and SendGrid from the server's environment, as `lc reminders send` reads them.
    transports: channelsFor(connection.profile, readChannelSecrets(ctx.deps.runtime.secret), {
      http: connection.http,
      clock: ctx.deps.clock,
      log,
    }),
  };
}

/** Runs `use` on the sender's dependencies and closes the channels they opened (SMTP's pool) however it ends. */
async function usingSender<T>(
  ctx: ToolContext,
  connection: McpConnection,
  use: (deps: SenderDeps) => Promise<T>,
): Promise<T> {
  const deps = senderDeps(ctx, connection);
  try {
    return await use(deps);
  } finally {
    await closeTransports(deps.transports);
  }
}

/** Who signs the messages: the profile's mailbox, in this machine's time zone (as the CLI's verbs sign them). */
function practitionerOf(connection: McpConnection) {
  return {
    name: connection.profile.mailbox ?? connection.profile.name,
    email: connection.profile.mailbox,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function when(date: Date): string {
  return date.toLocaleString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

function sessionWords(s: Session): string {
  return `the session "${s.subject}" with ${s.clientName ?? 'no client'} on ${when(s.start)}`;
}

export function registerWriteTools(ctx: ToolContext): void {
  const { server, link } = ctx;
  const log = ctx.deps.runtime.log;

  server.registerTool(
    'reminders_send',
    {
      title: 'Send due reminders',
      description:
        "Send every reminder and follow-up that is due now (reminders_plan shows them) from the practitioner's " +
        'mailbox, each exactly once, after the practitioner approves. A retry sends nothing twice.',
      inputSchema: {},
      outputSchema: sendReportOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    (_input, extra) =>
      guarded(log, 'reminders_send', async () => {
        const decision = writeDecision(ctx);
        const connection = await link.connection();
        const profile = connection.profile.name;
        const { now, planned, document } = await planNow(ctx, connection);
        if (planned.length === 0) return { profile, ...emptyReport() };
        const from = document.mailboxes.map(
          (m) => `${m.mailbox || '(no mailbox)'}${document.mailboxes.length > 1 ? ` (${m.count})` : ''}`,
        );
        const recovering =
          document.recovering > 0
            ? `, ${document.recovering} of them left in sending by an earlier run and looked up first`
            : '';
        await approve(
          ctx,
          decision,
          connection,
          `Send ${plural(planned.length, 'due reminder')} from ${from.join(', ')}${recovering}`,
        );
        // Exactly what was approved: the planned reminders at the planned moment, nothing that fell due since.
        const report = await usingSender(ctx, connection, (deps) =>
          sendDueReminders(deps, {
            now,
            reminderIds: planned.map((m) => m.reminderId),
            signal: extra.signal,
          }),
        );
        return { profile, ...report };
      }),
  );

  server.registerTool(
    'session_mark_attended',
    {
      title: 'Mark a session attended',
      description:
        'Record that the client attended: the session is completed, its unsent reminders are cancelled and a ' +
        'follow-up is drafted for approval. Asks the practitioner first; marking again changes nothing.',
      inputSchema: { sessionId },
      outputSchema: markAttendedOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (input, extra) =>
      guarded(log, 'session_mark_attended', async () => {
        const { decision, connection, tables, session } = await sessionToChange(ctx, input.sessionId, extra.signal);
        await approve(
          ctx,
          decision,
          connection,
          `Mark ${sessionWords(session)} attended (its unsent reminders are cancelled, a follow-up is drafted)`,
        );
        const reminders = link.config.reminders;
        const templates = await ctx.deps.templates();
        const marked = await auditEffect(
          ctx.deps.runtime.hub.audit(),
          effect(connection, 'session.markAttended', `${tables.session.entitySet}(${session.id})`),
          () =>
            markAttended(
              {
                dataverse: connection.dataverse,
                tables,
                clock: ctx.deps.clock,
                log: ctx.deps.runtime.hub.logger('business'),
                templates,
                practitioner: practitionerOf(connection),
                profile: connection.profile,
                settings: {
                  leadTimesMinutes: reminders.leadTimesMinutes,
                  followUpDelayMinutes: reminders.followUpDelayMinutes,
                },
              },
              session.id,
              { signal: extra.signal },
            ),
          (made) => ({ detail: { followUpCreated: made.followUpCreated, cancelled: made.cancelled.length } }),
        );
        return {
          profile: connection.profile.name,
          session: agentSession(marked.session, [], []),
          followUpCreated: marked.followUpCreated,
          cancelledReminders: marked.cancelled.length,
        };
      }),
  );

  server.registerTool(
    'session_add_note',
    {
      title: 'Add a session note',
      description:
        'Attach a Markdown note to a session (a Dataverse note on the appointment). Asks the practitioner first; ' +
        'the same text saved again leaves one note.',
      inputSchema: {
        sessionId,
        text: z.string().min(1).max(MAX_NOTE_CHARS).describe('The note, in Markdown'),
        subject: z.string().max(500).optional().describe('The note title (default: its first heading or line)'),
      },
      outputSchema: addNoteOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (input, extra) =>
      guarded(log, 'session_add_note', async () => {
        const { decision, connection, tables, session } = await sessionToChange(ctx, input.sessionId, extra.signal);
        const titled = input.subject ? ` titled "${input.subject}"` : '';
        await approve(
          ctx,
          decision,
          connection,
          `Add a note${titled} (${plural(input.text.length, 'character')}) to ${sessionWords(session)}`,
        );
        const saved = await auditEffect(
          ctx.deps.runtime.hub.audit(),
          effect(connection, 'dataverse.note', `${tables.session.entitySet}(${session.id})`),
          () =>
            addSessionNote({ dataverse: connection.dataverse, tables }, session.id, input.text, {
              ...(input.subject ? { subject: input.subject } : {}),
              signal: extra.signal,
            }),
          (made) => ({ detail: { noteId: made.noteId, alreadySaved: made.alreadySaved } }),
        );
        return { profile: connection.profile.name, sessionId: session.id, ...saved };
      }),
  );

  server.registerTool(
    'session_charge',
    {
      title: 'Charge a session',
      description:
        "Charge a session's fee as the profile's stripeChargeMode says: a Stripe invoice sent to the client, or a " +
        "Stripe Checkout link mailed to them from the practitioner's mailbox. Asks the practitioner first, naming the " +
        'amount and what happens; a session already charged is not charged again.',
      inputSchema: { sessionId },
      outputSchema: chargeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    (input, extra) =>
      guarded(log, 'session_charge', async () => {
        const decision = writeDecision(ctx);
        const connection = await link.connection();
        const { profile } = connection;
        const tables = link.tables;
        const { currency, daysUntilDue, checkoutSuccessUrl } = link.config.payments;
        const deps: PaymentDeps = {
          dataverse: connection.dataverse,
          tables,
          stripe: createStripeApi(connection.http, profile, ctx.deps.runtime.secret('stripeSecretKey')),
          log: ctx.deps.runtime.hub.logger('business'),
        };
        const mode = profile.stripeChargeMode;
        const stored = await readPaymentSession(deps, input.sessionId, extra.signal);
        const { session } = stored;
        const audit = effect(connection, 'stripe.charge', `${tables.session.entitySet}(${session.id})`);
        const common = { profile: profile.name, sessionId: session.id, currency };
        // Already invoiced: the core only reads the invoice back, so there is nothing to approve.
        const invoiced = mode === 'invoice' && ALREADY_BILLED.has(session.payment) && stored.invoiceId !== undefined;
        if (!invoiced) {
          const payer = await readPayingClient(deps, session, extra.signal);
          const fee = session.feeCents === undefined ? 'no fee' : money(session.feeCents, currency);
          const what =
            mode === 'checkout'
              ? `mail a Stripe Checkout link to ${profile.sendToSelf ? `${profile.mailbox ?? '(no mailbox)'} (send-to-me mode, for ${payer.email})` : payer.email} from ${profile.mailbox ?? '(no mailbox: set LC_MAILBOX)'}`
              : `send a Stripe invoice to ${payer.email}, due in ${daysUntilDue} days`;
          await approve(
            ctx,
            decision,
            connection,
            `Charge ${fee} for ${sessionWords(session)}: ${what} (Stripe ${profile.stripeMode} mode)`,
          );
        }
        if (mode === 'checkout') {
          const templates = await ctx.deps.templates();
          const made = await auditEffect(
            ctx.deps.runtime.hub.audit(),
            audit,
            () =>
              usingSender(ctx, connection, (sender) =>
                chargeSessionByCheckout(
                  { ...deps, clock: ctx.deps.clock, templates, practitioner: practitionerOf(connection), sender },
                  session.id,
                  { currency, ...(checkoutSuccessUrl ? { successUrl: checkoutSuccessUrl } : {}), signal: extra.signal },
                ),
              ),
            (c) => ({ detail: { mode, checkoutSessionId: c.checkoutSessionId, amountCents: c.amountCents } }),
          );
          return {
            ...common,
            mode,
            customerId: made.customerId,
            amountCents: made.amountCents,
            currency: made.currency,
            payment: made.payment,
            alreadyCharged: made.alreadyCharged,
            testMode: made.testMode,
            invoiceId: null,
            hostedInvoiceUrl: null,
            checkoutSessionId: made.checkoutSessionId,
            checkoutUrl: made.url,
            mail: {
              to: made.mail.to,
              mailbox: made.mail.mailbox ?? null,
              outcome: made.mail.outcome,
              error: made.mail.error ?? null,
            },
          };
        }
        const made = await auditEffect(
          ctx.deps.runtime.hub.audit(),
          audit,
          () => chargeSession(deps, session.id, { currency, daysUntilDue, signal: extra.signal }),
          (c) => ({ detail: { mode, invoiceId: c.invoiceId, amountCents: c.amountCents } }),
        );
        return {
          ...common,
          mode,
          customerId: made.customerId,
          amountCents: made.amountCents,
          currency: made.currency,
          payment: made.payment,
          alreadyCharged: made.alreadyInvoiced,
          testMode: made.testMode,
          invoiceId: made.invoiceId,
          hostedInvoiceUrl: made.hostedInvoiceUrl,
          checkoutSessionId: null,
          checkoutUrl: null,
          mail: null,
        };
      }),
  );
}

function emptyReport() {
  return { total: 0, sent: 0, submitted: 0, failed: 0, retryLater: 0, skipped: 0, items: [] };
}
