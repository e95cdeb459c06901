// The Stripe sandbox's whole state as plain JSON: every object is stored in its wire shape (what the
// API returns, see objects.ts), keyed by id in creation order, so export → JSON → import is lossless
// and listing is a reverse walk. Secrets and bookkeeping that Stripe never returns sit beside them.

import type {
  Charge,
  CheckoutSession,
  Customer,
  Invoice,
  InvoiceItem,
  LineItem,
  Metadata,
  PaymentIntent,
  PaymentLink,
  Price,
  Product,
  Refund,
  StripeEvent,
  WebhookEndpoint,
} from './objects';

export type * from './objects';

export interface Delivery {
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  attempt: number;
  at: number; // epoch ms
  status: number | null;
  error?: string;
  succeeded: boolean;
}

export interface SavedResponse {
  key: string;
  method: string;
  path: string;
  params: string; // canonical JSON of the parsed params
  status: number;
  body: unknown;
  requestId: string;
  savedAt: number; // epoch ms
}

export interface StripeState {
  version: 1;
  accountId: string;
  accountName: string;
  secretKey: string;
  webhookSecret: string;
  customers: Record<string, Customer>;
  deletedCustomers: string[];
  invoiceItems: Record<string, InvoiceItem>;
  invoices: Record<string, Invoice>;
  paymentIntents: Record<string, PaymentIntent>;
  charges: Record<string, Charge>;
  refunds: Record<string, Refund>;
  products: Record<string, Product>;
  prices: Record<string, Price>;
  checkoutSessions: Record<string, CheckoutSession>;
  checkoutLineItems: Record<string, LineItem[]>;
  /** `payment_intent_data[metadata]` is not on the session object; kept until the session is paid. */
  checkoutPaymentIntentMetadata: Record<string, Metadata>;
  paymentLinks: Record<string, PaymentLink>;
  paymentLinkLineItems: Record<string, LineItem[]>;
  events: Record<string, StripeEvent>;
  webhookEndpoints: Record<string, WebhookEndpoint>;
  /** Stripe shows an endpoint's secret once, at creation; deliveries still need it. */
  webhookSecrets: Record<string, string>;
  deliveries: Delivery[];
  idempotency: Record<string, SavedResponse>;
}

export function emptyState(account: {
  accountId: string;
  accountName: string;
  secretKey: string;
  webhookSecret: string;
}): StripeState {
  return {
    version: 1,
    ...account,
    customers: {},
    deletedCustomers: [],
    invoiceItems: {},
    invoices: {},
    paymentIntents: {},
    charges: {},
    refunds: {},
    products: {},
    prices: {},
    checkoutSessions: {},
    checkoutLineItems: {},
    checkoutPaymentIntentMetadata: {},
    paymentLinks: {},
    paymentLinkLineItems: {},
    events: {},
    webhookEndpoints: {},
    webhookSecrets: {},
    deliveries: [],
    idempotency: {},
  };
}

export function isStripeState(value: unknown): value is StripeState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StripeState>;
  return v.version === 1 && typeof v.secretKey === 'string' && typeof v.customers === 'object';
}
