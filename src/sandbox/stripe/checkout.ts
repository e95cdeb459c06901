// Checkout Sessions (mode=payment) and Payment Links, plus the sandbox-only routes that play the
// client's part: `POST /v1/_sandbox/checkout_sessions/:id/complete` pays an open session as if the
// client had entered a card, and `POST /v1/_sandbox/payment_links/:id/complete` opens a session from
// a link and pays it. Completion records `checkout.session.completed` as Stripe does.
//
// As Stripe: a hosted session (the default ui_mode) needs `success_url` (stripe-node#1944: "required today
// for creating a normal Checkout Session"); `expires_at` lies 30 minutes to 24 hours after creation (24 hours
// when not given); `url` is only present while the session is open; a session past its `expires_at` is
// expired (`checkout.session.expired`) when it is next read or paid, as Stripe expires it on its own.

import { addCustomer } from './customers';
import { applyExpand } from './expand';
import { filterCreated, listPage, newestFirst } from './listing';
import { applyMetadata } from './params';
import { checkPaymentMethod } from './paymentMethods';
import { attemptPayment, throwDecline } from './payments';
import { readLineItems } from './prices';
import type { ApiCall, Route, StripeRuntime } from './runtime';
import type { CheckoutSession, LineItem, PaymentLink } from './state';
import { invalidRequest, invalidValue, parameterMissing, resourceMissing } from './wire';

const SESSION_LIFETIME = 24 * 3600;
const SHORTEST_LIFETIME = 30 * 60;

/** The session, expired first when its time ran out (Stripe expires open sessions by itself). */
function requireSession(call: ApiCall, id: string, param = 'session'): CheckoutSession {
  const session = call.rt.state.checkoutSessions[id];
  if (session === undefined) throw resourceMissing('checkout.session', id, param);
  expireIfDue(call, session);
  return session;
}

function expireIfDue(call: ApiCall, session: CheckoutSession): void {
  if (session.status !== 'open' || session.expires_at > call.rt.now()) return;
  markExpired(call, session);
}

function markExpired(call: ApiCall, session: CheckoutSession): void {
  session.status = 'expired';
  session.url = null;
  call.rt.emit({ requestId: null, idempotencyKey: null }, 'checkout.session.expired', session);
}

function requireLink(rt: StripeRuntime, id: string, param = 'payment_link'): PaymentLink {
  const link = rt.state.paymentLinks[id];
  if (link === undefined) throw resourceMissing('payment_link', id, param);
  return link;
}

interface SessionFields {
  lineItems: LineItem[];
  customer: string | null;
  customerEmail: string | null;
  metadata: Record<string, string>;
  successUrl: string | null;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  customerCreation: CheckoutSession['customer_creation'];
  paymentLink: string | null;
  expiresAt?: number;
  paymentIntentMetadata: Record<string, string>;
}

function addSession(rt: StripeRuntime, fields: SessionFields): CheckoutSession {
  const id = rt.id('cs_test_');
  const now = rt.now();
  const total = fields.lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const session: CheckoutSession = {
    id,
    object: 'checkout.session',
    amount_subtotal: total,
    amount_total: total,
    cancel_url: fields.cancelUrl,
    client_reference_id: fields.clientReferenceId,
    created: now,
    currency: fields.lineItems[0]?.currency ?? 'eur',
    customer: fields.customer,
    customer_creation: fields.customer === null ? fields.customerCreation : null,
    customer_details: null,
    customer_email: fields.customerEmail,
    expires_at: fields.expiresAt ?? now + SESSION_LIFETIME,
    invoice: null,
    livemode: false,
    metadata: fields.metadata,
    mode: 'payment',
    payment_intent: null,
    payment_link: fields.paymentLink,
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    status: 'open',
    success_url: fields.successUrl,
    url: `${rt.urls.stripeUrl}/v1/_sandbox/pages/checkout/${id}`,
  };
  rt.state.checkoutSessions[id] = session;
  rt.state.checkoutLineItems[id] = fields.lineItems;
  rt.state.checkoutPaymentIntentMetadata[id] = fields.paymentIntentMetadata;
  return session;
}

function createSession(call: ApiCall): object {
  const { params, rt } = call;
  const mode = params.requiredString('mode');
  if (mode !== 'payment') {
    throw invalidValue('mode', `The sandbox supports only mode=payment Checkout Sessions (got ${mode}).`);
  }
  const customer = params.string('customer') ?? null;
  if (customer !== null && rt.state.customers[customer] === undefined) {
    throw resourceMissing('customer', customer, 'customer');
  }
  const customerEmail = params.string('customer_email') ?? null;
  if (customer !== null && customerEmail !== null) {
    throw invalidRequest(
      'You may only specify one of these parameters: customer, customer_email.',
      undefined,
      'customer_email',
    );
  }
  const uiMode =
    params.oneOf('ui_mode', ['hosted_page', 'embedded_page', 'elements', 'form'] as const) ?? 'hosted_page';
  if (uiMode !== 'hosted_page') {
    throw invalidValue('ui_mode', `The sandbox supports only hosted_page Checkout Sessions (got ${uiMode}).`);
  }
  // Checked before the line items are read, so a refused request leaves no inline price behind.
  const lines = params.objects('line_items');
  if (lines === undefined || lines.length === 0) throw parameterMissing('line_items');
  if (!params.has('success_url')) throw parameterMissing('success_url');
  const successUrl = params.requiredString('success_url');
  if (!/^https?:\/\/\S+$/.test(successUrl)) throw invalidValue('success_url', 'Not a valid URL');
  const expiresAt = params.int('expires_at');
  if (expiresAt !== undefined) checkLifetime(expiresAt - rt.now());
  const session = addSession(rt, {
    lineItems: readLineItems(call, true),
    customer,
    customerEmail,
    metadata: applyMetadata({}, params.metadataPatch()),
    successUrl,
    cancelUrl: params.string('cancel_url') ?? null,
    clientReferenceId: params.string('client_reference_id') ?? null,
    customerCreation: params.oneOf('customer_creation', ['always', 'if_required'] as const) ?? 'if_required',
    paymentLink: null,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    paymentIntentMetadata: applyMetadata({}, params.object('payment_intent_data')?.metadataPatch()),
  });
  return applyExpand(rt.state, withLineItems(rt, session, params.strings('expand')), params.strings('expand'));
}

function checkLifetime(seconds: number): void {
  if (seconds < SHORTEST_LIFETIME) {
    throw invalidValue(
      'expires_at',
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
    );
  }
  if (seconds > SESSION_LIFETIME) {
    throw invalidValue(
      'expires_at',
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
    );
  }
}

/** `line_items` is only part of the session when expanded, as in Stripe. */
function withLineItems(rt: StripeRuntime, session: CheckoutSession, expand: string[] | undefined): object {
  if (!(expand ?? []).includes('line_items')) return session;
  const data = rt.state.checkoutLineItems[session.id] ?? [];
  return {
    ...session,
    line_items: { object: 'list', data, has_more: false, url: `/v1/checkout/sessions/${session.id}/line_items` },
  };
}

function withoutLineItems(expand: string[] | undefined): string[] | undefined {
  return expand?.filter((path) => path !== 'line_items');
}

/** Pays an open session with a test card; a decline answers 402 and leaves the session open. */
function completeSession(call: ApiCall, session: CheckoutSession): CheckoutSession {
  const { params, rt } = call;
  if (session.status !== 'open') {
    throw invalidRequest(`Checkout Session ${session.id} is ${session.status}, not open.`, 'checkout_session_not_open');
  }
  const paymentMethod = params.string('payment_method') ?? 'pm_card_visa';
  checkPaymentMethod(paymentMethod, 'payment_method');
  const existing = session.customer === null ? undefined : rt.state.customers[session.customer];
  const email = existing?.email ?? session.customer_email ?? params.string('email') ?? null;
  const name = existing?.name ?? params.string('name') ?? null;
  const outcome = attemptPayment(rt, call, {
    amount: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    paymentMethod,
    description: null,
    metadata: rt.state.checkoutPaymentIntentMetadata[session.id] ?? {},
    billing: { email, name },
  });
  if (outcome.decline !== undefined) throwDecline({ ...outcome, decline: outcome.decline });
  if (session.customer === null && session.customer_creation === 'always') {
    const customer = addCustomer(rt, { email, name });
    rt.emit(call, 'customer.created', customer);
    session.customer = customer.id;
  }
  session.status = 'complete';
  session.payment_status = 'paid';
  session.payment_intent = outcome.paymentIntent.id;
  session.customer_details = { email, name };
  // `url` is only present while the session can still be paid.
  session.url = null;
  rt.emit(call, 'checkout.session.completed', session);
  return session;
}

function expireSession(call: ApiCall): object {
  const session = requireSession(call, call.path.id ?? '');
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status of open can be expired. This session is ${session.status}.`,
    );
  }
  session.status = 'expired';
  session.url = null;
  call.rt.emit(call, 'checkout.session.expired', session);
  return session;
}

function listSessions(call: ApiCall): object {
  const { params, rt } = call;
  const filters = {
    customer: params.string('customer'),
    payment_intent: params.string('payment_intent'),
    payment_link: params.string('payment_link'),
    status: params.string('status'),
  };
  for (const session of Object.values(rt.state.checkoutSessions)) expireIfDue(call, session);
  const items = filterCreated(newestFirst(rt.state.checkoutSessions), params).filter((s) =>
    Object.entries(filters).every(([key, value]) => value === undefined || s[key as keyof typeof filters] === value),
  );
  return applyExpand(
    rt.state,
    listPage(items, params, '/v1/checkout/sessions', 'checkout.session'),
    params.strings('expand'),
  );
}

function createLink(call: ApiCall): object {
  const { params, rt } = call;
  const lineItems = readLineItems(call, true);
  const afterCompletion = params.object('after_completion');
  const type = afterCompletion?.oneOf('type', ['hosted_confirmation', 'redirect'] as const) ?? 'hosted_confirmation';
  const redirectUrl = afterCompletion?.object('redirect')?.string('url');
  if (type === 'redirect' && redirectUrl === undefined) {
    throw invalidRequest(
      'Missing required param: after_completion[redirect][url].',
      'parameter_missing',
      'after_completion[redirect][url]',
    );
  }
  const id = rt.id('plink_');
  const link: PaymentLink = {
    id,
    object: 'payment_link',
    active: params.bool('active') ?? true,
    after_completion: type === 'redirect' ? { type, redirect: { url: redirectUrl ?? '' } } : { type },
    created: rt.now(),
    currency: lineItems[0]?.currency ?? 'eur',
    livemode: false,
    metadata: applyMetadata({}, params.metadataPatch()),
    url: `${rt.urls.stripeUrl}/v1/_sandbox/pages/payment_links/${id}`,
  };
  rt.state.paymentLinks[id] = link;
  rt.state.paymentLinkLineItems[id] = lineItems;
  rt.emit(call, 'payment_link.created', link);
  return applyExpand(rt.state, link, params.strings('expand'));
}

function updateLink(call: ApiCall): object {
  const { params, rt } = call;
  const link = requireLink(rt, call.path.id ?? '', 'id');
  const before = { active: link.active, metadata: link.metadata };
  const active = params.bool('active');
  if (active !== undefined) link.active = active;
  link.metadata = applyMetadata(link.metadata, params.metadataPatch());
  rt.emit(call, 'payment_link.updated', link, before);
  return applyExpand(rt.state, link, params.strings('expand'));
}

/** A client follows the link and pays: Stripe opens a session carrying the link's metadata. */
function completeLink(call: ApiCall): object {
  const { rt } = call;
  const link = requireLink(rt, call.path.id ?? '', 'id');
  if (!link.active) throw invalidRequest(`Payment link ${link.id} is not active.`, 'payment_link_inactive');
  const session = addSession(rt, {
    lineItems: structuredClone(rt.state.paymentLinkLineItems[link.id] ?? []).map((item) => ({
      ...item,
      id: rt.id('li_'),
    })),
    customer: null,
    customerEmail: null,
    metadata: { ...link.metadata },
    successUrl: link.after_completion.redirect?.url ?? null,
    cancelUrl: null,
    clientReferenceId: call.params.string('client_reference_id') ?? null,
    customerCreation: 'if_required',
    paymentLink: link.id,
    paymentIntentMetadata: {},
  });
  return completeSession(call, session);
}

function lineItemsOf(pick: (rt: StripeRuntime, id: string) => LineItem[], url: (id: string) => string) {
  return (call: ApiCall): object => {
    const id = call.path.id ?? '';
    return listPage([...pick(call.rt, id)], call.params, url(id), 'line_item');
  };
}

export const checkoutRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/checkout/sessions', handler: createSession },
  { method: 'GET', pattern: '/v1/checkout/sessions', handler: listSessions },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id',
    handler: (call) => {
      const expand = call.params.strings('expand');
      const session = requireSession(call, call.path.id ?? '');
      return applyExpand(call.rt.state, withLineItems(call.rt, session, expand), withoutLineItems(expand));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id/line_items',
    handler: lineItemsOf(
      (rt, id) => {
        if (rt.state.checkoutSessions[id] === undefined) throw resourceMissing('checkout.session', id, 'session');
        return rt.state.checkoutLineItems[id] ?? [];
      },
      (id) => `/v1/checkout/sessions/${id}/line_items`,
    ),
  },
  { method: 'POST', pattern: '/v1/checkout/sessions/:id/expire', handler: expireSession },
  { method: 'POST', pattern: '/v1/payment_links', handler: createLink },
  {
    method: 'GET',
    pattern: '/v1/payment_links',
    handler: (call) =>
      listPage(
        filterCreated(newestFirst(call.rt.state.paymentLinks), call.params),
        call.params,
        '/v1/payment_links',
        'payment_link',
      ),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_links/:id',
    handler: (call) =>
      applyExpand(call.rt.state, requireLink(call.rt, call.path.id ?? '', 'id'), call.params.strings('expand')),
  },
  { method: 'POST', pattern: '/v1/payment_links/:id', handler: updateLink },
  {
    method: 'GET',
    pattern: '/v1/payment_links/:id/line_items',
    handler: lineItemsOf(
      (rt, id) => (requireLink(rt, id, 'id'), rt.state.paymentLinkLineItems[id] ?? []),
      (id) => `/v1/payment_links/${id}/line_items`,
    ),
  },
  {
    method: 'POST',
    pattern: '/v1/_sandbox/checkout_sessions/:id/complete',
    handler: (call) => completeSession(call, requireSession(call, call.path.id ?? '', 'id')),
  },
  { method: 'POST', pattern: '/v1/_sandbox/payment_links/:id/complete', handler: completeLink },
];
