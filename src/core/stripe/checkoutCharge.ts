// Charge Session on the Checkout path: a Stripe Checkout Session (mode payment, one line for the session's fee)
// for the client's Stripe customer, whose link goes to the client in a mail sent by the reminders sender.
// Everything that would make the charge or the mail wrong (no fee, no e-mail address, a template naming what
// the message lacks) is refused before Stripe hears of it. The Checkout Session is created under a key derived
// from the session and recorded on it before the mail is written; the mail's row id derives from the Checkout
// Session and the sender sends each row once, so a double click or a crash at any step followed by a rerun ends
// with one Checkout Session and one mail. A link that expired unpaid (24 hours by default) is replaced by a new
// one, under a key naming the expired one, with its own mail.
import type Stripe from 'stripe';
import type { Clock } from '../clock';
import { ConflictError, ExternalServiceError, ValidationError } from '../errors';
import {
  createOnce,
  draftPaymentLink,
  messageRowBody,
  readClient,
  readMessage,
  renderMessage,
  sendDueReminders,
  type DraftContext,
  type MessagePractitioner,
  type SendOutcome,
  type SenderDeps,
  type Templates,
} from '../reminders';
import type { PaymentState, Session } from '../sessions';
import { customerFor, sessionMetadata } from './chargeSession';
import { stripeCall } from './errors';
import {
  idempotencyKey,
  readPayingClient,
  readPaymentSession,
  refusedCanceled,
  type PaymentDeps,
  type PaymentSession,
} from './paymentDeps';
import { recordPayment } from './recordPayment';

export interface CheckoutChargeDeps extends PaymentDeps {
  clock: Clock;
  /** The message templates (loadTemplates of the workspace, or defaultTemplates()). */
  templates: Templates;
  /** Who signs the mail, and the practice's language and time zone for clients without their own. */
  practitioner: MessagePractitioner;
  /** The reminders sender's dependencies: the link leaves through it, exactly once. */
  sender: SenderDeps;
}

export interface CheckoutChargeOptions {
  /** ISO currency of the fee (lower-case, as Stripe writes it). Default `eur`. */
  currency?: string;
  /** Where Stripe sends the client after paying; Stripe requires one for a hosted Checkout page. */
  successUrl?: string;
  signal?: AbortSignal;
}

/** Where Stripe sends a client who has paid, when the practice names no page of its own. */
export const DEFAULT_CHECKOUT_SUCCESS_URL = 'https://stripe.com/';

export interface PaymentLinkMail {
  /** The scheduled-message row that carries the link. */
  messageId: string;
  /** The client's address (in send-to-me mode the mail goes to the practitioner, naming it). */
  to: string;
  mailbox: string | undefined;
  /** What the sender did now; `alreadySent` when an earlier run sent it, `notSent` when the link is paid. */
  outcome: SendOutcome | 'alreadySent' | 'notSent';
  error?: string;
}

export interface CheckoutChargedSession {
  mode: 'checkout';
  sessionId: string;
  customerId: string | null;
  checkoutSessionId: string;
  /** The page where the client pays (null once paid or expired). */
  url: string | null;
  expiresAt: string;
  amountCents: number;
  currency: string;
  payment: PaymentState;
  /** True when the session already had this Checkout Session and nothing new was created at Stripe. */
  alreadyCharged: boolean;
  /** The expired Checkout Session this one replaces, when the client let the earlier link run out. */
  replacesExpired: string | null;
  mail: PaymentLinkMail;
  /** A test-mode Checkout Session: nobody can pay it with a real card. */
  testMode: boolean;
}

const PREVIEW_URL = 'https://checkout.stripe.com/c/pay/cs_test_preview';
const DAY_MS = 86_400_000;

export async function chargeSessionByCheckout(
  deps: CheckoutChargeDeps,
  sessionId: string,
  options: CheckoutChargeOptions = {},
): Promise<CheckoutChargedSession> {
  const { signal } = options;
  const currency = (options.currency ?? 'eur').toLowerCase();
  const stored = await readPaymentSession(deps, sessionId, signal);
  const { session } = stored;
  // Everything that would make the charge or its mail wrong is refused here, before any call to Stripe.
  if (session.status === 'canceled') throw refusedCanceled(session, 'charged');
  await refuseWhenInvoiced(deps, stored, signal);
  const amountCents = feeOf(session);
  const payer = await readPayingClient(deps, session, signal);
  const ctx: DraftContext = {
    session,
    client: await readClient(deps.dataverse, deps.tables, payer.id, signal),
    practitioner: deps.practitioner,
    templates: deps.templates,
  };
  const now = (): Date => new Date(deps.clock.now());
  await renderMessage(
    {
      kind: 'paymentLink',
      session,
      client: ctx.client,
      practitioner: ctx.practitioner,
      payment: { url: PREVIEW_URL, amountCents, currency, expiresAt: new Date(now().getTime() + DAY_MS) },
    },
    ctx.templates,
  );

  let expired: string | undefined;
  if (stored.checkoutSessionId !== undefined) {
    const known = await retrieve(deps, session, stored.checkoutSessionId, signal);
    if (known.status === 'complete') return settled(deps, session, known, signal);
    if (isPayable(known, now())) {
      checkSameFee(session, known, amountCents, currency);
      return mailLink(deps, ctx, known, { alreadyCharged: true, replacesExpired: null, signal });
    }
    expired = known.id;
  }
  const customerId = await customerFor(deps, payer, signal);
  const successUrl = options.successUrl ?? DEFAULT_CHECKOUT_SUCCESS_URL;
  let checkout: Stripe.Checkout.Session | undefined;
  // A replayed create answers as Stripe first did; a session that ran out since is replaced under a new key.
  for (let attempt = 0; attempt < 3 && checkout === undefined; attempt++) {
    const made = await create(deps, session, { customerId, amountCents, currency, successUrl, after: expired }, signal);
    if (isPayable(made, now())) checkout = made;
    else expired = made.id;
  }
  if (checkout === undefined) {
    throw new ExternalServiceError(
      `Stripe keeps answering with expired Checkout Sessions for "${session.subject}". Look at the session in the Stripe Dashboard.`,
      { code: 'stripe.checkoutExpired', retriable: false, detail: { sessionId } },
    );
  }
  // Recorded before the mail: a rerun after a crash mails this Checkout Session instead of making another.
  await recordPayment(deps, session.id, { status: 'invoiced', checkoutSessionId: checkout.id }, { signal });
  deps.log.info('session charged by checkout', {
    sessionId,
    checkoutSessionId: checkout.id,
    amountCents,
    currency,
    ...(expired ? { replacesExpired: expired } : {}),
  });
  return mailLink(deps, ctx, checkout, { alreadyCharged: false, replacesExpired: expired ?? null, signal });
}

/** An invoice that is not void already asks for this fee: a Checkout link as well would charge twice. */
async function refuseWhenInvoiced(deps: PaymentDeps, stored: PaymentSession, signal?: AbortSignal): Promise<void> {
  if (stored.invoiceId === undefined) return;
  const { session } = stored;
  const invoiceId = stored.invoiceId;
  const invoice = await stripeCall(signal, `reading the invoice of "${session.subject}"`, () =>
    deps.stripe.invoices.retrieve(invoiceId),
  );
  if (invoice.status === 'void') return;
  throw new ConflictError(
    `The session "${session.subject}" already has the Stripe invoice ${invoice.id} (${invoice.status ?? 'unknown'}), so it is not charged again by a Checkout link. Void the invoice in the Stripe Dashboard first if the client should pay by link instead.`,
    { code: 'stripe.chargedByInvoice', detail: { sessionId: session.id, invoiceId, status: invoice.status } },
  );
}

function feeOf(session: Session): number {
  const amountCents = session.feeCents ?? 0;
  if (!Number.isInteger(amountCents) || amountCents <= 0) {
    throw new ValidationError(
      `The session "${session.subject}" has no fee, so there is nothing to charge. Set its fee first.`,
      { code: 'stripe.noFee', detail: { sessionId: session.id } },
    );
  }
  return amountCents;
}

/** Open and not yet past its expiry (Stripe expires it on its own a little later; a replay still says open). */
function isPayable(checkout: Stripe.Checkout.Session, now: Date): boolean {
  return checkout.status === 'open' && checkout.expires_at * 1000 > now.getTime();
}

function checkSameFee(session: Session, checkout: Stripe.Checkout.Session, amountCents: number, currency: string) {
  if (checkout.amount_total === amountCents && checkout.currency === currency) return;
  throw new ConflictError(
    `The Checkout Session ${checkout.id} of "${session.subject}" asks for ${checkout.amount_total ?? 0} ${checkout.currency ?? ''} but the session's fee is ${amountCents} ${currency}: the fee changed after the link was made. Expire the Checkout Session in the Stripe Dashboard and charge again.`,
    {
      code: 'stripe.feeChanged',
      detail: {
        sessionId: session.id,
        checkoutSessionId: checkout.id,
        amountTotal: checkout.amount_total,
        amountCents,
      },
    },
  );
}

function retrieve(
  deps: PaymentDeps,
  session: Session,
  id: string,
  signal?: AbortSignal,
): Promise<Stripe.Checkout.Session> {
  return stripeCall(signal, `reading the Checkout Session of "${session.subject}"`, () =>
    deps.stripe.checkout.sessions.retrieve(id),
  );
}

function create(
  deps: PaymentDeps,
  session: Session,
  input: { customerId: string; amountCents: number; currency: string; successUrl: string; after: string | undefined },
  signal?: AbortSignal,
): Promise<Stripe.Checkout.Session> {
  // The first link's key names the session; a link replacing an expired one names that one too.
  const action = input.after === undefined ? 'checkout' : `checkout-after-${input.after}`;
  return stripeCall(signal, `creating the Checkout Session for "${session.subject}"`, () =>
    deps.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        customer: input.customerId,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.currency,
              unit_amount: input.amountCents,
              product_data: { name: session.subject },
            },
          },
        ],
        success_url: input.successUrl,
        client_reference_id: session.id,
        metadata: sessionMetadata(session.id),
        // The payment (and its charge) name the session too, so a refund's webhook finds it.
        payment_intent_data: { metadata: sessionMetadata(session.id) },
      },
      { idempotencyKey: idempotencyKey(session.id, action) },
    ),
  );
}

/** The client paid: the session is recorded paid (a later refund reaches it through the receiver). */
async function settled(
  deps: CheckoutChargeDeps,
  session: Session,
  checkout: Stripe.Checkout.Session,
  signal?: AbortSignal,
): Promise<CheckoutChargedSession> {
  const paid = checkout.payment_status === 'paid' || checkout.payment_status === 'no_payment_required';
  const payment: PaymentState = !paid ? session.payment : session.payment === 'refunded' ? 'refunded' : 'paid';
  if (payment !== session.payment) {
    await recordPayment(deps, session.id, { status: payment, checkoutSessionId: checkout.id }, { signal });
  }
  return result(session, checkout, {
    payment,
    alreadyCharged: true,
    replacesExpired: null,
    mail: { messageId: '', to: '', mailbox: undefined, outcome: 'notSent' },
  });
}

/** Writes the link's mail once (its id derives from the Checkout Session) and has the sender send it once. */
async function mailLink(
  deps: CheckoutChargeDeps,
  ctx: DraftContext,
  checkout: Stripe.Checkout.Session,
  state: { alreadyCharged: boolean; replacesExpired: string | null; signal: AbortSignal | undefined },
): Promise<CheckoutChargedSession> {
  const { session } = ctx;
  const { signal } = state;
  if (checkout.url === null) {
    throw new ExternalServiceError(
      `Stripe gave the Checkout Session ${checkout.id} of "${session.subject}" no link to send.`,
      { code: 'stripe.checkoutWithoutUrl', retriable: false, detail: { sessionId: session.id } },
    );
  }
  const now = new Date(deps.clock.now());
  const draft = await draftPaymentLink(ctx, {
    checkoutSessionId: checkout.id,
    payment: {
      url: checkout.url,
      amountCents: checkout.amount_total ?? 0,
      currency: checkout.currency ?? 'eur',
      expiresAt: new Date(checkout.expires_at * 1000),
    },
    now,
  });
  const entitySet = deps.tables.scheduledMessage.entitySet;
  await createOnce(deps.dataverse, entitySet, messageRowBody(deps.tables, draft), signal);
  const report = await sendDueReminders(deps.sender, {
    now,
    reminderIds: [draft.id],
    ...(signal ? { signal } : {}),
  });
  const item = report.items[0];
  const sent = item
    ? { outcome: item.outcome, ...(item.error === undefined ? {} : { error: item.error }) }
    : await earlierOutcome(deps, draft.id, signal);
  const mail: PaymentLinkMail = { messageId: draft.id, to: draft.email, mailbox: deps.sender.profile.mailbox, ...sent };
  return result(session, checkout, {
    payment: 'invoiced',
    alreadyCharged: state.alreadyCharged,
    replacesExpired: state.replacesExpired,
    mail,
  });
}

/** The sender took nothing: an earlier run sent the mail, or it is no longer to be sent (cancelled, failed). */
async function earlierOutcome(
  deps: CheckoutChargeDeps,
  messageId: string,
  signal?: AbortSignal,
): Promise<Pick<PaymentLinkMail, 'outcome' | 'error'>> {
  const { reminder } = await readMessage(deps.dataverse, deps.tables, messageId, signal);
  if (reminder.status === 'sent') return { outcome: 'alreadySent' };
  return { outcome: 'notSent', error: `the mail is ${reminder.status} in the reminders` };
}

function result(
  session: Session,
  checkout: Stripe.Checkout.Session,
  rest: Pick<CheckoutChargedSession, 'payment' | 'alreadyCharged' | 'replacesExpired' | 'mail'>,
): CheckoutChargedSession {
  const customer = checkout.customer;
  return {
    mode: 'checkout',
    sessionId: session.id,
    customerId: typeof customer === 'string' ? customer : (customer?.id ?? null),
    checkoutSessionId: checkout.id,
    url: checkout.url,
    expiresAt: new Date(checkout.expires_at * 1000).toISOString(),
    amountCents: checkout.amount_total ?? 0,
    currency: checkout.currency ?? '',
    testMode: !checkout.livemode,
    ...rest,
  };
}
