// The stripe SDK for a profile: pointed at the profile's stripeUrl (api.stripe.com, or the sandbox), sending
// through the HTTP layer, with a key whose mode matches the profile's stripeMode, so a live key never runs
// under a profile that says "test" (and the other way round).
import Stripe from 'stripe';
import type { Profile } from '../config';
import { ValidationError } from '../errors';
import { stripeSdkOptions, type HttpClient } from '../http';

export type StripeApi = Stripe;

/** `sk_test_…`/`rk_test_…` are test mode, `sk_live_…`/`rk_live_…` live mode; anything else is not a secret key. */
export function keyMode(secretKey: string): 'test' | 'live' | undefined {
  const match = /^[sr]k_(test|live)_/.exec(secretKey);
  return match ? (match[1] as 'test' | 'live') : undefined;
}

export function createStripeApi(
  http: HttpClient,
  profile: Pick<Profile, 'name' | 'stripeUrl' | 'stripeMode'>,
  secretKey: string | undefined,
): StripeApi {
  if (secretKey === undefined || secretKey.trim() === '') {
    throw new ValidationError(
      `Profile ${profile.name} has no Stripe secret key: set LC_STRIPE_SECRET_KEY (a ${profile.stripeMode}-mode key).`,
      { code: 'stripe.noSecretKey' },
    );
  }
  const mode = keyMode(secretKey);
  if (mode === undefined) {
    throw new ValidationError('The Stripe secret key does not look like one (sk_test_…, sk_live_…, rk_…).', {
      code: 'stripe.malformedSecretKey',
    });
  }
  if (mode !== profile.stripeMode) {
    throw new ValidationError(
      `The Stripe key is a ${mode}-mode key but profile ${profile.name} is in ${profile.stripeMode} mode: use the ${profile.stripeMode}-mode key, or change stripeMode.`,
      { code: 'stripe.keyModeMismatch' },
    );
  }
  const url = new URL(profile.stripeUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    protocol,
    ...stripeSdkOptions(http),
  });
}
