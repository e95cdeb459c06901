// Charge Session on the invoice path: the client's Stripe customer (found by e-mail, else created, and
// remembered on the contact), a draft invoice sent for payment (`send_invoice`, due in `daysUntilDue` days),
// one invoice item for the session's fee attached to that invoice, then finalized and sent. Every creating
// call carries a key derived from the session and the step, and the invoice id is recorded on the session as
// soon as the invoice exists, so a double click, a lost answer or a crash at any step followed by a rerun
// ends with one invoice.
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { ConflictError, ValidationError } from '../errors';
import type { PaymentState, Session } from '../sessions';
import { stripeCall } from './errors';
import {
  idempotencyKey,
  readPayingClient,
  readPaymentSession,
  refusedCanceled,
  type PayingClient,
  type PaymentDeps,
} from './paymentDeps';
import { recordPayment } from './recordPayment';

export interface ChargeOptions {
  /** ISO currency of the fee (lower-case, as Stripe writes it). Default `eur`. */
  currency?: string;
  /** Days the client has to pay the invoice. Default 14. */
  daysUntilDue?: number;
  signal?: AbortSignal;
}

export interface ChargedSession {
  sessionId: string;
  customerId: string;
  invoiceId: string;
  amountCents: number;
  currency: string;
  /** The session's payment status afterwards. */
  payment: PaymentState;
  /** True when the session already was invoiced and nothing was sent to Stripe. */
  alreadyInvoiced: boolean;
  /** The page where the client pays (null until the invoice is finalized). */
  hostedInvoiceUrl: string | null;
  /** A test-mode invoice: Stripe sends no e-mail for it, though `invoice.sent` still fires. */
  testMode: boolean;
}

const BILLED: ReadonlySet<PaymentState> = new Set(['invoiced', 'paid', 'refunded']);

export async function chargeSession(
  deps: PaymentDeps,
  sessionId: string,
  options: ChargeOptions = {},
): Promise<ChargedSession> {
  const { signal } = options;
  const currency = (options.currency ?? 'eur').toLowerCase();
  const daysUntilDue = options.daysUntilDue ?? 14;
  const stored = await readPaymentSession(deps, sessionId, signal);
  const { session } = stored;
  // Everything that would make the charge wrong is refused here, before any call to Stripe.
  if (session.status === 'canceled') throw refusedCanceled(session, 'charged');
  if (stored.invoiceId === undefined && stored.checkoutSessionId !== undefined) {
    await refuseWhenCheckoutLive(deps, session, stored.checkoutSessionId, signal);
  }
  if (BILLED.has(session.payment) && stored.invoiceId !== undefined) {
    const invoice = await stripeCall(signal, `reading the invoice of "${session.subject}"`, () =>
      deps.stripe.invoices.retrieve(stored.invoiceId as string),
    );
    return charged(session, invoice, String(invoice.customer), session.payment, true);
  }
  const amountCents = session.feeCents ?? 0;
  if (!Number.isInteger(amountCents) || amountCents <= 0) {
    throw new ValidationError(
      `The session "${session.subject}" has no fee, so there is nothing to charge. Set its fee first.`,
      {
        code: 'stripe.noFee',
        detail: { sessionId },
      },
    );
  }
  const client = await readPayingClient(deps, session, signal);

  const customerId = await customerFor(deps, client, signal);
  let invoice = stored.invoiceId
    ? await stripeCall(signal, `reading the invoice of "${session.subject}"`, () =>
        deps.stripe.invoices.retrieve(stored.invoiceId as string),
      )
    : await stripeCall(signal, `creating the invoice for "${session.subject}"`, () =>
        deps.stripe.invoices.create(
          {
            customer: customerId,
            collection_method: 'send_invoice',
            days_until_due: daysUntilDue,
            currency,
            description: session.subject,
            auto_advance: false,
            metadata: sessionMetadata(session.id),
          },
          { idempotencyKey: idempotencyKey(session.id, 'invoice') },
        ),
      );
  if (invoice.status === 'void' || invoice.status === 'uncollectible') {
    throw new ConflictError(
      `The invoice ${invoice.id} of "${session.subject}" is ${invoice.status} in Stripe, so it is not charged again from here. Look at it in the Stripe Dashboard.`,
      { code: 'stripe.invoiceClosed', detail: { sessionId, invoiceId: invoice.id, status: invoice.status } },
    );
  }
  if (stored.invoiceId === undefined) {
    // Recorded before the next step: a rerun after a crash continues with this invoice.
    await recordPayment(deps, session.id, { status: session.payment, invoiceId: invoice.id });
  }
  const id = invoice.id;
  if (invoice.status === 'draft' && invoice.total !== 0 && invoice.total !== amountCents) {
    throw new ConflictError(
      `The draft invoice ${invoice.id} of "${session.subject}" is for ${invoice.total} cents but the session's fee is ${amountCents}: the fee changed during an earlier charge. Delete the draft in the Stripe Dashboard, clear it from the session, and charge again.`,
      {
        code: 'stripe.feeChanged',
        detail: { sessionId, invoiceId: invoice.id, invoiceTotal: invoice.total, amountCents },
      },
    );
  }
  if (invoice.status === 'draft') {
    if (invoice.total === 0) {
      // Since API 2022-08-01 a new invoice does not pull in pending items: the item names its invoice.
      await stripeCall(signal, `adding the fee of "${session.subject}" to its invoice`, () =>
        deps.stripe.invoiceItems.create(
          {
            customer: customerId,
            invoice: id,
            amount: amountCents,
            currency,
            description: session.subject,
            metadata: sessionMetadata(session.id),
          },
          { idempotencyKey: idempotencyKey(session.id, 'invoice-item') },
        ),
      );
    }
    invoice = await stripeCall(signal, `finalizing the invoice of "${session.subject}"`, () =>
      deps.stripe.invoices.finalizeInvoice(id, {}, { idempotencyKey: idempotencyKey(session.id, 'finalize') }),
    );
  }
  if (invoice.status === 'open') {
    invoice = await stripeCall(signal, `sending the invoice of "${session.subject}"`, () =>
      deps.stripe.invoices.sendInvoice(id, {}, { idempotencyKey: idempotencyKey(session.id, 'send') }),
    );
  }
  const payment: PaymentState = invoice.status === 'paid' ? 'paid' : 'invoiced';
  await recordPayment(deps, session.id, { status: payment, invoiceId: id });
  deps.log.info('session charged', { sessionId, invoiceId: id, amountCents, currency });
  return charged(session, invoice, customerId, payment, false);
}

/** A Checkout link that is still open or was paid already asks for this fee: an invoice as well would charge twice. */
async function refuseWhenCheckoutLive(
  deps: PaymentDeps,
  session: Session,
  checkoutSessionId: string,
  signal?: AbortSignal,
): Promise<void> {
  const checkout = await stripeCall(signal, `reading the Checkout Session of "${session.subject}"`, () =>
    deps.stripe.checkout.sessions.retrieve(checkoutSessionId),
  );
  if (checkout.status === 'expired') return;
  throw new ConflictError(
    `The session "${session.subject}" was charged by the Stripe Checkout link ${checkout.id} (${checkout.status === 'complete' ? 'paid' : 'open'}), so it is not invoiced as well.${checkout.status === 'open' ? ' Expire the link in the Stripe Dashboard first if the client should get an invoice instead.' : ''}`,
    { code: 'stripe.chargedByCheckout', detail: { sessionId: session.id, checkoutSessionId, status: checkout.status } },
  );
}

/**
 * The client's Stripe customer: the one remembered on the contact, else the one Stripe has with this e-mail
 * address, else a new one. A found or created customer is remembered on the contact.
 */
export async function customerFor(deps: PaymentDeps, client: PayingClient, signal?: AbortSignal): Promise<string> {
  if (client.stripeCustomerId !== undefined) {
    const known = await stripeCall(signal, `reading the Stripe customer of ${client.name}`, () =>
      deps.stripe.customers.retrieve(client.stripeCustomerId as string),
    );
    if (!('deleted' in known && known.deleted)) return known.id;
  }
  const found = await stripeCall(signal, `looking up ${client.name} in Stripe`, () =>
    deps.stripe.customers.list({ email: client.email, limit: 1 }),
  );
  const customer =
    found.data[0] ??
    (await stripeCall(signal, `creating the Stripe customer of ${client.name}`, () =>
      deps.stripe.customers.create(
        { email: client.email, name: client.name, metadata: { contact_id: client.id } },
        { idempotencyKey: customerKey(client) },
      ),
    ));
  const t = deps.tables.client;
  await deps.dataverse.update(t.entitySet, client.id, { [t.columns.stripeCustomerId]: customer.id });
  return customer.id;
}

/** Derived from the contact and its address: a changed address is a new request, not a reused key. */
function customerKey(client: PayingClient): string {
  const address = createHash('sha256').update(client.email.toLowerCase()).digest('hex').slice(0, 16);
  return `lc-contact-${client.id}-customer-${address}`;
}

/** The metadata naming the session on what charging creates; the webhook receiver reads `session_id`. */
export function sessionMetadata(sessionId: string): Record<string, string> {
  return { session_id: sessionId };
}

function charged(
  session: Session,
  invoice: Stripe.Invoice,
  customerId: string,
  payment: PaymentState,
  alreadyInvoiced: boolean,
): ChargedSession {
  return {
    sessionId: session.id,
    customerId,
    invoiceId: invoice.id,
    amountCents: invoice.total,
    currency: invoice.currency,
    payment,
    alreadyInvoiced,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    testMode: !invoice.livemode,
  };
}
