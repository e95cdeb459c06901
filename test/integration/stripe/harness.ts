// The payment actions against the sandbox: Dataverse through the real Web API client, Stripe through the real
// stripe SDK sending through the profile's HTTP layer, and helpers to read what the sandbox's Stripe holds.
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { silentLogger } from '../../../src/core/log';
import { createSession } from '../../../src/core/booking';
import { createStripeApi, type PaymentDeps, type StripeApi } from '../../../src/core/stripe';
import { startSessionsHarness, type SessionsHarness } from '../sessions/harness';

interface SandboxInvoice {
  id: string;
  status: string;
  total: number;
  customer: string;
  metadata: Record<string, string>;
  lines: { data: unknown[] };
}

interface SandboxStripeState {
  customers: Record<string, { id: string; email: string | null }>;
  invoices: Record<string, SandboxInvoice>;
  invoiceItems: Record<string, { invoice: string | null; metadata: Record<string, string> }>;
  refunds: Record<string, { amount: number }>;
}

export interface PaymentsHarness extends SessionsHarness {
  stripe: StripeApi;
  paymentDeps(overrides?: Partial<PaymentDeps>): PaymentDeps;
  stripeState(): SandboxStripeState;
  invoicesOf(sessionId: string): SandboxInvoice[];
  /** A booked session with this fee (cents) for a seeded client, or for the client given. */
  aSession(options?: { feeCents?: number; clientId?: string }): Promise<string>;
  /** A new contact with this e-mail (or none), not yet known to Stripe. */
  aContact(email: string | null): Promise<string>;
  /** How many requests the sandbox's Stripe got since `mark()`. */
  stripeRequestsSinceMark(): number;
}

const DAY = 86_400_000;

export async function startPaymentsHarness(seed: string): Promise<PaymentsHarness> {
  const h = await startSessionsHarness({ seed });
  const stripe = createStripeApi(h.clients.http, h.profile, h.sandbox.info.stripeSecretKey);
  let day = 3;
  let contacts = 0;
  const stripeState = (): SandboxStripeState =>
    h.sandbox.exportState().services.stripe as unknown as SandboxStripeState;
  const c = DEFAULT_TABLES.client;
  return Object.assign(h, {
    stripe,
    paymentDeps: (overrides: Partial<PaymentDeps> = {}): PaymentDeps => ({
      dataverse: h.dv,
      tables: DEFAULT_TABLES,
      stripe,
      log: silentLogger,
      ...overrides,
    }),
    stripeState,
    invoicesOf: (sessionId: string) =>
      Object.values(stripeState().invoices).filter((i) => i.metadata['session_id'] === sessionId),
    aSession: async (options: { feeCents?: number; clientId?: string } = {}) => {
      const clientId = options.clientId ?? (await h.clientSpeaking('en')).id;
      const start = new Date(Math.ceil((Date.now() + day++ * DAY) / 60_000) * 60_000);
      const created = await createSession(h.deps(), {
        clientId,
        start,
        durationMinutes: 50,
        ...(options.feeCents === undefined ? {} : { feeCents: options.feeCents }),
      });
      return created.session.id;
    },
    aContact: async (email: string | null) => {
      contacts += 1;
      return h.dv.create(c.entitySet, {
        [c.columns.firstName]: 'Pat',
        [c.columns.lastName]: `Payer ${contacts}`,
        [c.columns.email]: email,
      });
    },
    stripeRequestsSinceMark: () =>
      h.sandbox
        .requestLog()
        .slice(h.marked())
        .filter((e) => e.service === 'stripe').length,
  });
}
