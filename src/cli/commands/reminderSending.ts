// `lc reminders plan` and `lc reminders send` on the core's sender: the dry run lists every message that
// would leave, with totals; send asks once (count, mailboxes, profile), then runs sendDueReminders with
// progress on stderr and the report on stdout. With `--id`, only the chosen reminders, due or not, as the
// editor's Send Now (chosenReminders.ts). A signal stops the run between steps: the sender lets go
// of what it had not started, and whatever it had claimed is recovered by the next run from the mailbox.
import * as fs from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../../core/clock';
import { channelLabel, channelsFor, closeTransports, readChannelSecrets } from '../../core/channels';
import { CancelledError, ValidationError } from '../../core/errors';
import { actorOfState } from '../../core/auth';
import { resolveTables } from '../../core/practice';
import {
  CRASH_POINTS,
  planDueReminders,
  sendDueReminders,
  type CrashPoint,
  type PlannedMessage,
  type SendOutcome,
  type SendReport,
  type SenderDeps,
} from '../../core/reminders';
import { confirmEffect, type VerbContext } from '../action';
import type { Connection } from '../connect';
import { idsLeftOut, skippedItems } from './chosenReminders';
import { withClient } from './dv';

/** One message of the dry run as `--json` prints it. */
export interface PlannedMessageJson extends Omit<PlannedMessage, 'scheduledTime'> {
  scheduledTime: string;
}

/** `lc reminders plan --json`: one document (../shared/INTERFACES.md §3). */
export interface ReminderPlan {
  profile: string;
  now: string;
  /** Messages that would leave. */
  total: number;
  /** Of them, left in sending by an earlier run: looked up in the mailbox first, sent only if it lacks them. */
  recovering: number;
  /** How many leave from each mailbox, in the order first seen. */
  mailboxes: Array<{ mailbox: string; count: number }>;
  messages: PlannedMessageJson[];
  /** With `--id`: the chosen reminders that would not leave, each with the reason. */
  skipped?: Array<{ reminderId: string; reason: string }>;
}

/** `lc reminders send --json`: the sender's report, with the profile it ran on. */
export type SendDocument = SendReport & { profile: string };

/** The exit code a test's crash hook ends the process with: no verb exits 86 on its own. */
export const CRASH_EXIT_CODE = 86;

/**
 * Tests only: `LC_TEST_CRASH_AT=afterSend` ends the process at once (exit 86) when the sender reaches
 * that point, as a power cut would; read here and nowhere else. An unknown point is a configuration error.
 */
export function crashHookFromEnvironment(env: NodeJS.ProcessEnv): Pick<SenderDeps, 'crashAt'> {
  const text = env.LC_TEST_CRASH_AT;
  if (text === undefined || text === '') return {};
  const parsed = z.enum(CRASH_POINTS).safeParse(text.trim());
  if (!parsed.success) {
    throw new ValidationError(`LC_TEST_CRASH_AT: expected one of ${CRASH_POINTS.join(', ')}, not "${text}".`, {
      code: 'cli.invalidCrashPoint',
    });
  }
  const at: CrashPoint = parsed.data;
  return {
    crashAt: (point) => {
      if (point !== at) return;
      // Synchronous, so the line is out before the process ends; nothing else runs after it.
      fs.writeSync(2, `lc: stopped at the crash point ${point} (LC_TEST_CRASH_AT)\n`);
      process.exit(CRASH_EXIT_CODE);
    },
  };
}

export function senderDeps(ctx: VerbContext, connection: Connection, clock: Clock): SenderDeps {
  const { config } = ctx.runtime.loaded;
  const { perMinute, concurrency, maxAttempts, submittedDraftGraceSeconds } = config.reminders;
  const actor = actorOfState(connection.auth.state, connection.profile);
  if (!connection.dataverse) throw new Error('withClient hands over a Dataverse client');
  return {
    dataverse: connection.dataverse,
    graph: connection.graph,
    tables: resolveTables(config.tables),
    clock,
    log: ctx.runtime.hub.logger('business'),
    profile: connection.profile,
    settings: { perMinute, concurrency, maxAttempts, submittedDraftGraceMs: submittedDraftGraceSeconds * 1000 },
    audit: ctx.runtime.hub.audit(),
    actor: actor,
    // Secrets from the environment (or .env), already registered for redaction by the runtime.
    transports: channelsFor(connection.profile, readChannelSecrets(ctx.runtime.secret), {
      http: connection.http,
      clock,
      log: ctx.runtime.hub.logger('business'),
    }),
    ...crashHookFromEnvironment(process.env),
  };
}

/** Runs `use` on the sender's dependencies and closes the channels they opened (SMTP's pool) however it ends. */
export async function usingSender<T>(
  ctx: VerbContext,
  connection: Connection,
  clock: Clock,
  use: (deps: SenderDeps) => Promise<T>,
): Promise<T> {
  const deps = senderDeps(ctx, connection, clock);
  try {
    return await use(deps);
  } finally {
    await closeTransports(deps.transports);
  }
}

function planDocument(profile: string, now: Date, planned: readonly PlannedMessage[]): ReminderPlan {
  const perMailbox = new Map<string, number>();
  for (const m of planned) perMailbox.set(m.mailbox, (perMailbox.get(m.mailbox) ?? 0) + 1);
  return {
    profile,
    now: now.toISOString(),
    total: planned.length,
    recovering: planned.filter((m) => m.state === 'recovering').length,
    mailboxes: [...perMailbox].map(([mailbox, count]) => ({ mailbox, count })),
    messages: planned.map((m) => ({ ...m, scheduledTime: m.scheduledTime.toISOString() })),
  };
}

/** The dry run of every due reminder, or with `ids` of only those (due or not), saying why any would not leave. */
export function planReminders(ctx: VerbContext, clock: Clock, ids?: readonly string[]): Promise<ReminderPlan> {
  return withClient(ctx, async (dv, connection) => {
    const now = new Date(clock.now());
    const profile = connection.profile.name;
    const planned = await usingSender(ctx, connection, clock, (deps) =>
      planDueReminders(deps, ids ? { now, reminderIds: ids } : { now }),
    );
    const plan = planDocument(profile, now, planned);
    if (!ids) return plan;
    const left = idsLeftOut(
      ids,
      planned.map((m) => m.reminderId),
    );
    const skipped = await skippedItems(dv, resolveTables(ctx.runtime.loaded.config.tables), left, profile, ctx.signal);
    return { ...plan, skipped: skipped.map((i) => ({ reminderId: i.reminderId, reason: i.error ?? '' })) };
  });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function mailboxTotals(plan: ReminderPlan): string {
  return plan.mailboxes.map((m) => `${m.mailbox || '(no mailbox)'} ${m.count}`).join(', ');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/**
 * A body as a person reads it in a terminal: templates render HTML (paragraphs, line breaks, escaped
 * client values), shown here as its text; a plain-text body is shown as it is. `--json` keeps the body as sent.
 */
export function readableBody(body: string): string {
  if (!/^\s*<(p|div|html|table|br|h[1-6]|!doctype)\b/i.test(body)) return body;
  return body
    .replace(/\s*\n\s*/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table)>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]*\n[ \t]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function renderPlan(plan: ReminderPlan): string {
  const skipped = (plan.skipped ?? []).map((s) => `Not sent: reminder ${s.reminderId}. ${s.reason}`);
  if (plan.total === 0 && plan.skipped)
    return [`None of the chosen reminders would leave in profile ${plan.profile}.`, ...skipped].join('\n');
  if (plan.total === 0) return `Nothing is due in profile ${plan.profile}: no message would leave.`;
  const blocks = plan.messages.map((m, index) => {
    const head = [
      `${index + 1}/${plan.total}  ${m.kind === 'followUp' ? 'follow-up' : 'reminder'} ${m.reminderId}`,
      `  From:    ${m.mailbox || '(no mailbox: set the profile’s mailbox, LC_MAILBOX)'}`,
      `  Channel: ${channelLabel(m.channel)}`,
      `  To:      ${m.recipient || `(no ${m.channel === 'acsSms' ? 'phone number' : 'e-mail address'}: it cannot leave)`}`,
      `  Subject: ${m.subject}`,
      `  Session: ${m.sessionId ?? '(none)'}`,
    ];
    if (m.state === 'recovering') head.push('  Left in sending by an earlier run: sent only if the mailbox lacks it.');
    const body = readableBody(m.body)
      .split(/\r?\n/)
      .map((line) => `    ${line}`.trimEnd());
    return [...head, '', ...body].join('\n');
  });
  const totals = [
    `${plural(plan.total, 'message')} would leave from ${plural(plan.mailboxes.length, 'mailbox', 'mailboxes')} (${mailboxTotals(plan)})`,
    plan.recovering > 0 ? `; ${plan.recovering} of them left in sending, looked up first` : '',
    '. Nothing was sent.',
  ].join('');
  return [...blocks, ...(skipped.length ? [skipped.join('\n')] : []), totals].join('\n\n');
}

const OUTCOME_WORDS: Record<SendOutcome, string> = {
  sent: 'sent',
  submitted: 'submitted',
  failed: 'failed',
  retryLater: 'later',
  skipped: 'skipped',
};

function summary(report: SendReport): string {
  return [
    `${report.sent} sent`,
    `${report.submitted} submitted (in the Outbox; recorded by the next run)`,
    `${report.failed} failed`,
    `${report.retryLater} left for a later run`,
    `${report.skipped} skipped`,
  ].join(', ');
}

export function renderSendReport(document: SendDocument): string {
  if (document.total === 0) return `Nothing is due in profile ${document.profile}: nothing was sent.`;
  const lines = [`Profile ${document.profile}: ${plural(document.total, 'reminder')}: ${summary(document)}.`];
  const troubled = document.items.filter((i) => i.outcome !== 'sent' && i.outcome !== 'submitted');
  for (const item of troubled) {
    lines.push(`  ${OUTCOME_WORDS[item.outcome].padEnd(7)} ${item.recipient || item.reminderId}  ${item.subject}`);
    if (item.error) lines.push(`          ${item.error}`);
  }
  return lines.join('\n');
}

/**
 * `lc reminders send`: plan, one confirmation, then the exactly-once sender with progress; with `ids`, only
 * those reminders, due or not, and each chosen one it does not send reported as skipped with the reason.
 */
export async function sendReminders(ctx: VerbContext, clock: Clock, ids?: readonly string[]): Promise<void> {
  const document = await withClient(ctx, (_dv, connection) =>
    usingSender(ctx, connection, clock, (deps) =>
      ids ? sendChosen(ctx, deps, connection.profile.name, ids) : sendWith(ctx, deps, connection.profile.name),
    ),
  );
  if (ctx.signal.aborted) {
    // The report would say "sent" for what finished; the exit code says the run did not.
    ctx.out.warning(`stopped before finishing: ${summary(document)}. What was not sent stays due for the next run.`);
    throw ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError();
  }
  ctx.out.result(document, () => renderSendReport(document));
}

/** Plans at one `now`, asks once naming what leaves, then sends exactly that with progress on stderr. */
async function sendWith(ctx: VerbContext, deps: SenderDeps, profile: string): Promise<SendDocument> {
  // The confirmation names what leaves by `now`; the run takes the same `now`, so nothing due later slips in.
  const now = new Date(deps.clock.now());
  const plan = planDocument(profile, now, await planDueReminders(deps, { now }));
  if (plan.total === 0) return { profile, ...emptyReport() };
  const recovering =
    plan.recovering > 0 ? `; ${plan.recovering} left in sending by an earlier run, looked up first` : '';
  await confirmEffect(
    ctx,
    `Send ${plural(plan.total, 'due reminder')} from ${plural(plan.mailboxes.length, 'mailbox', 'mailboxes')} (${mailboxTotals(plan)}${recovering})`,
    'Each leaves at most once.',
  );
  const byId = new Map(plan.messages.map((m) => [m.reminderId, m]));
  const report = await sendDueReminders(deps, {
    now,
    signal: ctx.signal,
    onProgress: (p) => {
      const m = byId.get(p.reminderId);
      const what = m ? `${m.recipient}  ${m.subject}` : p.reminderId;
      ctx.out.note(`[${p.done}/${p.total}] ${OUTCOME_WORDS[p.outcome].padEnd(9)} ${what}`);
    },
  });
  return { profile, ...report };
}

/**
 * Send Now from the terminal: the chosen reminders the sender would take are named in the one question, then
 * sent (due or not); the others, and any another run took between the question and the send, are skipped
 * with the reason read from their rows.
 */
async function sendChosen(
  ctx: VerbContext,
  deps: SenderDeps,
  profile: string,
  ids: readonly string[],
): Promise<SendDocument> {
  const now = new Date(deps.clock.now());
  const plan = planDocument(profile, now, await planDueReminders(deps, { now, reminderIds: ids }));
  const planned = plan.messages.map((m) => m.reminderId);
  const notTaken = await skippedItems(deps.dataverse, deps.tables, idsLeftOut(ids, planned), profile, ctx.signal);
  let report = emptyReport();
  if (plan.total > 0) {
    const recovering = plan.recovering > 0 ? `; ${plan.recovering} left in sending, looked up first` : '';
    await confirmEffect(
      ctx,
      `Send ${plural(plan.total, 'chosen reminder')}, due or not, from ${plural(plan.mailboxes.length, 'mailbox', 'mailboxes')} (${mailboxTotals(plan)}${recovering})`,
      'Each leaves at most once.',
    );
    report = await sendDueReminders(deps, {
      now,
      signal: ctx.signal,
      reminderIds: planned,
      onProgress: (p) => {
        const m = plan.messages.find((one) => one.reminderId === p.reminderId);
        ctx.out.note(
          `[${p.done}/${p.total}] ${OUTCOME_WORDS[p.outcome].padEnd(9)} ${m ? `${m.recipient}  ${m.subject}` : p.reminderId}`,
        );
      },
    });
  }
  // Taken by another run between the question and the send (sent, or in its hands now): said, not sent again.
  const takenMeanwhile = ctx.signal.aborted
    ? []
    : await skippedItems(
        deps.dataverse,
        deps.tables,
        idsLeftOut(
          planned,
          report.items.map((i) => i.reminderId),
        ),
        profile,
        ctx.signal,
      );
  const items = [...report.items, ...takenMeanwhile, ...notTaken];
  const extra = takenMeanwhile.length + notTaken.length;
  return { profile, ...report, total: report.total + extra, skipped: report.skipped + extra, items };
}

function emptyReport(): SendReport {
  return { total: 0, sent: 0, submitted: 0, failed: 0, retryLater: 0, skipped: 0, items: [] };
}
