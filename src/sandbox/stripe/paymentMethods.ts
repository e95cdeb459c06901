// Stripe's test-mode payment methods by their documented ids: `pm_card_visa` succeeds, the
// `pm_card_chargeDeclined…` family fails with the decline codes Stripe documents for them.

import { resourceMissing, type Decline } from './wire';

const DECLINED = 'Your card was declined.';

/** null = the charge succeeds. */
const TEST_PAYMENT_METHODS: Record<string, Decline | null> = {
  pm_card_visa: null,
  pm_card_visa_debit: null,
  pm_card_mastercard: null,
  pm_card_amex: null,
  pm_card_us: null,
  pm_card_de: null,
  pm_card_fr: null,
  pm_card_es: null,
  pm_card_chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline', message: DECLINED },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_chargeDeclinedLostCard: { code: 'card_declined', declineCode: 'lost_card', message: DECLINED },
  pm_card_chargeDeclinedStolenCard: { code: 'card_declined', declineCode: 'stolen_card', message: DECLINED },
  pm_card_chargeDeclinedFraudulent: { code: 'card_declined', declineCode: 'fraudulent', message: DECLINED },
  pm_card_chargeDeclinedExpiredCard: {
    code: 'expired_card',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
  pm_card_chargeDeclinedProcessingError: {
    code: 'processing_error',
    declineCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
};

/** Throws Stripe's 404 for a payment method id the sandbox does not know. */
export function checkPaymentMethod(id: string, param: string): void {
  if (!(id in TEST_PAYMENT_METHODS)) throw resourceMissing('PaymentMethod', id, param);
}

/** What charging this (known) payment method does: undefined = success. */
export function declineFor(paymentMethod: string): Decline | undefined {
  return TEST_PAYMENT_METHODS[paymentMethod] ?? undefined;
}
