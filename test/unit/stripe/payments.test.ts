// The payment rules that need no Stripe: refusals before any call, the invoice → payment-state mapping,
// Stripe's errors as typed errors, and a key whose mode does not match the profile's.
import { strict as assert } from 'node:assert';
import Stripe from 'stripe';
import { AuthenticationError, TransientError, ValidationError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/log/types';
import { DEFAULT_TABLES, PAYMENT_STATUS } from '../../../src/core/practice';
import { defaultTemplates, type SenderDeps } from '../../../src/core/reminders';
import {
  chargeSession,
  chargeSessionByCheckout,
  createStripeApi,
  paymentStateOf,
  paymentStateOfCheckout,
  type CheckoutChargeDeps,
  refundSession,
  stripeFailure,
  StripeIdempotencyError,
  type PaymentDeps,
  type StripeApi,
} from '../../../src/core/stripe';
import { HttpClient } from '../../../src/core/http';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aContact, seedContact } from '../../builders/sessionActionDeps';
import { failure } from '../../builders/failure';

const T = DEFAULT_TABLES.session;
const C = T.columns;
let counter = 0;

/** A Stripe that fails the test on any use: the action must refuse before calling it. */
const untouchableStripe = new Proxy({} as StripeApi, {
  get: (_target, name) => assert.fail(`Stripe was called (${String(name)})`),
});

function deps(dv: MemoryDataverse): PaymentDeps {
  return { dataverse: dv, tables: DEFAULT_TABLES, stripe: untouchableStripe, log: silentLogger };
}

function seedSession(dv: MemoryDataverse, fields: Record<string, unknown>): string {
  const id = `5e550000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  dv.seed(T.entitySet, {
    [T.primaryId]: id,
    [C.subject]: 'Session',
    [C.start]: '2026-01-05T10:00:00Z',
    [C.end]: '2026-01-05T10:50:00Z',
    ...fields,
  });
  return id;
}

describe('payments before Stripe', () => {
  let dv: MemoryDataverse;
  beforeEach(() => {
    dv = new MemoryDataverse();
  });

  it('refuses to charge a session without a fee', async () => {
    const clientId = seedContact(dv, aContact().build());
    const id = seedSession(dv, { [`${C.regardingClientNav}@odata.bind`]: `/contacts(${clientId})` });
    const error = await failure(chargeSession(deps(dv), id));
    assert.ok(error instanceof ValidationError);
    assert.equal(error.code, 'stripe.noFee');
  });

  it('refuses to charge a session whose client has no e-mail address', async () => {
    const clientId = seedContact(dv, aContact().withoutEmail().build());
    const id = seedSession(dv, { [C.fee]: 90, [`${C.regardingClientNav}@odata.bind`]: `/contacts(${clientId})` });
    const error = await failure(chargeSession(deps(dv), id));
    assert.equal(error.code, 'stripe.noClientEmail');
  });

  it('refuses to charge a session without a client', async () => {
    const error = await failure(chargeSession(deps(dv), seedSession(dv, { [C.fee]: 90 })));
    assert.equal(error.code, 'stripe.noClient');
  });

  it('refuses to refund a session that was not paid', async () => {
    const id = seedSession(dv, {
      [C.fee]: 90,
      [C.paymentStatus]: PAYMENT_STATUS.invoiced,
      [C.stripeInvoiceId]: 'in_1',
    });
    const error = await failure(refundSession(deps(dv), id));
    assert.equal(error.code, 'stripe.notPaid');
  });

  it('refuses a refund amount that is not a positive number of cents', async () => {
    const id = seedSession(dv, { [C.fee]: 90, [C.paymentStatus]: PAYMENT_STATUS.paid, [C.stripeInvoiceId]: 'in_1' });
    const error = await failure(refundSession(deps(dv), id, { amountCents: -5 }));
    assert.equal(error.code, 'stripe.invalidRefundAmount');
  });
});

describe('a Checkout link before Stripe', () => {
  let dv: MemoryDataverse;
  beforeEach(() => {
    dv = new MemoryDataverse();
  });
  /** No Stripe and no sender: the refusals come before either is used. */
  const checkoutDeps = (): CheckoutChargeDeps => ({
    ...deps(dv),
    clock: { now: () => Date.parse('2026-01-05T12:00:00Z'), sleep: () => Promise.resolve() },
    templates: defaultTemplates(),
    practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/Berlin' },
    sender: new Proxy({} as SenderDeps, { get: (_t, name) => assert.fail(`the sender was used (${String(name)})`) }),
  });

  it('refuses a session without a fee and a client without an e-mail address, before Stripe and the sender', async () => {
    const clientId = seedContact(dv, aContact().build());
    const client = { [`${C.regardingClientNav}@odata.bind`]: `/contacts(${clientId})` };
    const noFee = await failure(chargeSessionByCheckout(checkoutDeps(), seedSession(dv, client)));
    assert.equal(noFee.code, 'stripe.noFee');
    const noMail = seedContact(dv, aContact().withoutEmail().build());
    const withoutEmail = seedSession(dv, {
      [C.fee]: 90,
      [`${C.regardingClientNav}@odata.bind`]: `/contacts(${noMail})`,
    });
    assert.equal((await failure(chargeSessionByCheckout(checkoutDeps(), withoutEmail))).code, 'stripe.noClientEmail');
  });
});

describe('Checkout Session status as payment state', () => {
  it('maps complete and paid, open and expired, keeping a recorded refund', () => {
    assert.equal(paymentStateOfCheckout({ status: 'complete', payment_status: 'paid' }, 'invoiced'), 'paid');
    assert.equal(paymentStateOfCheckout({ status: 'complete', payment_status: 'paid' }, 'refunded'), 'refunded');
    assert.equal(paymentStateOfCheckout({ status: 'complete', payment_status: 'unpaid' }, 'invoiced'), 'invoiced');
    assert.equal(paymentStateOfCheckout({ status: 'open', payment_status: 'unpaid' }, 'unpaid'), 'invoiced');
    assert.equal(paymentStateOfCheckout({ status: 'expired', payment_status: 'unpaid' }, 'invoiced'), 'unpaid');
  });
});

describe('invoice status as payment state', () => {
  it('maps paid, open, void and uncollectible, keeping a recorded refund', () => {
    assert.equal(paymentStateOf({ status: 'paid', attempt_count: 1 }, 'invoiced'), 'paid');
    assert.equal(paymentStateOf({ status: 'paid', attempt_count: 1 }, 'refunded'), 'refunded');
    assert.equal(paymentStateOf({ status: 'open', attempt_count: 0 }, 'invoiced'), 'invoiced');
    assert.equal(paymentStateOf({ status: 'open', attempt_count: 1 }, 'invoiced'), 'failed');
    assert.equal(paymentStateOf({ status: 'uncollectible', attempt_count: 0 }, 'invoiced'), 'failed');
    assert.equal(paymentStateOf({ status: 'void', attempt_count: 0 }, 'invoiced'), 'unpaid');
    assert.equal(paymentStateOf({ status: 'draft', attempt_count: 0 }, 'unpaid'), undefined);
  });
});

describe("Stripe's errors as typed errors", () => {
  const raw = (type: Stripe.RawErrorType, extra: Record<string, unknown> = {}) => ({ type, message: 'said', ...extra });

  it('says plainly that a key was reused with other parameters', () => {
    const error = stripeFailure(
      Stripe.errors.StripeError.generate(raw('idempotency_error', { statusCode: 400 }) as never),
      'creating the invoice',
    );
    assert.ok(error instanceof StripeIdempotencyError);
    assert.equal(error.errorClass, 'conflict');
    assert.match(error.message, /made before with other details/);
  });

  it('maps a refused key, a rate limit and a connection failure', () => {
    const auth = stripeFailure(new Stripe.errors.StripeAuthenticationError(raw('invalid_request_error')), 'x');
    assert.ok(auth instanceof AuthenticationError);
    const limited = stripeFailure(new Stripe.errors.StripeRateLimitError(raw('invalid_request_error')), 'x');
    assert.ok(limited instanceof TransientError);
    const lost = stripeFailure(new Stripe.errors.StripeConnectionError(raw('api_error')), 'x');
    assert.equal(lost.retriable, true);
  });
});

describe('the Stripe key of a profile', () => {
  const http = new HttpClient({ logger: silentLogger });
  after(async () => http.close());
  const profile = { name: 'practice', stripeUrl: 'https://api.stripe.com', stripeMode: 'test' as const };

  it('refuses a live key under a test-mode profile, and a missing key', () => {
    assert.throws(() => createStripeApi(http, profile, 'sk_live_abc'), /live-mode key/);
    assert.throws(() => createStripeApi(http, profile, undefined), /LC_STRIPE_SECRET_KEY/);
    assert.ok(createStripeApi(http, profile, 'sk_test_abc'));
  });
});
