// Where a profile's Stripe secrets live in SecretStorage, and whether a pasted one fits the profile: plain
// functions with no editor services, for every part of the editor that reads those secrets.
import type { Profile } from '../core/config';
import { keyMode } from '../core/stripe';

export type StripeMode = 'test' | 'live';

/** The SecretStorage key of a profile's Stripe secret key in one mode. */
export function stripeSecretKeyName(profile: string, mode: StripeMode): string {
  return `lifeCockpit/${profile}/stripeSecretKey/${mode}`;
}

/** The SecretStorage key of a profile's Stripe webhook signing secret (endpoints differ per mode). */
export function stripeWebhookSecretName(profile: string, mode: StripeMode): string {
  return `lifeCockpit/${profile}/stripeWebhookSecret/${mode}`;
}

/** Why a pasted key does not fit the profile, or undefined when it does. */
export function secretKeyProblem(value: string, profile: Pick<Profile, 'name' | 'stripeMode'>): string | undefined {
  const key = value.trim();
  if (key === '') return 'Paste the secret key from the Stripe Dashboard (Developers → API keys).';
  const mode = keyMode(key);
  if (mode === undefined) return 'This does not look like a Stripe secret key (sk_test_…, sk_live_…, rk_…).';
  if (mode !== profile.stripeMode)
    return `This is a ${mode}-mode key, but profile ${profile.name} is in ${profile.stripeMode} mode. Paste its ${profile.stripeMode}-mode key.`;
  return undefined;
}

export function webhookSecretProblem(value: string): string | undefined {
  return /^whsec_[A-Za-z0-9+/=_-]+$/.test(value.trim())
    ? undefined
    : 'A webhook signing secret starts with whsec_ (Dashboard → Webhooks, or `stripe listen`).';
}
