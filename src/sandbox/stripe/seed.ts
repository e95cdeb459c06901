// Loads the seeded practice into Stripe objects: a customer per client with a stripeCustomerId, and
// for each of their sessions that reached Stripe an invoice with one invoice item (metadata
// session_id), advanced to match the session's payment status (invoiced → open, paid → paid by card,
// refunded → paid then refunded, failed → open after a declined attempt). Only the newest events
// are kept, so the event log starts with "a few".

import type { PracticeSeed, SeedClient, SeedSession } from '../types';
import { addCustomer } from './customers';
import { addInvoice } from './invoices';
import { chargeInvoice, sendInvoice } from './invoiceLifecycle';
import { recomputeDraft } from './invoiceItems';
import type { CallInfo, StripeRuntime } from './runtime';
import { emptyState, type InvoiceItem, type StripeState } from './state';
import { StripeApiError } from './wire';

const SEED_CALL: CallInfo = { requestId: null, idempotencyKey: null };
const KEPT_EVENTS = 12;
const BILLED: ReadonlySet<SeedSession['paymentStatus']> = new Set(['invoiced', 'paid', 'refunded', 'failed']);

export function seededState(practice: PracticeSeed): StripeState {
  return emptyState({
    accountId: practice.stripe.accountId,
    accountName: practice.practiceName,
    secretKey: practice.stripe.secretKey,
    webhookSecret: practice.stripe.webhookSecret,
  });
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function clockSeconds(rt: StripeRuntime): number {
  return Math.floor(rt.nowMs() / 1000);
}

function seedCustomer(
  rt: StripeRuntime,
  client: SeedClient & { stripeCustomerId: string },
  sessions: SeedSession[],
): void {
  const firstStart = Math.min(...sessions.map((s) => seconds(s.start)), clockSeconds(rt));
  rt.seedingAt = firstStart - 7 * 86_400;
  addCustomer(
    rt,
    {
      email: client.email,
      name: `${client.firstName} ${client.lastName}`,
      phone: client.phone,
      metadata: { contact_id: client.id },
      preferredLocales: [client.language],
    },
    client.stripeCustomerId,
  );
}

function seedInvoice(rt: StripeRuntime, client: SeedClient & { stripeCustomerId: string }, session: SeedSession): void {
  rt.seedingAt = seconds(session.end);
  const invoice = addInvoice(rt, {
    customer: client.stripeCustomerId,
    collectionMethod: 'send_invoice',
    daysUntilDue: 14,
    dueDate: null,
    currency: session.currency,
    description: session.subject,
    metadata: { session_id: session.id, contact_id: client.id },
    autoAdvance: false,
    defaultPaymentMethod: null,
    includePending: false,
  });
  if (session.stripeInvoiceId !== undefined) {
    // Keep the id the Dataverse row already points at.
    delete rt.state.invoices[invoice.id];
    invoice.id = session.stripeInvoiceId;
    invoice.lines.url = `/v1/invoices/${invoice.id}/lines`;
    rt.state.invoices[invoice.id] = invoice;
  }
  const item: InvoiceItem = {
    id: rt.id('ii_'),
    object: 'invoiceitem',
    amount: session.feeCents,
    currency: session.currency,
    customer: client.stripeCustomerId,
    date: rt.now(),
    description: session.subject,
    discountable: true,
    discounts: [],
    invoice: invoice.id,
    livemode: false,
    metadata: { session_id: session.id },
    parent: null,
    period: { start: seconds(session.start), end: seconds(session.end) },
    pricing: null,
    proration: false,
    quantity: 1,
    tax_rates: [],
    test_clock: null,
  };
  rt.state.invoiceItems[item.id] = item;
  recomputeDraft(rt, invoice, [item]);
  rt.emit(SEED_CALL, 'invoice.created', invoice);
  sendInvoice(rt, SEED_CALL, invoice);
  if (session.paymentStatus === 'invoiced') return;
  // Paid two days after the session, but never later than the sandbox's clock.
  rt.seedingAt = Math.min(seconds(session.end) + 2 * 86_400, clockSeconds(rt));
  try {
    const card = session.paymentStatus === 'failed' ? 'pm_card_chargeDeclined' : 'pm_card_visa';
    const outcome = chargeInvoice(rt, SEED_CALL, invoice, card);
    if (session.paymentStatus === 'refunded') refundInFull(rt, outcome.charge.id);
  } catch (error) {
    // The declined attempt of a 'failed' session is the point; anything else is a seeding bug.
    if (!(error instanceof StripeApiError) || session.paymentStatus !== 'failed') throw error;
  }
}

function refundInFull(rt: StripeRuntime, chargeId: string): void {
  const charge = rt.state.charges[chargeId];
  if (charge === undefined) return;
  const refund = {
    id: rt.id('re_'),
    object: 'refund' as const,
    amount: charge.amount,
    balance_transaction: rt.id('txn_'),
    charge: charge.id,
    created: rt.now(),
    currency: charge.currency,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: 'requested_by_customer' as const,
    receipt_number: null,
    status: 'succeeded' as const,
  };
  rt.state.refunds[refund.id] = refund;
  charge.amount_refunded = charge.amount;
  charge.refunded = true;
  rt.emit(SEED_CALL, 'charge.refunded', charge, { amount_refunded: 0, refunded: false });
}

/** Fills `rt.state` (already reset to the practice's account) with the practice's Stripe history. */
export function seedPractice(rt: StripeRuntime, practice: PracticeSeed): void {
  const sessionsByClient = new Map<string, SeedSession[]>();
  for (const session of [...practice.sessions].sort((a, b) => a.start.localeCompare(b.start))) {
    const list = sessionsByClient.get(session.clientId) ?? [];
    list.push(session);
    sessionsByClient.set(session.clientId, list);
  }
  const clients = practice.clients.filter(
    (c): c is SeedClient & { stripeCustomerId: string } => c.stripeCustomerId !== undefined,
  );
  try {
    for (const client of clients) seedCustomer(rt, client, sessionsByClient.get(client.id) ?? []);
    const billed = practice.sessions
      .filter((s) => BILLED.has(s.paymentStatus))
      .sort((a, b) => a.end.localeCompare(b.end));
    const clientsById = new Map(clients.map((c) => [c.id, c]));
    for (const session of billed) {
      const client = clientsById.get(session.clientId);
      if (client !== undefined) seedInvoice(rt, client, session);
    }
  } finally {
    rt.seedingAt = undefined;
  }
  keepNewestEvents(rt.state, KEPT_EVENTS);
}

function keepNewestEvents(state: StripeState, count: number): void {
  const ids = Object.keys(state.events);
  for (const id of ids.slice(0, Math.max(0, ids.length - count))) delete state.events[id];
}
