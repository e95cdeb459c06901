// The sandbox's stand-ins for Stripe's hosted pages (invoice.stripe.com, checkout.stripe.com,
// buy.stripe.com, receipts): plain HTML under `/v1/_sandbox/pages/…`, reachable without the secret
// key as the real pages are, with a "Pay with test card" button that plays the client's part.

import type { SandboxRequest, SandboxResponse } from '../types';
import type { StripeRuntime } from './runtime';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function page(title: string, body: string): SandboxResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}<p><small>Stripe sandbox (test mode)</small></p></body></html>`,
  };
}

function notFound(): SandboxResponse {
  return page('Not found', '<p>This page does not exist.</p>');
}

function payButton(action: string): string {
  return `<form method="post" action="${escape(action)}"><button type="submit">Pay with test card (pm_card_visa)</button></form>`;
}

function invoicePage(rt: StripeRuntime, id: string, pdf: boolean): SandboxResponse {
  const invoice = rt.state.invoices[id];
  if (invoice === undefined || invoice.status === 'draft') return notFound();
  if (pdf) {
    return {
      status: 200,
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `inline; filename="Invoice-${invoice.number ?? id}.pdf"`,
      },
      body: `%PDF-1.4\n% Stripe sandbox invoice ${invoice.number ?? id}: ${money(invoice.total, invoice.currency)} (${invoice.status})\n%%EOF\n`,
    };
  }
  const lines = invoice.lines.data
    .map((line) => `<li>${escape(line.description ?? '')}: ${money(line.amount, line.currency)}</li>`)
    .join('');
  const pay = invoice.status === 'open' ? payButton(`/v1/_sandbox/pages/invoices/${id}/pay`) : '';
  return page(
    `Invoice ${invoice.number ?? id}`,
    `<p>${escape(rt.state.accountName)} — ${escape(invoice.customer_name ?? invoice.customer_email ?? '')}</p><ul>${lines}</ul><p>Total ${money(invoice.total, invoice.currency)} — status <b>${invoice.status}</b></p>${pay}`,
  );
}

function checkoutPage(rt: StripeRuntime, id: string): SandboxResponse {
  const session = rt.state.checkoutSessions[id];
  if (session === undefined) return notFound();
  const lines = (rt.state.checkoutLineItems[id] ?? [])
    .map(
      (item) => `<li>${item.quantity} × ${escape(item.description)}: ${money(item.amount_total, item.currency)}</li>`,
    )
    .join('');
  // A session past its expires_at can no longer be paid, though nobody has read it (and expired it) yet.
  const status = session.status === 'open' && session.expires_at <= rt.now() ? 'expired' : session.status;
  const pay = status === 'open' ? payButton(`/v1/_sandbox/pages/checkout/${id}/pay`) : '';
  return page(
    `Pay ${escape(rt.state.accountName)}`,
    `<ul>${lines}</ul><p>Total ${money(session.amount_total, session.currency)} — ${status}, ${session.payment_status}</p>${pay}`,
  );
}

function linkPage(rt: StripeRuntime, id: string): SandboxResponse {
  const link = rt.state.paymentLinks[id];
  if (link === undefined || !link.active) return notFound();
  const lines = (rt.state.paymentLinkLineItems[id] ?? [])
    .map(
      (item) => `<li>${item.quantity} × ${escape(item.description)}: ${money(item.amount_total, item.currency)}</li>`,
    )
    .join('');
  return page(`Pay ${rt.state.accountName}`, `<ul>${lines}</ul>`);
}

function receiptPage(rt: StripeRuntime, id: string): SandboxResponse {
  const charge = rt.state.charges[id];
  if (charge === undefined) return notFound();
  return page(
    `Receipt from ${rt.state.accountName}`,
    `<p>${money(charge.amount, charge.currency)} — ${charge.status}${charge.refunded ? ', refunded' : ''}</p>`,
  );
}

export const PAGES_PREFIX = '/v1/_sandbox/pages/';

/**
 * Serves a hosted page. `pay` runs the authenticated sandbox route that completes the payment (the
 * page posts to itself; the service calls back into its own API with the practice's key).
 */
export function servePage(
  rt: StripeRuntime,
  request: SandboxRequest,
  pay: (apiPath: string) => SandboxResponse,
): SandboxResponse {
  const rest = request.path.slice(PAGES_PREFIX.length).split('?')[0] ?? '';
  const [kind, rawId, action] = rest.split('/');
  const id = decodeURIComponent(rawId ?? '');
  if (request.method === 'POST' && action === 'pay') {
    const apiPath =
      kind === 'invoices'
        ? `/v1/invoices/${id}/pay`
        : kind === 'checkout'
          ? `/v1/_sandbox/checkout_sessions/${id}/complete`
          : undefined;
    if (apiPath === undefined) return notFound();
    const result = pay(apiPath);
    if (result.status !== 200) return page('Payment failed', `<p>${escape(JSON.stringify(result.body))}</p>`);
    const session = rt.state.checkoutSessions[id];
    const back = kind === 'checkout' && session?.success_url ? session.success_url : `${PAGES_PREFIX}${kind}/${id}`;
    return { status: 303, headers: { Location: back } };
  }
  if (request.method !== 'GET') return notFound();
  if (kind === 'invoices') return invoicePage(rt, id, action === 'pdf');
  if (kind === 'checkout') return checkoutPage(rt, id);
  if (kind === 'payment_links') return linkPage(rt, id);
  if (kind === 'receipts') return receiptPage(rt, id);
  return notFound();
}
