// Charge Session, Refresh Payment Status, Refund Session and Open in Stripe Dashboard, on a session row or
// from the palette (a pick of the sessions they apply to). Charges and refunds ask first, naming the
// profile, its Stripe mode and the amount, and then run on exactly the profile they named: a switch while
// the question was open stops them. One charge or refund per session at a time in this window, so a double
// click asks once (Stripe's idempotency keys in the core make a second run harmless anyway).
import * as vscode from 'vscode';
import { ConflictError, CancelledError, ValidationError } from '../core/errors';
import { actorOfState } from '../core/auth';
import { auditEffect } from '../core/log';
import type { Session } from '../core/sessions';
import {
  chargeSession,
  chargeSessionByCheckout,
  money,
  readPayingClient,
  readPaymentSession,
  refreshAllPaymentStatuses,
  refreshPaymentStatus,
  refundableAmount,
  refundSession,
  stripeCall,
  type ChargedSession,
  type CheckoutChargedSession,
  type PaymentDeps,
  type RefreshedPayment,
} from '../core/stripe';
import {
  amountText,
  chargeQuestion,
  checkoutQuestion,
  dashboardUrl,
  parseRefundAmount,
  refundQuestion,
  type Question,
} from './paymentText';
import type { DataverseClients, SignedInClients } from './profileSession';
import { practitionerOf, sessionOf, workspaceTemplates } from './sessionCommands';
import { isBilled, isChargeable, isRefundable } from './sessionItem';
import type { EditorServices } from './services';
import { stripeFor } from './stripeAccess';

/** Sessions with a payment action under way in this window (charge or refund), by id. */
export class PaymentsUnderWay {
  private readonly ids = new Set<string>();

  /** Runs `work` unless the session already has one under way; false when it was refused. */
  async once(sessionId: string, work: () => Promise<void>): Promise<boolean> {
    if (this.ids.has(sessionId)) return false;
    this.ids.add(sessionId);
    try {
      await work();
      return true;
    } finally {
      this.ids.delete(sessionId);
    }
  }
}

export async function chargeSessionCommand(
  s: EditorServices,
  c: DataverseClients,
  node: unknown,
  underWay: PaymentsUnderWay,
): Promise<void> {
  const chosen = sessionOf(node) ?? (await pickSession(s, isChargeable, 'Charge Session', 'attended and not paid'));
  const started = await underWay.once(chosen.id, () => charge(s, c, chosen));
  if (!started) void vscode.window.showInformationMessage(`"${chosen.subject}" is being charged already.`);
}

async function charge(s: EditorServices, c: DataverseClients, chosen: Session): Promise<void> {
  if (c.profile.stripeChargeMode === 'checkout') return chargeByCheckout(s, c, chosen);
  const { profile, mode, deps, session, feeCents, client } = await chargeable(s, c, chosen);
  const { currency, daysUntilDue } = s.config.loaded.config.payments;
  const question = chargeQuestion(profile, {
    subject: session.subject,
    clientName: client.name,
    clientEmail: client.email,
    amountCents: feeCents,
    currency,
    daysUntilDue,
  });
  await ask(question, 'Charge');
  requireSameProfile(s, c, 'charged');
  const charged = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Charging "${session.subject}" (${mode} mode)…` },
    () =>
      auditEffect(
        s.hub.audit(),
        effect(s, c, 'stripe.charge', `${c.tables.session.entitySet}(${session.id})`),
        () => chargeSession(deps, session.id, { currency, daysUntilDue }),
        (made) => ({ detail: { invoiceId: made.invoiceId, amountCents: made.amountCents } }),
      ),
  );
  await s.session.refresh();
  await reportCharged(session, charged);
}

/** The profile's Stripe, and the session and its client read again (the fee or the address may have changed since the tree loaded); a session without a fee is refused before Stripe. */
async function chargeable(s: EditorServices, c: DataverseClients, chosen: Session) {
  const { api, profile, mode } = await stripeFor(s, c);
  const deps = paymentDeps(s, c, api);
  const { session } = await readPaymentSession(deps, chosen.id);
  if (session.feeCents === undefined || session.feeCents <= 0)
    throw new ValidationError(`The session "${session.subject}" has no fee, so there is nothing to charge.`, {
      code: 'stripe.noFee',
      detail: { sessionId: session.id },
    });
  const client = await readPayingClient(deps, session);
  return { profile, mode, deps, session, feeCents: session.feeCents, client };
}

/** The profile charges by a Checkout link: Stripe's page for the fee, its link mailed through the exactly-once sender. */
async function chargeByCheckout(s: EditorServices, c: DataverseClients, chosen: Session): Promise<void> {
  const { profile, mode, deps, session, feeCents, client } = await chargeable(s, c, chosen);
  const { currency, checkoutSuccessUrl } = s.config.loaded.config.payments;
  const question = checkoutQuestion(profile, {
    subject: session.subject,
    clientName: client.name,
    clientEmail: client.email,
    amountCents: feeCents,
    currency,
    mailbox: profile.mailbox,
    sendToSelf: profile.sendToSelf,
  });
  await ask(question, 'Charge');
  requireSameProfile(s, c, 'charged');
  const templates = await workspaceTemplates();
  const charged = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Charging "${session.subject}" by a Checkout link (${mode} mode)…`,
    },
    () =>
      auditEffect(
        s.hub.audit(),
        effect(s, c, 'stripe.charge', `${c.tables.session.entitySet}(${session.id})`),
        () =>
          // The link's mail leaves through the profile's mail channel (SMTP, SendGrid), built from its secrets.
          s.sender.withChannels(c, (sender) =>
            chargeSessionByCheckout(
              { ...deps, clock: s.clock, templates, practitioner: practitionerOf(c), sender },
              session.id,
              { currency, ...(checkoutSuccessUrl ? { successUrl: checkoutSuccessUrl } : {}) },
            ),
          ),
        (made) => ({
          detail: { mode: 'checkout', checkoutSessionId: made.checkoutSessionId, amountCents: made.amountCents },
        }),
      ),
  );
  await s.session.refresh();
  await reportCheckout(session, charged);
}

async function reportCheckout(session: Session, charged: CheckoutChargedSession): Promise<void> {
  const amount = money(charged.amountCents, charged.currency);
  const mail = charged.mail;
  const mailed =
    mail.outcome === 'sent' || mail.outcome === 'submitted' || mail.outcome === 'alreadySent'
      ? `The link was mailed to ${mail.to}.`
      : mail.outcome === 'notSent'
        ? 'No mail was needed: the link is paid already.'
        : `The mail with the link did not leave yet (${mail.outcome}${mail.error ? `: ${mail.error}` : ''}); Send Due Reminders sends it, once.`;
  const what = charged.alreadyCharged
    ? `"${session.subject}" already had a Checkout link (${charged.checkoutSessionId}, ${amount}); nothing new was made at Stripe.`
    : `Made a Checkout link for "${session.subject}": ${amount} (${charged.checkoutSessionId})${charged.replacesExpired ? `, replacing ${charged.replacesExpired}, which ran out unpaid` : ''}.`;
  const open = 'Open Checkout Page';
  const choice = await vscode.window.showInformationMessage(
    `${what} ${mailed}${charged.testMode ? ' Test mode: nobody can pay it with a real card.' : ''}`,
    ...(charged.url ? [open] : []),
  );
  if (choice === open && charged.url) await vscode.env.openExternal(vscode.Uri.parse(charged.url));
}

async function reportCharged(session: Session, charged: ChargedSession): Promise<void> {
  const amount = money(charged.amountCents, charged.currency);
  if (charged.alreadyInvoiced) {
    void vscode.window.showInformationMessage(
      `"${session.subject}" was already ${charged.payment} (invoice ${charged.invoiceId}, ${amount}); nothing new was charged.`,
    );
    return;
  }
  const done = `Invoiced "${session.subject}": ${amount} (${charged.invoiceId}); the session is ${charged.payment}.`;
  if (!charged.testMode) {
    void vscode.window.showInformationMessage(`${done} Stripe e-mails the invoice to the client.`);
    return;
  }
  const open = 'Open Invoice Page';
  const buttons = charged.hostedInvoiceUrl ? [open] : [];
  const choice = await vscode.window.showInformationMessage(
    `${done} Stripe sends no invoice e-mail in test mode: the client gets nothing. Open the invoice page to see what they would.`,
    ...buttons,
  );
  if (choice === open && charged.hostedInvoiceUrl)
    await vscode.env.openExternal(vscode.Uri.parse(charged.hostedInvoiceUrl));
}

/** On a row: that session; from the palette or the view's title: every invoiced session. */
export async function refreshPaymentStatusCommand(
  s: EditorServices,
  c: DataverseClients,
  node: unknown,
): Promise<void> {
  const session = sessionOf(node);
  const { api, mode } = await stripeFor(s, c);
  const deps = paymentDeps(s, c, api);
  const title = session
    ? `Checking "${session.subject}" with Stripe…`
    : `Checking invoiced sessions with Stripe (${mode} mode)…`;
  let results: RefreshedPayment[] | undefined;
  try {
    results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const cancelled = token.onCancellationRequested(() => controller.abort());
        const { signal } = controller;
        try {
          return session
            ? [await refreshPaymentStatus(deps, session.id, { signal })]
            : await refreshAllPaymentStatuses(deps, { signal });
        } finally {
          cancelled.dispose();
        }
      },
    );
  } catch (error) {
    if (error instanceof CancelledError)
      void vscode.window.showInformationMessage(
        'Refresh Payment Status was cancelled: sessions checked before it keep what Stripe said, the others are unchanged.',
      );
    throw error;
  } finally {
    // Whatever was recorded before a failure or a cancellation shows in the tree.
    await s.session.refresh();
  }
  void vscode.window.showInformationMessage(refreshReport(results));
}

/** What Refresh Payment Status found, in a sentence the notification shows. */
export function refreshReport(results: readonly RefreshedPayment[]): string {
  if (results.length === 0) return 'No invoiced sessions to check with Stripe.';
  const changed = results.filter((r) => r.changed);
  if (changed.length === 0)
    return results.length === 1
      ? `"${results[0]?.subject}" is ${results[0]?.after} in Stripe too: nothing changed.`
      : `Checked ${results.length} sessions with Stripe: nothing changed.`;
  const list = changed.map((r) => `"${r.subject}" ${r.before} → ${r.after}`).join(', ');
  return `Checked ${results.length} ${results.length === 1 ? 'session' : 'sessions'} with Stripe; changed: ${list}.`;
}

export async function refundSessionCommand(
  s: EditorServices,
  c: DataverseClients,
  node: unknown,
  underWay: PaymentsUnderWay,
): Promise<void> {
  const chosen = sessionOf(node) ?? (await pickSession(s, isRefundable, 'Refund Session', 'paid'));
  const started = await underWay.once(chosen.id, () => refund(s, c, chosen));
  if (!started) void vscode.window.showInformationMessage(`"${chosen.subject}" is being refunded already.`);
}

async function refund(s: EditorServices, c: DataverseClients, chosen: Session): Promise<void> {
  const { api, profile, mode } = await stripeFor(s, c);
  const deps = paymentDeps(s, c, api);
  const refundable = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading the payment of "${chosen.subject}"…` },
    () => refundableAmount(deps, chosen.id),
  );
  const remaining = refundable.paidCents - refundable.refundedCents;
  if (remaining <= 0)
    throw new ConflictError(`The payment of "${refundable.subject}" is already refunded in full.`, {
      code: 'stripe.alreadyRefunded',
      detail: { sessionId: chosen.id },
    });
  const typed = await vscode.window.showInputBox({
    title: `Refund Session: "${refundable.subject}" (${profile.name}, ${mode} mode)`,
    prompt: `How much to refund, in ${refundable.currency.toUpperCase()}: at most ${money(remaining, refundable.currency)} (paid ${money(refundable.paidCents, refundable.currency)}).`,
    value: amountText(remaining),
    ignoreFocusOut: true,
    validateInput: (text) => {
      const parsed = parseRefundAmount(text, remaining, refundable.currency);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  if (typed === undefined) throw new CancelledError('Not refunded.');
  const amountCents = parseRefundAmount(typed, remaining, refundable.currency);
  if (typeof amountCents === 'string')
    throw new ValidationError(amountCents, { code: 'stripe.invalidRefundAmount', detail: { sessionId: chosen.id } });
  await ask(
    refundQuestion(profile, {
      subject: refundable.subject,
      amountCents,
      paidCents: refundable.paidCents,
      refundedCents: refundable.refundedCents,
      currency: refundable.currency,
    }),
    'Refund',
  );
  requireSameProfile(s, c, 'refunded');
  const refunded = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Refunding "${refundable.subject}" (${mode} mode)…` },
    () =>
      auditEffect(
        s.hub.audit(),
        effect(s, c, 'stripe.refund', `${c.tables.session.entitySet}(${chosen.id})`),
        () => refundSession(deps, chosen.id, { amountCents }),
        (made) => ({ detail: { refundId: made.refundId, amountCents: made.amountCents } }),
      ),
  );
  await s.session.refresh();
  void vscode.window.showInformationMessage(
    `Refunded ${money(refunded.amountCents, refunded.currency)} of "${refundable.subject}" (${refunded.refundId}); ${money(refunded.refundedCents, refunded.currency)} of ${money(refunded.paidCents, refunded.currency)} refunded in all, the session is ${refunded.payment}.`,
  );
}

/** The session's invoice (or Checkout Session) in the Stripe Dashboard; the sandbox has none. */
export async function openInStripeDashboardCommand(
  s: EditorServices,
  c: DataverseClients,
  node: unknown,
): Promise<void> {
  const chosen = sessionOf(node) ?? (await pickSession(s, isBilled, 'Open in Stripe Dashboard', 'charged'));
  const stored = await readPaymentSession({ dataverse: c.dataverse, tables: c.tables }, chosen.id);
  const object = stored.invoiceId
    ? ({ kind: 'invoice', id: stored.invoiceId } as const)
    : stored.checkoutSessionId
      ? ({ kind: 'checkoutSession', id: stored.checkoutSessionId } as const)
      : undefined;
  if (!object) {
    void vscode.window.showInformationMessage(`"${chosen.subject}" has nothing in Stripe yet: it was not charged.`);
    return;
  }
  const url = dashboardUrl(c.profile, object);
  if (url) {
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return;
  }
  // The sandbox: no Dashboard, but its invoice has the page the client would pay on.
  const open = 'Open Invoice Page';
  const choice = await vscode.window.showInformationMessage(
    `Profile ${c.profile.name} uses the sandbox's Stripe, which has no Dashboard. ${object.kind === 'invoice' ? `Its invoice ${object.id} has a page the client would pay on.` : `Its Checkout Session is ${object.id}.`}`,
    ...(object.kind === 'invoice' ? [open] : []),
  );
  if (choice !== open) return;
  const { api } = await stripeFor(s, c);
  const invoice = await stripeCall(undefined, `reading the invoice ${object.id}`, () =>
    api.invoices.retrieve(object.id),
  );
  if (invoice.hosted_invoice_url) await vscode.env.openExternal(vscode.Uri.parse(invoice.hosted_invoice_url));
  else void vscode.window.showInformationMessage(`The invoice ${object.id} is a draft: it has no page yet.`);
}

function paymentDeps(s: EditorServices, c: DataverseClients, stripe: PaymentDeps['stripe']): PaymentDeps {
  return { dataverse: c.dataverse, tables: c.tables, stripe, log: s.hub.logger('business') };
}

/** Stops an action whose profile is no longer the workspace's: it must not run on another than it named. */
function requireSameProfile(s: EditorServices, c: SignedInClients, done: string): void {
  const now = s.session.clients;
  if (now && now.profile === c.profile && now.http === c.http) return;
  const which = now ? `profile ${now.profile.name} is active now` : 'you signed out';
  throw new ConflictError(
    `The profile changed while you confirmed (${which}), so nothing was ${done} on ${c.profile.name}. Run the command again on the profile you mean.`,
    { code: 'payments.profileChanged', detail: { confirmed: c.profile.name, active: now?.profile.name } },
  );
}

async function ask(question: Question, button: string): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    question.message,
    { modal: true, detail: question.detail },
    button,
  );
  if (choice !== button) throw new CancelledError('Not confirmed; nothing was changed.');
}

function effect(s: EditorServices, c: SignedInClients, action: string, target: string) {
  return {
    actor: actorOfState(s.auth.state, c.profile),
    profile: c.profile.name,
    action,
    target,
  };
}

/** From the palette: the loaded sessions an action applies to. */
async function pickSession(
  s: EditorServices,
  applies: (session: Session) => boolean,
  title: string,
  what: string,
): Promise<Session> {
  const sessions = (s.session.sessions.current.data ?? []).filter(applies);
  if (sessions.length === 0)
    throw new ValidationError(`No ${what} sessions in the Sessions view to ${title.toLowerCase()}.`, {
      code: 'sessions.noneChosen',
    });
  const picked = await vscode.window.showQuickPick(
    sessions.map((session) => ({
      label: session.clientName ?? session.subject,
      description: `${session.start.toLocaleString()} · ${session.payment}${session.feeCents !== undefined ? ` ${amountText(session.feeCents)}` : ''}`,
      detail: session.subject,
      session,
    })),
    { title: `Life Cockpit: ${title}`, placeHolder: `A ${what} session`, matchOnDescription: true },
  );
  if (!picked) throw new CancelledError();
  return picked.session;
}
