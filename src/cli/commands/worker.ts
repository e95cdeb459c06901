// `lc worker run --once [--json]`: one pass of the unattended work from a terminal or any cron, on the
// active profile: every mailbox's due reminders through the exactly-once sender, then, when a Stripe key is
// set, payment reconciliation for the last 30 days. Reminders leave by every channel whose secret is set
// (SMS, SMTP, SendGrid: the variables `lc reminders send` reads), closed after the pass. Running it is the
// approval (a cron has no terminal to ask on), so it takes no --yes; several at once are safe. It exits 0
// when the pass finished, whatever it found to do (../shared/INTERFACES.md §4).
import { Command } from 'commander';
import { systemClock, type Clock } from '../../core/clock';
import { resolveTables } from '../../core/practice';
import { createStripeApi } from '../../core/stripe';
import {
  reconcilePayments,
  runDueReminders,
  skippedLine,
  skippedReasons,
  type DueRemindersRun,
  type PaymentsReconciled,
  type SkippedReason,
} from '../../core/worker';
import { verb, type VerbContext } from '../action';
import type { Connection } from '../connect';
import { parseFlags } from '../flags';
import { withClient } from './dv';
import { usingSender } from './reminderSending';
import { z } from 'zod';

/** How far back reconciliation looks: Stripe lists undelivered events for 30 days. */
const RECONCILE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `lc worker run --once --json`: one document. */
export interface WorkerPassDocument {
  profile: string;
  now: string;
  reminders: Omit<DueRemindersRun, 'report' | 'now' | 'mailbox'> & {
    total: number;
    sent: number;
    submitted: number;
    failed: number;
    retryLater: number;
    skipped: number;
    /** Why reminders were skipped (a channel's secret not set, say): nothing of it is on their rows. */
    skips: SkippedReason[];
  };
  payments: Omit<PaymentsReconciled, 'results'> | { skipped: string };
}

function reconcile(ctx: VerbContext, connection: Connection, now: Date): Promise<WorkerPassDocument['payments']> {
  const key = ctx.runtime.secret('stripeSecretKey');
  if (!key || !connection.dataverse) return Promise.resolve({ skipped: 'no Stripe key (LC_STRIPE_SECRET_KEY)' });
  const deps = {
    dataverse: connection.dataverse,
    tables: resolveTables(ctx.runtime.loaded.config.tables),
    stripe: createStripeApi(connection.http, connection.profile, key),
    log: ctx.runtime.hub.logger('business'),
  };
  return reconcilePayments(deps, { since: new Date(now.getTime() - RECONCILE_DAYS * DAY_MS), signal: ctx.signal }).then(
    ({ results: _results, ...counts }) => counts,
  );
}

export async function runWorkerPass(ctx: VerbContext, clock: Clock): Promise<WorkerPassDocument> {
  return withClient(ctx, async (_dv, connection) => {
    const now = new Date(clock.now());
    const run = await usingSender(ctx, connection, clock, (deps) => runDueReminders(deps, { now, signal: ctx.signal }));
    const { items, ...counts } = run.report;
    const payments = await reconcile(ctx, connection, now);
    return {
      profile: connection.profile.name,
      now: now.toISOString(),
      reminders: { ...counts, skips: skippedReasons(items), mailboxes: run.mailboxes, notices: run.notices },
      payments,
    };
  });
}

export function renderWorkerPass(d: WorkerPassDocument): string {
  const r = d.reminders;
  const lines = [
    r.total === 0
      ? `Profile ${d.profile}: no reminder was due.`
      : `Profile ${d.profile}: ${r.total} reminders: ${r.sent} sent, ${r.submitted} submitted, ${r.failed} failed, ${r.retryLater} left for a later run, ${r.skipped} skipped.`,
    ...r.mailboxes.map((m) => `  ${m.mailbox || '(no mailbox)'}: ${m.sent} sent, ${m.failed} failed of ${m.total}`),
    ...r.skips.map((skip) => `  ${skippedLine(skip)}`),
    ...r.notices.map(
      (n) => `  ${n.mailbox} ${n.created ? 'was told' : 'was already told today'} of reminders in Failed.`,
    ),
    'skipped' in d.payments
      ? `Payments not reconciled: ${d.payments.skipped}.`
      : `Payments: ${d.payments.checked} sessions checked with Stripe, ${d.payments.changed} changed.`,
  ];
  return lines.join('\n');
}

export function workerCommand(clock: Clock = systemClock): Command {
  const worker = new Command('worker').description('The unattended work: due reminders and payment reconciliation');
  worker
    .command('run')
    .description('Run one pass of the unattended work (a cron or Azure Functions repeats it); safe on many at once')
    .option('--once', 'run one pass and exit (required: a scheduler does the repeating)')
    .action(
      verb(async (ctx) => {
        parseFlags(
          z.object({
            once: z.literal(true, { message: 'pass --once: a scheduler (cron, Azure Functions) repeats it' }),
          }),
          { once: ctx.options.once },
        );
        const document = await runWorkerPass(ctx, clock);
        ctx.out.result(document, () => renderWorkerPass(document));
      }),
    );
  return worker;
}
