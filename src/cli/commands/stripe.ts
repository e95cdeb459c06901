// `lc stripe charge | status | refund`: charge a session by a Stripe invoice or by a Stripe Checkout link
// mailed to the client (the profile's stripeChargeMode, or --mode), reconcile payment statuses with Stripe,
// and refund a paid session, on the active profile with the key from LC_STRIPE_SECRET_KEY. Charges and
// refunds ask first, naming the amount, the profile and what happens (--yes confirms; no terminal and no
// --yes: exit 11).
import * as path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../../core/clock';
import { isGuid } from '../../core/dataverse';
import { actorOfState } from '../../core/auth';
import { auditEffect } from '../../core/log';
import { resolveTables } from '../../core/practice';
import { loadTemplates, WORKSPACE_TEMPLATES_FOLDER } from '../../core/reminders';
import {
  chargeSession,
  chargeSessionByCheckout,
  createStripeApi,
  money,
  readPayingClient,
  readPaymentSession,
  refreshAllPaymentStatuses,
  refreshPaymentStatus,
  refundableAmount,
  refundSession,
  type ChargedSession,
  type CheckoutChargeDeps,
  type CheckoutChargedSession,
  type PaymentDeps,
  type RefreshedPayment,
  type RefundedSession,
} from '../../core/stripe';
import { confirmEffect, verb, type VerbContext } from '../action';
import type { Connection } from '../connect';
import { integerIn, parseFlags } from '../flags';
import { withClient } from './dv';
import { usingSender } from './reminderSending';
import { practitionerOf } from './sessionCreate';

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
  mode: z.enum(['invoice', 'checkout'], { error: 'expected invoice or checkout' }).optional(),
  successUrl: z
    .string()
    .trim()
    .url('expected an absolute https:// URL')
    .refine((u) => u.startsWith('https://'), 'expected an https:// URL')
    .optional(),
});

/** `lc stripe charge --json`: the charge with how it was made. */
export type ChargeDocument = (ChargedSession & { mode: 'invoice' }) | CheckoutChargedSession;

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
  const actor = actorOfState(connection.auth.state, connection.profile);
  return { actor: actor, profile: connection.profile.name };
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

function renderCheckout(c: CheckoutChargedSession): string {
  const amount = money(c.amountCents, c.currency);
  if (c.mail.outcome === 'notSent' && c.payment !== 'invoiced') {
    return `Session ${c.sessionId} was ${c.payment} through its Checkout link ${c.checkoutSessionId} (${amount}); nothing new was created or mailed.`;
  }
  const lines: string[] = [];
  if (c.replacesExpired) {
    lines.push(`The earlier Checkout link ${c.replacesExpired} expired unpaid: a new one was made.`);
  }
  const mail = c.mail;
  const to = `${mail.to}${mail.mailbox ? ` from ${mail.mailbox}` : ''}`;
  if (c.alreadyCharged) {
    lines.push(
      `Session ${c.sessionId} already has the Checkout link ${c.checkoutSessionId} (${amount}); nothing new was created at Stripe.`,
    );
  } else {
    lines.push(
      `Checkout link ${c.checkoutSessionId} for ${amount} made for Stripe customer ${c.customerId ?? '(none)'}.`,
    );
  }
  const why = mail.error ? ` (${mail.error})` : '';
  switch (mail.outcome) {
    case 'sent':
    case 'submitted':
      lines.push(`Mailed to ${to}; the session is ${c.payment}.`);
      break;
    case 'alreadySent':
      lines.push(`It was mailed to ${to} before; no second mail.`);
      break;
    case 'skipped':
      lines.push(`Another run is mailing it to ${to} now; no second mail.`);
      break;
    case 'retryLater':
      lines.push(`The mail to ${to} did not leave yet${why}; it stays due, and \`lc reminders send\` sends it.`);
      break;
    default:
      lines.push(`The mail to ${to} was not sent${why}.`);
  }
  if (c.url) lines.push(`The client pays at ${c.url} until ${c.expiresAt}.`);
  if (c.testMode) lines.push('Test mode: the page takes only Stripe test cards.');
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
    .description(
      "Charge a session's fee: a Stripe invoice sent to the client, or a Stripe Checkout link mailed to them (the profile's stripeChargeMode), once however often it runs",
    )
    .argument('<session>', 'the session id')
    .option('--mode <mode>', "invoice or checkout (default: the profile's stripeChargeMode)")
    .option('--currency <code>', 'the currency of the fee (default: payments.currency)')
    .option('--days-until-due <days>', 'days the client has to pay an invoice (default: payments.daysUntilDue)')
    .option('--success-url <url>', 'checkout: the page Stripe shows the client after paying')
    .action(
      verb(async (ctx, session: string) => {
        const flags = parseFlags(chargeFlags, {
          session,
          currency: ctx.options.currency,
          daysUntilDue: ctx.options.daysUntilDue,
          mode: ctx.options.mode,
          successUrl: ctx.options.successUrl,
        });
        const { payments } = ctx.runtime.loaded.config;
        const currency = flags.currency ?? payments.currency;
        // Broken workspace templates stop here, before any question or charge.
        const templates = await loadTemplates(path.join(process.cwd(), WORKSPACE_TEMPLATES_FOLDER));
        const charged = await withClient(ctx, async (_dv, connection): Promise<ChargeDocument> => {
          const deps = paymentDeps(ctx, connection);
          const mode = flags.mode ?? connection.profile.stripeChargeMode;
          const { session: s } = await readPaymentSession(deps, flags.session, ctx.signal);
          const fee = s.feeCents === undefined ? 'no fee' : money(s.feeCents, currency);
          const payer = await readPayingClient(deps, s, ctx.signal);
          const { mailbox, sendToSelf } = connection.profile;
          const what =
            mode === 'checkout'
              ? `mail a Stripe Checkout link to ${sendToSelf ? `${mailbox ?? '(no mailbox)'} (send-to-me mode, for ${payer.email})` : payer.email} from mailbox ${mailbox ?? '(none: set LC_MAILBOX)'}`
              : `send a Stripe invoice to ${payer.email}, due in ${flags.daysUntilDue ?? payments.daysUntilDue} days`;
          await confirmEffect(ctx, `Charge ${fee} for "${s.subject}" (${s.clientName ?? payer.name}): ${what},`);
          const audit = {
            ...actorOfConnection(connection),
            action: 'stripe.charge',
            target: `${deps.tables.session.entitySet}(${s.id})`,
          };
          if (mode === 'checkout') {
            return usingSender(ctx, connection, systemClock, (sender) => {
              const checkoutDeps: CheckoutChargeDeps = {
                ...deps,
                clock: systemClock,
                templates,
                practitioner: practitionerOf(connection),
                sender,
              };
              return auditEffect(
                ctx.runtime.hub.audit(),
                audit,
                () =>
                  chargeSessionByCheckout(checkoutDeps, s.id, {
                    currency,
                    ...((flags.successUrl ?? payments.checkoutSuccessUrl)
                      ? { successUrl: flags.successUrl ?? payments.checkoutSuccessUrl }
                      : {}),
                    signal: ctx.signal,
                  }),
                (made) => ({
                  detail: { mode, checkoutSessionId: made.checkoutSessionId, amountCents: made.amountCents },
                }),
              );
            });
          }
          const invoiced = await auditEffect(
            ctx.runtime.hub.audit(),
            audit,
            () =>
              chargeSession(deps, s.id, {
                currency,
                daysUntilDue: flags.daysUntilDue ?? payments.daysUntilDue,
                signal: ctx.signal,
              }),
            (made) => ({ detail: { mode, invoiceId: made.invoiceId, amountCents: made.amountCents } }),
          );
          return { mode: 'invoice', ...invoiced };
        });
        ctx.out.result(charged, () => (charged.mode === 'checkout' ? renderCheckout(charged) : renderCharged(charged)));
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
