// The JSON summary `lc sandbox inspect` and tests read: Stripe objects reduced to what a person
// checks (who, how much, which state), plus the event log and every webhook delivery attempt.

import type { StripeState } from './state';

export function summarize(state: StripeState): unknown {
  return {
    account: { id: state.accountId, name: state.accountName },
    customers: Object.values(state.customers).map((c) => ({
      id: c.id,
      email: c.email,
      name: c.name,
      metadata: c.metadata,
    })),
    invoices: Object.values(state.invoices).map((i) => ({
      id: i.id,
      customer: i.customer,
      number: i.number,
      status: i.status,
      currency: i.currency,
      total: i.total,
      amountDue: i.amount_due,
      amountPaid: i.amount_paid,
      amountRemaining: i.amount_remaining,
      collectionMethod: i.collection_method,
      metadata: i.metadata,
    })),
    pendingInvoiceItems: Object.values(state.invoiceItems)
      .filter((item) => item.invoice === null)
      .map((item) => ({ id: item.id, customer: item.customer, amount: item.amount, currency: item.currency })),
    charges: Object.values(state.charges).map((c) => ({
      id: c.id,
      amount: c.amount,
      status: c.status,
      amountRefunded: c.amount_refunded,
      paymentIntent: c.payment_intent,
    })),
    checkoutSessions: Object.values(state.checkoutSessions).map((s) => ({
      id: s.id,
      status: s.status,
      paymentStatus: s.payment_status,
      amountTotal: s.amount_total,
      currency: s.currency,
      paymentLink: s.payment_link,
      customer: s.customer,
      expiresAt: s.expires_at,
      metadata: s.metadata,
    })),
    paymentLinks: Object.values(state.paymentLinks).map((l) => ({
      id: l.id,
      url: l.url,
      active: l.active,
      metadata: l.metadata,
    })),
    refunds: Object.values(state.refunds).map((r) => ({
      id: r.id,
      charge: r.charge,
      amount: r.amount,
      status: r.status,
    })),
    events: Object.values(state.events).map((e) => ({
      id: e.id,
      type: e.type,
      created: e.created,
      objectId: (e.data.object as { id?: string }).id ?? null,
      pendingWebhooks: e.pending_webhooks,
    })),
    webhookEndpoints: Object.values(state.webhookEndpoints).map((w) => ({
      id: w.id,
      url: w.url,
      enabledEvents: w.enabled_events,
      status: w.status,
    })),
    webhookDeliveries: state.deliveries,
  };
}
