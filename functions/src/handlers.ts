// The worker's three functions as plain handlers of the Node.js v4 programming model: the timer lists the
// mailboxes with due work and enqueues one message per mailbox; the queue trigger sends one mailbox's due
// reminders (so mailboxes run in parallel across instances, each within its own sending limits); health
// says whether the configuration can run, without calling anything. A failing message is thrown back to
// the host, which retries it and moves it to `<queue>-poison` after host.json's maxDequeueCount.
import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { z } from 'zod';
import { closeTransports } from '../../src/core/channels';
import { toLifeCockpitError, ValidationError } from '../../src/core/errors';
import type { SendReportItem } from '../../src/core/reminders';
import {
  mailboxesWithDueWork,
  noticeRunFailed,
  reconcilePayments,
  runDueReminders,
  skippedLine,
  skippedReasons,
  type DueRemindersRun,
  type PaymentsReconciled,
} from '../../src/core/worker';
import type { WorkerServices } from './services';

/** One queue message: a mailbox whose due reminders an instance sends. */
export const mailboxMessage = z.object({
  mailbox: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(/^[^@\s]+@[^@\s]+$/, 'expected a mailbox address'),
  /** When the timer found it due (for the logs). */
  enqueuedAt: z.string().datetime().optional(),
});
export type MailboxMessage = z.infer<typeof mailboxMessage>;

/** How far back the timer's reconciliation looks: Stripe lists undelivered events for 30 days. */
const RECONCILE_MS = 30 * 24 * 60 * 60 * 1000;

export interface TimerResult {
  enqueued: string[];
  payments: Omit<PaymentsReconciled, 'results'> | { skipped: string } | { failed: string };
}

export function enqueueDueMailboxes(services: WorkerServices) {
  return async (_timer: Timer, context: InvocationContext): Promise<TimerResult> => {
    const now = new Date(services.clock.now());
    const deps = await services.senderDeps();
    let mailboxes: string[];
    try {
      mailboxes = await mailboxesWithDueWork(deps, now);
    } catch (error) {
      // The practice hears of a tick that could not even list the work, once a day, as of a failed run.
      if (deps.profile.mailbox) {
        await noticeRunFailed(deps, { mailbox: deps.profile.mailbox, now, error }).catch((noticeError: unknown) =>
          context.error(`the failure notice could not be written: ${toLifeCockpitError(noticeError).message}`),
        );
      }
      throw error;
    } finally {
      await closeTransports(deps.transports);
    }
    for (const mailbox of mailboxes) {
      const message: MailboxMessage = { mailbox, enqueuedAt: now.toISOString() };
      await services.enqueue(JSON.stringify(message));
    }
    context.log(`enqueued ${mailboxes.length} mailboxes with due reminders`);
    return { enqueued: mailboxes, payments: await reconcile(services, now, context) };
  };
}

/** Reconciliation rides on the timer; its failure is logged, and the next tick tries again. */
async function reconcile(
  services: WorkerServices,
  now: Date,
  context: InvocationContext,
): Promise<TimerResult['payments']> {
  const deps = await services.paymentDeps();
  if (!deps) return { skipped: 'no Stripe key (LC_STRIPE_SECRET_KEY)' };
  try {
    const { results: _results, ...counts } = await reconcilePayments(deps, {
      since: new Date(now.getTime() - RECONCILE_MS),
    });
    return counts;
  } catch (error) {
    const typed = toLifeCockpitError(error);
    context.error(`payment reconciliation failed: ${typed.message}`);
    return { failed: typed.message };
  }
}

/** The queue message as the host hands it over: parsed JSON, or text when it was not JSON. */
export function parseMailboxMessage(body: unknown): MailboxMessage {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      value = body;
    }
  }
  const parsed = mailboxMessage.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      `The queue message is not a mailbox to send for (${parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}); only the timer should put messages on this queue.`,
      { code: 'worker.badMessage' },
    );
  }
  return parsed.data;
}

export function sendMailboxReminders(services: WorkerServices) {
  return async (body: unknown, context: InvocationContext): Promise<DueRemindersRun> => {
    try {
      const { mailbox } = parseMailboxMessage(body);
      const now = new Date(services.clock.now());
      const deps = await services.senderDeps();
      const run = await runDueReminders(deps, { now, mailbox }).finally(() => closeTransports(deps.transports));
      const r = run.report;
      context.log(
        `${mailbox}: ${r.sent} sent, ${r.submitted} submitted, ${r.failed} failed, ${r.retryLater} later, ${r.skipped} skipped`,
      );
      for (const line of skippedLines(mailbox, r.items)) context.warn(line);
      return run;
    } catch (error) {
      const typed = toLifeCockpitError(error);
      context.error(`${typed.code}: ${typed.message}`);
      throw error;
    }
  };
}

/**
 * One line per reason reminders were skipped (a channel whose app setting is missing, say). A skipped reminder
 * stays as it was, with nothing recorded on its row, and a queue function's return value goes nowhere in Azure:
 * without these lines the reason would be lost and the run would only say "1 skipped".
 */
export function skippedLines(mailbox: string, items: readonly SendReportItem[]): string[] {
  return skippedReasons(items).map((skip) => `${mailbox}: ${skippedLine(skip)}`);
}

export function health(services: WorkerServices) {
  return async (_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const problems = services.problems();
    return {
      status: problems.length === 0 ? 200 : 503,
      jsonBody: { ok: problems.length === 0, profile: services.profileName, problems },
    };
  };
}
