// Charge Session by a Stripe Checkout link against the sandbox, with the real stripe SDK, the real Dataverse
// client and the real Graph SDK: however it goes wrong (a double click, a lost answer, a crash between creating
// the Checkout Session and mailing its link, then a rerun), the session ends with one Checkout Session and one
// mail; a template that names what the mail lacks stops it before Stripe hears of it; the client paying reaches
// the session through the webhook receiver; a link that ran out is replaced by a new one with its own mail.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DataverseClient } from '../../../src/core/dataverse';
import { silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES, PAYMENT_STATUS } from '../../../src/core/practice';
import {
  defaultTemplates,
  paymentLinkRowId,
  REMINDER_ID_PROPERTY,
  templatesWith,
  type SenderDeps,
  type Templates,
} from '../../../src/core/reminders';
import {
  chargeSession,
  chargeSessionByCheckout,
  StripeIdempotencyError,
  refreshAllPaymentStatuses,
  refreshPaymentStatus,
  refundSession,
  type CheckoutChargeDeps,
  type StripeApi,
} from '../../../src/core/stripe';
import { newPayloadKey, payloadKeyFrom, startWebhookService, stripeWebhookHandler } from '../../../src/core/webhooks';
import { failure } from '../../builders/failure';
import { startPaymentsHarness, type PaymentsHarness } from './harness';

const S = DEFAULT_TABLES.session;
const M = DEFAULT_TABLES.scheduledMessage;
const clock = { now: () => Date.now(), sleep: () => Promise.resolve() };

interface SandboxCheckout {
  id: string;
  status: string;
  amount_total: number;
  currency: string;
  customer: string | null;
  url: string | null;
  success_url: string | null;
  metadata: Record<string, string>;
}

interface InspectedMessage {
  extendedProperties: Array<{ id: string; value: string }>;
}
type Folder = 'drafts' | 'outbox' | 'inTransit' | 'sentItems';
type InspectedMailbox = Record<Folder, InspectedMessage[]>;

/** A Dataverse client that dies at its first create of a scheduled message: killed before writing the mail. */
function dyingOnFirstMessageCreate(dv: DataverseClient): DataverseClient {
  let failed = false;
  return Object.assign(Object.create(dv) as DataverseClient, {
    create: (...args: Parameters<DataverseClient['create']>) => {
      if (!failed && args[0] === M.entitySet) {
        failed = true;
        return Promise.reject(new Error('killed before writing the mail'));
      }
      return dv.create(...args);
    },
  });
}

/** A Dataverse client that dies at its first write to a session: killed before recording the Checkout Session. */
function dyingOnFirstSessionWrite(dv: DataverseClient): DataverseClient {
  let failed = false;
  return Object.assign(Object.create(dv) as DataverseClient, {
    update: (...args: Parameters<DataverseClient['update']>) => {
      if (!failed && args[0] === S.entitySet) {
        failed = true;
        return Promise.reject(new Error('killed before recording the Checkout Session'));
      }
      return dv.update(...args);
    },
  });
}

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('charging a session by a Stripe Checkout link (sandbox, real stripe SDK, Dataverse and Graph)', function () {
  this.timeout(60_000);
  let h: PaymentsHarness;
  before(async () => {
    h = await startPaymentsHarness('payments-checkout');
  });
  afterEach(() => h.sandbox.faults.clear());
  after(async () => h?.stop());

  function senderDeps(overrides: Partial<SenderDeps> = {}): SenderDeps {
    return {
      dataverse: h.dv,
      graph: h.clients.graph,
      tables: DEFAULT_TABLES,
      clock,
      log: silentLogger,
      profile: h.profile,
      settings: { perMinute: 30, concurrency: 4, maxAttempts: 5, lookAgainMs: 2_000 },
      ...overrides,
    };
  }

  function deps(
    overrides: { dataverse?: DataverseClient; stripe?: StripeApi; templates?: Templates; sender?: SenderDeps } = {},
  ): CheckoutChargeDeps {
    const dataverse = overrides.dataverse ?? h.dv;
    return {
      ...h.paymentDeps({ dataverse, ...(overrides.stripe ? { stripe: overrides.stripe } : {}) }),
      clock,
      templates: overrides.templates ?? defaultTemplates(),
      practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/London', language: 'en' },
      sender: overrides.sender ?? senderDeps({ dataverse }),
    };
  }

  const checkoutsOf = (sessionId: string): SandboxCheckout[] => {
    const state = h.sandbox.exportState().services.stripe as unknown as {
      checkoutSessions: Record<string, SandboxCheckout>;
    };
    return Object.values(state.checkoutSessions).filter((c) => c.metadata['session_id'] === sessionId);
  };

  /** Copies of a mail anywhere in any mailbox (drafts, Outbox, in transit, Sent Items), by its row id. */
  const mailCopies = (messageId: string): number => {
    const graph = h.sandbox.inspect().services as { graph: { mailboxes: InspectedMailbox[] } };
    let count = 0;
    for (const mailbox of graph.graph.mailboxes) {
      for (const folder of ['drafts', 'outbox', 'inTransit', 'sentItems'] as const) {
        for (const message of mailbox[folder]) {
          const tag = message.extendedProperties.find((p) => p.id.toLowerCase() === REMINDER_ID_PROPERTY.toLowerCase());
          if (tag?.value.toLowerCase() === messageId.toLowerCase()) count++;
        }
      }
    }
    return count;
  };

  /** The session's scheduled messages: its reminders, and any link mail. */
  const linkMailsOf = async (sessionId: string) =>
    h.dv.list(M.entitySet, {
      select: [M.primaryId, M.columns.status, M.columns.text],
      filter: `_${M.columns.session}_value eq ${sessionId}`,
    });

  const sessionRow = async (id: string) => (await h.dv.get(S.entitySet, id)).row;

  it('mails one Checkout link for the fee from the profile mailbox and records the session invoiced with its id', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const charged = await chargeSessionByCheckout(deps(), sessionId, { currency: 'eur' });
    assert.equal(charged.mode, 'checkout');
    assert.equal(charged.amountCents, 9000);
    assert.equal(charged.payment, 'invoiced');
    assert.equal(charged.alreadyCharged, false);
    const [checkout, ...others] = checkoutsOf(sessionId);
    assert.equal(others.length, 0);
    assert.equal(checkout?.id, charged.checkoutSessionId);
    assert.equal(checkout?.status, 'open');
    assert.equal(checkout?.amount_total, 9000);
    assert.equal(checkout?.currency, 'eur');
    assert.equal(checkout?.customer, charged.customerId);
    assert.ok(checkout?.success_url, 'a hosted Checkout Session has a success_url');
    const row = await sessionRow(sessionId);
    assert.equal(row[S.columns.paymentStatus], PAYMENT_STATUS.invoiced);
    assert.equal(row[S.columns.stripeCheckoutSessionId], charged.checkoutSessionId);
    assert.equal(charged.mail.messageId, paymentLinkRowId(sessionId, charged.checkoutSessionId));
    assert.ok(['sent', 'submitted'].includes(charged.mail.outcome), charged.mail.outcome);
    assert.equal(charged.mail.mailbox, h.profile.mailbox);
    const mails = await linkMailsOf(sessionId);
    const linkMail = mails.find((m) => m[M.primaryId] === charged.mail.messageId);
    assert.ok(String(linkMail?.[M.columns.text]).includes(String(charged.url).replace(/&/g, '&amp;')));
    assert.equal(mailCopies(charged.mail.messageId), 1);
  });

  it('a double click (two charges at once) then a rerun makes one Checkout Session and one mail', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await Promise.allSettled([chargeSessionByCheckout(deps(), sessionId), chargeSessionByCheckout(deps(), sessionId)]);
    const rerun = await chargeSessionByCheckout(deps(), sessionId);
    assert.equal(rerun.alreadyCharged, true);
    assert.equal(rerun.mail.outcome, 'alreadySent');
    assert.equal(checkoutsOf(sessionId).length, 1);
    assert.equal(mailCopies(rerun.mail.messageId), 1);
  });

  it('a crash after the Checkout Session was created and before the mail, then a rerun: one session, one mail', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await assert.rejects(
      chargeSessionByCheckout(deps({ dataverse: dyingOnFirstMessageCreate(h.dv) }), sessionId),
      /killed before writing the mail/,
    );
    assert.equal(checkoutsOf(sessionId).length, 1, 'the crashed run created the Checkout Session');
    const rerun = await chargeSessionByCheckout(deps(), sessionId);
    assert.equal(checkoutsOf(sessionId).length, 1);
    assert.equal(rerun.checkoutSessionId, checkoutsOf(sessionId)[0]?.id);
    assert.equal(mailCopies(rerun.mail.messageId), 1);
  });

  it('a crash before the Checkout Session was recorded, then a rerun, gets the same one back from its key', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await assert.rejects(chargeSessionByCheckout(deps({ dataverse: dyingOnFirstSessionWrite(h.dv) }), sessionId));
    const rerun = await chargeSessionByCheckout(deps(), sessionId);
    assert.equal(checkoutsOf(sessionId).length, 1);
    assert.equal(rerun.checkoutSessionId, checkoutsOf(sessionId)[0]?.id);
    assert.equal(mailCopies(rerun.mail.messageId), 1);
  });

  it('a crash in the sender after it sent the mail, then a rerun, sends no second mail', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const crashing = senderDeps({
      crashAt: (point) => {
        if (point === 'afterSend') throw new Error('killed after sending');
      },
    });
    await assert.rejects(chargeSessionByCheckout(deps({ sender: crashing }), sessionId));
    const rerun = await chargeSessionByCheckout(deps(), sessionId);
    assert.equal(checkoutsOf(sessionId).length, 1);
    await waitFor(() => (mailCopies(rerun.mail.messageId) >= 1 ? true : undefined), 'the mail');
    assert.equal(mailCopies(rerun.mail.messageId), 1);
  });

  it('a lost answer to the Checkout Session create is retried under the same key and makes one', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    h.sandbox.faults.add({
      service: 'stripe',
      kind: 'lostAnswer',
      rate: 1,
      limit: 1,
      route: '^POST /v1/checkout/sessions$',
    });
    const charged = await chargeSessionByCheckout(deps(), sessionId);
    assert.equal(h.sandbox.faults.list()[0]?.hits, 1, 'the answer was lost');
    assert.equal(checkoutsOf(sessionId).length, 1);
    assert.equal(checkoutsOf(sessionId)[0]?.id, charged.checkoutSessionId);
    assert.equal(mailCopies(charged.mail.messageId), 1);
  });

  it('refuses a link template naming what the mail lacks before anything is created at Stripe or written', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const templates = templatesWith({
      'paymentLink.liquid':
        '{% capture subject %}Pay{% endcapture %}<p>Pay {{ payment.amount }} by {{ payment.dueDate }}: {{ payment.url }}</p>',
    });
    const messagesBefore = (await linkMailsOf(sessionId)).length;
    h.mark();
    const error = await failure(chargeSessionByCheckout(deps({ templates }), sessionId));
    assert.equal(error.code, 'template.missingVariable');
    assert.match(error.message, /payment\.dueDate/);
    assert.equal(h.stripeRequestsSinceMark(), 0);
    assert.equal(checkoutsOf(sessionId).length, 0);
    assert.equal((await linkMailsOf(sessionId)).length, messagesBefore, 'no mail written');
    assert.equal((await sessionRow(sessionId))[S.columns.stripeCheckoutSessionId] ?? null, null);
  });

  it('the client paying reaches the receiver as checkout.session.completed and the session is paid', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const charged = await chargeSessionByCheckout(deps(), sessionId);
    const dir = mkdtempSync(path.join(tmpdir(), 'lc-checkout-webhooks-'));
    const endpointSecret = { value: '' };
    const service = await startWebhookService({
      inboxDirectory: dir,
      payloadKey: payloadKeyFrom(newPayloadKey()),
      secrets: {
        get stripe() {
          return [endpointSecret.value];
        },
      },
      port: 0,
      handlers: {
        stripe: stripeWebhookHandler({ stripe: h.stripe, dataverse: h.dv, tables: DEFAULT_TABLES, log: silentLogger }),
      },
      http: h.clients.http,
      clock,
      log: silentLogger,
    });
    try {
      const endpoint = await h.stripe.webhookEndpoints.create({
        url: service.routes.stripe,
        enabled_events: ['checkout.session.completed'],
      });
      endpointSecret.value = endpoint.secret ?? '';
      // The client pays on the hosted page, as the sandbox's control route plays it.
      await h.stripe.rawRequest('POST', `/v1/_sandbox/checkout_sessions/${charged.checkoutSessionId}/complete`, {});
      await waitFor(async () => {
        const row = await sessionRow(sessionId);
        return row[S.columns.paymentStatus] === PAYMENT_STATUS.paid ? row : undefined;
      }, 'the session marked paid by the webhook');
      await waitFor(
        () =>
          service.inbox.entries().find((e) => e.eventType === 'checkout.session.completed' && e.outcome === 'applied'),
        'the event recorded as applied',
      );
      await h.stripe.webhookEndpoints.del(endpoint.id);
    } finally {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a link that ran out unpaid: Refresh says unpaid, and charging again makes a new one with its own mail', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const first = await chargeSessionByCheckout(deps(), sessionId);
    await h.stripe.checkout.sessions.expire(first.checkoutSessionId);
    const refreshed = await refreshPaymentStatus(h.paymentDeps(), sessionId);
    assert.equal(refreshed.checkoutStatus, 'expired');
    assert.equal(refreshed.after, 'unpaid');
    const second = await chargeSessionByCheckout(deps(), sessionId);
    assert.notEqual(second.checkoutSessionId, first.checkoutSessionId);
    assert.equal(second.replacesExpired, first.checkoutSessionId);
    assert.equal(second.alreadyCharged, false);
    assert.equal(checkoutsOf(sessionId).length, 2);
    assert.equal(checkoutsOf(sessionId).filter((c) => c.status === 'open').length, 1);
    assert.equal((await sessionRow(sessionId))[S.columns.stripeCheckoutSessionId], second.checkoutSessionId);
    assert.notEqual(second.mail.messageId, first.mail.messageId);
    assert.equal(mailCopies(first.mail.messageId), 1);
    assert.equal(mailCopies(second.mail.messageId), 1);
    const third = await chargeSessionByCheckout(deps(), sessionId);
    assert.equal(third.checkoutSessionId, second.checkoutSessionId, 'a rerun keeps the new link');
    assert.equal(checkoutsOf(sessionId).length, 2);
  });

  it('refuses to invoice a session whose Checkout link is open, and to send a link for an invoiced one', async () => {
    const byLink = await h.aSession({ feeCents: 9000 });
    await chargeSessionByCheckout(deps(), byLink);
    const invoiceError = await failure(chargeSession(h.paymentDeps(), byLink));
    assert.equal(invoiceError.code, 'stripe.chargedByCheckout');
    assert.equal(h.invoicesOf(byLink).length, 0);
    const byInvoice = await h.aSession({ feeCents: 9000 });
    await chargeSession(h.paymentDeps(), byInvoice);
    const linkError = await failure(chargeSessionByCheckout(deps(), byInvoice));
    assert.equal(linkError.code, 'stripe.chargedByInvoice');
    assert.equal(checkoutsOf(byInvoice).length, 0);
  });

  it('a session paid through its link is found by Refresh All and refunds through the payment of its link', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    const charged = await chargeSessionByCheckout(deps(), sessionId);
    await h.stripe.rawRequest('POST', `/v1/_sandbox/checkout_sessions/${charged.checkoutSessionId}/complete`, {});
    const refreshed = await refreshAllPaymentStatuses(h.paymentDeps());
    const mine = refreshed.find((r) => r.sessionId === sessionId);
    assert.deepEqual([mine?.before, mine?.after, mine?.checkoutStatus], ['invoiced', 'paid', 'complete']);
    const part = await refundSession(h.paymentDeps(), sessionId, { amountCents: 3000 });
    assert.deepEqual([part.amountCents, part.paidCents, part.payment], [3000, 9000, 'paid']);
    const rest = await refundSession(h.paymentDeps(), sessionId);
    assert.deepEqual([rest.amountCents, rest.refundedCents, rest.payment], [6000, 9000, 'refunded']);
    assert.equal((await sessionRow(sessionId))[S.columns.paymentStatus], PAYMENT_STATUS.refunded);
    assert.equal((await sessionRow(sessionId))[S.columns.stripeCheckoutSessionId], charged.checkoutSessionId);
  });

  it('a fee changed after a charge died before recording its link is refused plainly, with no second link or mail', async () => {
    const sessionId = await h.aSession({ feeCents: 9000 });
    await assert.rejects(chargeSessionByCheckout(deps({ dataverse: dyingOnFirstSessionWrite(h.dv) }), sessionId));
    await h.dv.update(S.entitySet, sessionId, { [S.columns.fee]: 120 });
    const error = await failure(chargeSessionByCheckout(deps(), sessionId));
    assert.ok(error instanceof StripeIdempotencyError, `${error.name}: ${error.message}`);
    assert.match(error.message, /Checkout Session/);
    assert.equal(checkoutsOf(sessionId).length, 1);
    const mails = await linkMailsOf(sessionId);
    assert.equal(mails.filter((m) => String(m[M.columns.text]).includes('checkout')).length, 0);
  });
});
