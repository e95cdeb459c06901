// `lc stripe charge | status | refund`: charge a session by a Stripe invoice, reconcile payment statuses with
// Stripe, and refund a paid session, on the active profile with the key from LC_STRIPE_SECRET_KEY. Charges and
// refunds ask first, naming the amount and the profile (--yes confirms; no terminal and no --yes: exit 11).
import { Command } from 'commander';
import { z } from 'zod';
import { isGuid } from '../../core/dataverse';
import { actorOf, auditEffect } from '../../core/log';
import { resolveTables } from '../../core/practice';
import {
  chargeSession,
  createStripeApi,
  money,
  readPaymentSession,
  refreshAllPaymentStatuses,
  refreshPaymentStatus,
  refundableAmount,
  refundSession,
  type ChargedSession,
  type PaymentDeps,
  type RefreshedPayment,
  type RefundedSession,
} from '../../core/stripe';
import { confirmEffect, verb, type VerbContext } from '../action';
import type { Connection } from '../connect';
import { integerIn, parseFlags } from '../flags';
import { withClient } from './dv';

const sessionId = z
  .string()
  .trim()
  .refine(isGuid, 'expected a session id (a GUID, as `lc sessions list --json` prints)');

/** `30` or `30.50`: the refund in the payment's currency. */
const amountFlag = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, 'expected an amount such as 30 or 30.50')
  .transform((text) => Math.round(Number(text) * 100))
  .refine((cents) => cents > 0, 'expected an amount above zero');

const chargeFlags = z.object({
  session: sessionId,
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'expected a three-letter currency code such as eur')
    .transform((c) => c.toLowerCase())
    .optional(),
  daysUntilDue: integerIn(1, 365, 'expected whole days from 1 to 365').optional(),
});

function paymentDeps(ctx: VerbContext, connection: Connection): PaymentDeps {
  if (!connection.dataverse) throw new Error('withClient gives a connection with Dataverse');
  return {
    dataverse: connection.dataverse,
    tables: resolveTables(ctx.runtime.loaded.config.tables),
    stripe: createStripeApi(connection.http, connection.profile, ctx.runtime.secret('stripeSecretKey')),
    log: ctx.runtime.hub.logger('business'),
  };
}

function actorOfConnection(connection: Connection): { actor: string; profile: string } {
  const state = connection.auth.state;
  const identity = 'identity' in state ? state.identity : { clientId: connection.profile.clientId };
  return { actor: actorOf(identity), profile: connection.profile.name };
}

function renderCharged(c: ChargedSession): string {
  const lines = [
    c.alreadyInvoiced
      ? `Session ${c.sessionId} was already ${c.payment}: invoice ${c.invoiceId} (${money(c.amountCents, c.currency)}); nothing new was charged.`
      : `Invoice ${c.invoiceId} for ${money(c.amountCents, c.currency)} sent to Stripe customer ${c.customerId}; the session is ${c.payment}.`,
  ];
  if (c.hostedInvoiceUrl) lines.push(`The client pays at ${c.hostedInvoiceUrl}`);
  if (c.testMode && !c.alreadyInvoiced) {
    lines.push(
      'Test mode: Stripe sends no invoice e-mail to the client; send them the link above if they should see it.',
    );
  }
  return lines.join('\n');
}

function renderRefreshed(results: readonly RefreshedPayment[]): string {
  if (results.length === 0) return 'No invoiced sessions to check.';
  return results
    .map(
      (r) =>
        `${r.sessionId}  ${r.subject}  ${r.invoiceId ?? '(no invoice)'} ${r.invoiceStatus ?? ''}  ${r.changed ? `${r.before} → ${r.after}` : r.after}`,
    )
    .join('\n');
}

function renderRefunded(r: RefundedSession): string {
  return `Refunded ${money(r.amountCents, r.currency)} (${r.refundId}); ${money(r.refundedCents, r.currency)} of ${money(r.paidCents, r.currency)} refunded in all; the session is ${r.payment}.`;
}

export function stripeCommand(): Command {
  const stripe = new Command('stripe').description('Payments through Stripe: charge, follow and refund sessions');
  stripe
    .command('charge')
    .description("Charge a session's fee by a Stripe invoice sent to the client (once, however often it runs)")
    .argument('<session>', 'the session id')
    .option('--currency <code>', 'the currency of the fee (default eur)')
    .option('--days-until-due <days>', 'days the client has to pay (default 14)')
    .action(
      verb(async (ctx, session: string) => {
        const flags = parseFlags(chargeFlags, {
          session,
          currency: ctx.options.currency,
          daysUntilDue: ctx.options.daysUntilDue,
        });
        const charged = await withClient(ctx, async (_dv, connection) => {
          const deps = paymentDeps(ctx, connection);
          const { session: s } = await readPaymentSession(deps, flags.session, ctx.signal);
          const fee = s.feeCents === undefined ? 'no fee' : money(s.feeCents, flags.currency ?? 'eur');
          await confirmEffect(
            ctx,
            `Charge "${s.subject}" (${s.clientName ?? 'no client'}, ${fee}) by a Stripe invoice`,
          );
          return auditEffect(
            ctx.runtime.hub.audit(),
            {
              ...actorOfConnection(connection),
              action: 'stripe.charge',
              target: `${deps.tables.session.entitySet}(${s.id})`,
            },
            () =>
              chargeSession(deps, s.id, {
                ...(flags.currency ? { currency: flags.currency } : {}),
                ...(flags.daysUntilDue ? { daysUntilDue: flags.daysUntilDue } : {}),
                signal: ctx.signal,
              }),
            (made) => ({ detail: { invoiceId: made.invoiceId, amountCents: made.amountCents } }),
          );
        });
        ctx.out.result(charged, () => renderCharged(charged));
      }),
    );
  stripe
    .command('status')
    .description("Record each invoiced session's payment status as its Stripe invoice has it (for missed webhooks)")
    .argument('[session]', 'only this session')
    .action(
      verb(async (ctx, session: string | undefined) => {
        const id = session === undefined ? undefined : parseFlags(sessionId, session);
        const results = await withClient(ctx, async (_dv, connection) => {
          const deps = paymentDeps(ctx, connection);
          return id === undefined
            ? refreshAllPaymentStatuses(deps, { signal: ctx.signal })
            : [await refreshPaymentStatus(deps, id, { signal: ctx.signal })];
        });
        ctx.out.result(results, () => renderRefreshed(results));
      }),
    );
  stripe
    .command('refund')
    .description('Refund a paid session through Stripe: all that is left of its payment, or --amount of it')
    .argument('<session>', 'the session id')
    .option('--amount <amount>', 'refund only this much, such as 30 or 30.50')
    .action(
      verb(async (ctx, session: string) => {
        const flags = parseFlags(z.object({ session: sessionId, amount: amountFlag.optional() }), {
          session,
          amount: ctx.options.amount,
        });
        const refunded = await withClient(ctx, async (_dv, connection) => {
          const deps = paymentDeps(ctx, connection);
          const refundable = await refundableAmount(deps, flags.session, ctx.signal);
          const left = refundable.paidCents - refundable.refundedCents;
          const amount = flags.amount ?? left;
          await confirmEffect(
            ctx,
            `Refund ${money(amount, refundable.currency)} of "${refundable.subject}" (paid ${money(refundable.paidCents, refundable.currency)}, ${money(left, refundable.currency)} refundable)`,
          );
          return auditEffect(
            ctx.runtime.hub.audit(),
            {
              ...actorOfConnection(connection),
              action: 'stripe.refund',
              target: `${deps.tables.session.entitySet}(${flags.session})`,
            },
            () =>
              refundSession(deps, flags.session, {
                ...(flags.amount === undefined ? {} : { amountCents: flags.amount }),
                signal: ctx.signal,
              }),
            (made) => ({ detail: { refundId: made.refundId, amountCents: made.amountCents } }),
          );
        });
        ctx.out.result(refunded, () => renderRefunded(refunded));
      }),
    );
  return stripe;
}
