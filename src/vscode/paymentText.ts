// The words and addresses of the payment commands, as plain values (no vscode import) so what a
// confirmation names (profile, mode, amount, what happens) and where Open in Stripe Dashboard goes are
// unit-tested: test mode says Stripe sends no invoice e-mail, a live profile says real money.
import type { AuthState } from '../core/auth';
import { describeTarget, type Profile } from '../core/config';
import { money } from '../core/stripe';

type Target = Pick<Profile, 'name' | 'kind' | 'tenantId' | 'stripeMode'>;

export interface Question {
  message: string;
  detail: string;
}

export interface ChargeFacts {
  subject: string;
  clientName: string;
  clientEmail: string;
  amountCents: number;
  currency: string;
  daysUntilDue: number;
}

export function chargeQuestion(profile: Target, facts: ChargeFacts): Question {
  const amount = money(facts.amountCents, facts.currency);
  const test = profile.stripeMode === 'test';
  const mode = test ? 'Stripe TEST MODE' : 'Stripe LIVE MODE: real money';
  const sending = test
    ? 'Stripe sends no invoice e-mail in test mode: you get the invoice page to look at instead.'
    : `Stripe e-mails the invoice to ${facts.clientEmail}.`;
  return {
    message: `Charge ${amount} for "${facts.subject}" in ${describeTarget(profile)} (${mode})?`,
    detail: [
      `Stripe creates an invoice for ${facts.clientName} <${facts.clientEmail}> of ${amount}, due in ${facts.daysUntilDue} days, and the session becomes invoiced.`,
      sending,
      'Charging again later never makes a second invoice.',
    ].join('\n\n'),
  };
}

export interface CheckoutFacts {
  subject: string;
  clientName: string;
  clientEmail: string;
  amountCents: number;
  currency: string;
  /** The profile's mailbox the link leaves from, and whether send-to-me mode sends it to that mailbox instead. */
  mailbox: string | undefined;
  sendToSelf: boolean;
}

/** Charge by a Checkout link: what Stripe makes, and who gets which mail from where. */
export function checkoutQuestion(profile: Target, facts: CheckoutFacts): Question {
  const amount = money(facts.amountCents, facts.currency);
  const test = profile.stripeMode === 'test';
  const mode = test ? 'Stripe TEST MODE' : 'Stripe LIVE MODE: real money';
  const to = facts.sendToSelf
    ? `${facts.mailbox ?? '(no mailbox)'} (send-to-me mode: the mail names ${facts.clientEmail})`
    : `${facts.clientName} <${facts.clientEmail}>`;
  return {
    message: `Charge ${amount} for "${facts.subject}" by a Checkout link in ${describeTarget(profile)} (${mode})?`,
    detail: [
      `Stripe makes a Checkout page for ${amount}, and a mail with its link goes to ${to} from ${facts.mailbox ?? '(no mailbox)'}. The session becomes invoiced; the link works 24 hours.`,
      test ? 'In test mode nobody can pay the page with a real card.' : 'The client pays on Stripe’s page.',
      'Charging again later never makes a second page or a second mail while the link works.',
    ].join('\n\n'),
  };
}

export interface RefundFacts {
  subject: string;
  amountCents: number;
  paidCents: number;
  refundedCents: number;
  currency: string;
}

export function refundQuestion(profile: Target, facts: RefundFacts): Question {
  const amount = money(facts.amountCents, facts.currency);
  const left = facts.paidCents - facts.refundedCents - facts.amountCents;
  const mode = profile.stripeMode === 'test' ? 'Stripe TEST MODE' : 'Stripe LIVE MODE: real money';
  return {
    message: `Refund ${amount} of "${facts.subject}" in ${describeTarget(profile)} (${mode})?`,
    detail: [
      `Stripe gives ${amount} of the ${money(facts.paidCents, facts.currency)} paid back to the client's payment method.`,
      left > 0
        ? `${money(left, facts.currency)} stays paid and can still be refunded later.`
        : 'The session becomes refunded.',
      'A refund cannot be undone.',
    ].join('\n\n'),
  };
}

/** "45" or "45.50" (a comma as well) in the currency, at most what is left: the cents, or why not. */
export function parseRefundAmount(text: string, remainingCents: number, currency: string): number | string {
  const match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return 'An amount such as 45 or 45.50.';
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  if (cents <= 0) return 'An amount above zero.';
  if (cents > remainingCents) return `At most ${money(remainingCents, currency)}: what is left to refund.`;
  return cents;
}

/** The amount as the input box shows it first: "90.00". */
export function amountText(cents: number): string {
  return (cents / 100).toFixed(2);
}

export type StripeObject = { kind: 'invoice'; id: string } | { kind: 'checkoutSession'; id: string };

/**
 * The Dashboard page of an object: /test/… in test mode, /… in live mode. Undefined when the profile's Stripe
 * is not api.stripe.com (the sandbox): there is no Dashboard for it.
 */
export function dashboardUrl(
  profile: Pick<Profile, 'stripeMode' | 'stripeUrl'>,
  object: StripeObject,
): string | undefined {
  if (!isRealStripe(profile.stripeUrl)) return undefined;
  const root = profile.stripeMode === 'test' ? 'https://dashboard.stripe.com/test' : 'https://dashboard.stripe.com';
  const id = encodeURIComponent(object.id);
  // The Dashboard has a page per invoice; a Checkout Session is found by searching for its id.
  return object.kind === 'invoice' ? `${root}/invoices/${id}` : `${root}/search?query=${id}`;
}

export function isRealStripe(stripeUrl: string): boolean {
  try {
    return new URL(stripeUrl).origin === 'https://api.stripe.com';
  } catch {
    return false; // not an address at all: certainly not Stripe's
  }
}

export interface StripeModeView {
  text: string;
  tooltip: string;
  /** The Sessions view's description. */
  viewDescription: string;
  background?: 'statusBarItem.warningBackground';
}

/** What the status bar and the Sessions view say of the profile's Stripe; undefined while signed out. */
export function stripeModeView(
  state: AuthState,
  profile: Pick<Profile, 'name' | 'stripeMode' | 'stripeUrl'> | undefined,
): StripeModeView | undefined {
  if ((state.kind !== 'signedIn' && state.kind !== 'refreshFailing') || !profile || profile.name !== state.profile)
    return undefined;
  const where = isRealStripe(profile.stripeUrl) ? 'Stripe' : `the sandbox's Stripe (${profile.stripeUrl})`;
  if (profile.stripeMode === 'test')
    return {
      text: '$(beaker) Stripe TEST MODE',
      tooltip: `Profile **${profile.name}** charges in **test mode** through ${where}: no real money moves, and Stripe sends no invoice e-mails.`,
      viewDescription: 'Stripe TEST MODE',
    };
  return {
    text: '$(credit-card) Stripe LIVE',
    tooltip: `Profile **${profile.name}** charges in **live mode** through ${where}: real money, and Stripe e-mails invoices to clients.`,
    viewDescription: 'Stripe LIVE',
    background: 'statusBarItem.warningBackground',
  };
}
