// The agent's read tools, each a thin call into the core: the sessions of a span, one session, the reminders'
// dry run, what clients owe, a plain query on the practice's tables, and who the server is (profile, tenant,
// mailbox, test or live, Stripe mode, whether agent writes are allowed). They change nothing.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { resolveTables } from '../core/practice';
import { planDueReminders, type PlannedMessage } from '../core/reminders';
import { loadSessions, outstandingPayments, withNoteFlags } from '../core/sessions';
import { readPaymentSession } from '../core/stripe';
import { decideWriteApproval, describeWriteApproval } from './approval';
import { practiceTable, practiceTables, runAgentQuery } from './dataverseQuery';
import type { McpConnection, McpDeps, PracticeLink } from './deps';
import {
  dataverseQueryInput,
  dataverseQueryOutput,
  paymentsOutstandingOutput,
  remindersPlanOutput,
  sessionGetOutput,
  sessionId,
  sessionsListOutput,
  spanInput,
  whoamiOutput,
} from './schemas';
import {
  daysBetween,
  describeSessions,
  isoDay,
  MAX_LISTED_SESSIONS,
  sessionsBetween,
  sessionsOfSpan,
  type SessionSpan,
} from './sessionReads';
import { guarded } from './toolAnswers';

export interface ToolContext {
  server: McpServer;
  deps: McpDeps;
  link: PracticeLink;
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** The span asked for: dates when from/to are given, else range (today by default). */
export function spanOf(input: {
  range?: 'today' | 'week' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): SessionSpan {
  if (input.from === undefined && input.to === undefined) return { kind: input.range ?? 'today' };
  if (input.range !== undefined) {
    throw new ValidationError('Give either range or from and to, not both.', { code: 'mcp.invalidRange' });
  }
  if (input.from === undefined || input.to === undefined) {
    throw new ValidationError('A date range needs both from and to (YYYY-MM-DD).', { code: 'mcp.invalidRange' });
  }
  return { kind: 'dates', from: input.from, to: input.to };
}

function plannerDeps(ctx: ToolContext, connection: McpConnection) {
  return {
    dataverse: connection.dataverse,
    tables: ctx.link.tables,
    clock: ctx.deps.clock,
    profile: connection.profile,
    log: ctx.deps.runtime.hub.logger('business'),
  };
}

/** The dry run as the agent reads it (and as reminders_send names it before asking). */
export function planDocument(profile: string, now: Date, planned: readonly PlannedMessage[]) {
  const perMailbox = new Map<string, number>();
  for (const m of planned) perMailbox.set(m.mailbox, (perMailbox.get(m.mailbox) ?? 0) + 1);
  return {
    profile,
    now: now.toISOString(),
    total: planned.length,
    recovering: planned.filter((m) => m.state === 'recovering').length,
    mailboxes: [...perMailbox].map(([mailbox, count]) => ({ mailbox, count })),
    messages: planned.map((m) => ({
      reminderId: m.reminderId,
      kind: m.kind,
      mailbox: m.mailbox,
      recipient: m.recipient,
      clientName: m.clientName ?? null,
      subject: m.subject,
      body: m.body,
      sessionId: m.sessionId ?? null,
      scheduledTime: m.scheduledTime.toISOString(),
      state: m.state,
    })),
  };
}

export async function planNow(ctx: ToolContext, connection: McpConnection) {
  const now = new Date(ctx.deps.clock.now());
  const planned = await planDueReminders(plannerDeps(ctx, connection), { now });
  return { now, planned, document: planDocument(connection.profile.name, now, planned) };
}

export function registerReadTools(ctx: ToolContext): void {
  const { server, link } = ctx;
  const log = ctx.deps.runtime.log;

  server.registerTool(
    'sessions_list',
    {
      title: 'List sessions',
      description:
        "The practitioner's sessions of today (default), this week, or a range of local days, each with its client, " +
        'status, payment state, note, why it needs attention, and its reminders and follow-ups with their states.',
      inputSchema: spanInput,
      outputSchema: sessionsListOutput,
      annotations: READ_ONLY,
    },
    (input, extra) =>
      guarded(log, 'sessions_list', async () => {
        const span = spanOf(input);
        const connection = await link.connection();
        const now = new Date(ctx.deps.clock.now());
        const found = await sessionsOfSpan(connection.dataverse, link.tables, span, now, extra.signal);
        const sessions = await describeSessions(connection.dataverse, link.tables, found.sessions, now, extra.signal);
        return {
          profile: connection.profile.name,
          from: found.from,
          to: found.to,
          total: found.sessions.length,
          truncated: found.sessions.length > MAX_LISTED_SESSIONS,
          sessions,
        };
      }),
  );

  server.registerTool(
    'session_get',
    {
      title: 'Get a session',
      description: 'One session by id: client, times, status, payment state and Stripe invoice, note, reminders.',
      inputSchema: { sessionId },
      outputSchema: sessionGetOutput,
      annotations: READ_ONLY,
    },
    (input, extra) =>
      guarded(log, 'session_get', async () => {
        const connection = await link.connection();
        const tables = link.tables;
        const stored = await readPaymentSession(
          { dataverse: connection.dataverse, tables },
          input.sessionId,
          extra.signal,
        );
        const [session] = await withNoteFlags(connection.dataverse, tables, [stored.session], extra.signal);
        const now = new Date(ctx.deps.clock.now());
        const [described] = await describeSessions(connection.dataverse, tables, [session], now, extra.signal);
        return {
          profile: connection.profile.name,
          session: described,
          stripeInvoiceId: stored.invoiceId ?? null,
          stripeCheckoutSessionId: stored.checkoutSessionId ?? null,
        };
      }),
  );

  server.registerTool(
    'reminders_plan',
    {
      title: 'Plan due reminders (dry run)',
      description:
        'The dry run of reminders_send: every reminder and follow-up that would leave now, with sender mailbox, ' +
        'recipient, subject, body and session, and totals per mailbox. Sends nothing.',
      inputSchema: {},
      outputSchema: remindersPlanOutput,
      annotations: READ_ONLY,
    },
    () =>
      guarded(log, 'reminders_plan', async () => {
        const connection = await link.connection();
        return (await planNow(ctx, connection)).document;
      }),
  );

  server.registerTool(
    'payments_outstanding',
    {
      title: 'Outstanding payments',
      description:
        'What clients still owe: attended sessions with a fee not yet paid (never charged, unpaid, invoiced, failed), ' +
        'oldest first, with the total by payment state. Covers the last 30 days unless from and to name other days.',
      inputSchema: {
        from: spanInput.from,
        to: spanInput.to,
      },
      outputSchema: paymentsOutstandingOutput,
      annotations: READ_ONLY,
    },
    (input, extra) =>
      guarded(log, 'payments_outstanding', async () => {
        const connection = await link.connection();
        const now = new Date(ctx.deps.clock.now());
        const span = spanOf(input);
        let from: string;
        let to: string;
        let sessions;
        if (span.kind === 'dates') {
          const { start, end } = daysBetween(span.from, span.to);
          sessions = await sessionsBetween(connection.dataverse, link.tables, start, end, extra.signal);
          ({ from, to } = span);
        } else {
          sessions = await loadSessions(connection.dataverse, link.tables, now, extra.signal);
          from = isoDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 30));
          to = isoDay(now);
        }
        const owed = outstandingPayments(sessions, now);
        return {
          profile: connection.profile.name,
          from,
          to,
          currency: link.config.payments.currency,
          totalCents: owed.totalCents,
          byPayment: owed.byPayment as Record<string, number>,
          sessions: owed.sessions.map((s) => ({
            id: s.id,
            subject: s.subject,
            client: s.clientName ?? null,
            start: s.start.toISOString(),
            feeCents: s.feeCents ?? 0,
            payment: s.payment,
          })),
        };
      }),
  );

  server.registerTool(
    'dataverse_query',
    {
      title: 'Query a practice table',
      description:
        "Read rows of one of the practice's Dataverse tables (clients, sessions, scheduled messages, message log, notes) " +
        'with an optional plain OData filter, columns and order; at most 100 rows. Other tables and anything but a ' +
        'plain query are refused.',
      inputSchema: dataverseQueryInput,
      outputSchema: dataverseQueryOutput,
      annotations: READ_ONLY,
    },
    (input, extra) =>
      guarded(log, 'dataverse_query', async () => {
        const tables = link.tables;
        // The table is checked before signing in: a refused query makes no request at all.
        practiceTable(tables, input.table);
        const connection = await link.connection();
        return runAgentQuery(connection.dataverse, tables, input, extra.signal);
      }),
  );

  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description:
        'The profile this server acts in: its name, tenant, sender mailbox, whether it is a sandbox, test or LIVE ' +
        'profile, the Stripe mode, who it is signed in as, and whether agent writes are allowed (and how to allow them).',
      inputSchema: {},
      outputSchema: whoamiOutput,
      annotations: READ_ONLY,
    },
    () => guarded(log, 'whoami', () => whoami(ctx)),
  );
}

async function whoami(ctx: ToolContext): Promise<z.infer<z.ZodObject<typeof whoamiOutput>>> {
  const { link, deps } = ctx;
  const profile = deps.runtime.loaded.activeProfile;
  const clientAsks = clientCanAsk(ctx);
  const approval = profile
    ? decideWriteApproval({ profile, clientAsks, liveWritesConfirmed: deps.liveWritesConfirmed })
    : undefined;
  let identity: string | null = null;
  let problem: string | null = null;
  try {
    identity = (await link.connection()).actor;
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  return {
    signedIn: identity !== null,
    profile: profile?.name ?? null,
    kind: profile?.kind ?? null,
    tenant: profile?.tenantId ?? null,
    mailbox: profile?.mailbox ?? null,
    identity,
    dataverseUrl: profile?.dataverseUrl ?? null,
    stripeMode: profile?.stripeMode ?? null,
    agentWrites: {
      setting: profile?.agentWrites ?? false,
      liveConfirmed: deps.liveWritesConfirmed,
      clientAsks,
      decision: approval?.kind ?? 'refused',
      explanation: approval ? describeWriteApproval(approval) : (problem ?? 'No profile is defined.'),
    },
    tables: practiceTables(resolveTables(deps.runtime.loaded.config.tables)).map((t) => t.entitySet),
    problem,
  };
}

/** Whether the connected client declared form elicitation (an empty `elicitation: {}` means form). */
export function clientCanAsk(ctx: Pick<ToolContext, 'server'>): boolean {
  return ctx.server.server.getClientCapabilities()?.elicitation?.form !== undefined;
}
