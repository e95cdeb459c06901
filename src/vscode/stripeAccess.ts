// The Stripe keys of the editor: the secret key and the webhook signing secret live in SecretStorage, one
// secret per profile and mode (a test key and a live key never share a slot), asked for with a password
// box when missing and refused there when their mode is not the profile's stripeMode. The sandbox's keys
// come from its ready line: the sandbox the extension starts stores them, and a running one answers first.
import * as vscode from 'vscode';
import type { Profile } from '../core/config';
import { CancelledError, ValidationError } from '../core/errors';
import { createStripeApi, keyMode, type StripeApi } from '../core/stripe';
import type { SandboxInfo } from './sandboxLauncher';
import type { SignedInClients } from './profileSession';
import type { EditorServices } from './services';
import {
  secretKeyProblem,
  stripeSecretKeyName,
  stripeWebhookSecretName,
  webhookSecretProblem,
  type StripeMode,
} from './stripeKeys';

export { secretKeyProblem, stripeSecretKeyName, stripeWebhookSecretName, webhookSecretProblem, type StripeMode };

export interface StripeAccess {
  api: StripeApi;
  profile: Profile;
  mode: StripeMode;
}

type Services = Pick<EditorServices, 'context' | 'hub' | 'session' | 'sandbox'>;

/**
 * The signed-in profile's Stripe: its key from SecretStorage (asked for when missing; the sandbox's from the
 * sandbox), checked against the profile's stripeMode. `clients` pins the profile a caller already confirmed with.
 */
export async function stripeFor(services: Services, clients?: SignedInClients): Promise<StripeAccess> {
  const signedIn = clients ?? services.session.requireClients();
  const { profile } = signedIn;
  const mode = profile.stripeMode;
  const key = await stripeSecretKeyOf(services, profile, { ask: true });
  if (key === undefined) throw new CancelledError('No Stripe secret key was given; nothing was sent to Stripe.');
  return { api: createStripeApi(signedIn.http, profile, key), profile, mode };
}

/** The active profile's webhook signing secret (whsec_…), asked for when missing unless `ask` is false. */
export async function stripeWebhookSecretFor(
  services: Services,
  options: { ask?: boolean } = {},
): Promise<string | undefined> {
  const profile = services.session.clients?.profile;
  if (!profile) return undefined;
  const name = stripeWebhookSecretName(profile.name, profile.stripeMode);
  const fromSandbox = sandboxKeysFor(services, profile)?.stripeWebhookSecret;
  const stored = fromSandbox ?? (await services.context.secrets.get(name));
  if (stored !== undefined) {
    services.hub.addSecret(stored);
    return stored;
  }
  if (options.ask === false) return undefined;
  const entered = await askWebhookSecret(profile);
  if (entered === undefined) return undefined;
  await services.context.secrets.store(name, entered);
  services.hub.addSecret(entered);
  return entered;
}

/** Stores the keys of a sandbox the extension started, so its profile charges without asking. */
export async function storeSandboxStripeKeys(
  secrets: vscode.SecretStorage,
  profile: Pick<Profile, 'name' | 'stripeMode'>,
  info: SandboxInfo,
): Promise<void> {
  if (info.stripeSecretKey && keyMode(info.stripeSecretKey) === profile.stripeMode)
    await secrets.store(stripeSecretKeyName(profile.name, profile.stripeMode), info.stripeSecretKey);
  if (info.stripeWebhookSecret)
    await secrets.store(stripeWebhookSecretName(profile.name, profile.stripeMode), info.stripeWebhookSecret);
}

/** Set Stripe Keys…: replaces the active profile's secret key or webhook signing secret for its mode. */
export async function setStripeKeys(services: Services): Promise<void> {
  const { profile } = services.session.requireClients();
  const mode = profile.stripeMode;
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: 'Secret key',
        description: `${mode === 'test' ? 'sk_test_' : 'sk_live_'}… or rk_…`,
        which: 'key' as const,
      },
      { label: 'Webhook signing secret', description: 'whsec_…', which: 'webhook' as const },
    ],
    { title: `Life Cockpit: Stripe keys of profile ${profile.name} (${mode} mode)` },
  );
  if (!pick) return;
  if (pick.which === 'key') {
    const key = await askSecretKey(profile);
    if (key === undefined) return;
    await services.context.secrets.store(stripeSecretKeyName(profile.name, mode), key);
    services.hub.addSecret(key);
  } else {
    const secret = await askWebhookSecret(profile);
    if (secret === undefined) return;
    await services.context.secrets.store(stripeWebhookSecretName(profile.name, mode), secret);
    services.hub.addSecret(secret);
  }
  void vscode.window.showInformationMessage(
    `Stored the Stripe ${pick.label.toLowerCase()} of profile ${profile.name} (${mode} mode) in SecretStorage.`,
  );
}

/** Clear Stripe Keys: removes the active profile's Stripe secrets, both modes. */
export async function clearStripeKeys(
  services: Pick<Services, 'context' | 'session'>,
  profileName?: string,
): Promise<void> {
  const name = profileName ?? services.session.requireClients().profile.name;
  for (const mode of ['test', 'live'] as const) {
    await services.context.secrets.delete(stripeSecretKeyName(name, mode));
    await services.context.secrets.delete(stripeWebhookSecretName(name, mode));
  }
  void vscode.window.showInformationMessage(`Removed the Stripe keys of profile ${name} from SecretStorage.`);
}

async function stripeSecretKeyOf(
  services: Services,
  profile: Profile,
  options: { ask: boolean },
): Promise<string | undefined> {
  const name = stripeSecretKeyName(profile.name, profile.stripeMode);
  const fromSandbox = sandboxKeysFor(services, profile)?.stripeSecretKey;
  let key = fromSandbox ?? (await services.context.secrets.get(name));
  if (key !== undefined && secretKeyProblem(key, profile) !== undefined) {
    // A stored key of the other mode (stripeMode changed since): never used, asked for again.
    key = undefined;
  }
  if (key === undefined && options.ask) {
    key = await askSecretKey(profile);
    if (key !== undefined) await services.context.secrets.store(name, key);
  }
  if (key !== undefined) services.hub.addSecret(key);
  if (key !== undefined && secretKeyProblem(key, profile) !== undefined)
    throw new ValidationError(secretKeyProblem(key, profile) as string, { code: 'stripe.keyModeMismatch' });
  return key;
}

/** The running sandbox's keys when the profile is the sandbox's (same Stripe address), else undefined. */
function sandboxKeysFor(services: Services, profile: Profile): SandboxInfo | undefined {
  const running = services.sandbox.running;
  if (!running || profile.kind !== 'sandbox') return undefined;
  return sameOrigin(running.stripeUrl, profile.stripeUrl) ? running : undefined;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false; // an unparsable address is no match
  }
}

async function askSecretKey(profile: Profile): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: `Life Cockpit: Stripe secret key of profile ${profile.name}`,
    prompt: `The ${profile.stripeMode}-mode secret key (${profile.stripeMode === 'test' ? 'sk_test_' : 'sk_live_'}…), kept in SecretStorage for this profile and mode.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => secretKeyProblem(text, profile),
  });
  return value === undefined ? undefined : value.trim();
}

async function askWebhookSecret(profile: Profile): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: `Life Cockpit: Stripe webhook signing secret of profile ${profile.name}`,
    prompt: `The ${profile.stripeMode}-mode endpoint's signing secret (whsec_…), kept in SecretStorage.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: webhookSecretProblem,
  });
  return value === undefined ? undefined : value.trim();
}
