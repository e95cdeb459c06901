// How the editor starts the webhook service for one profile: its signing secrets read from SecretStorage
// (the sandbox's from its ready line), and handlers bound to that profile. A handler runs with the
// profile's signed-in clients only: while this window is signed in to another profile (mid-switch) or to
// none, it throws, so the event stays pending in that profile's inbox and is handled once the profile is
// signed in again (handlePending) or on the next start. Nothing is asked for in the background: a missing
// Stripe key leaves the event pending with a message saying what to set.
import { TransientError, ValidationError } from '../core/errors';
import type { Profile } from '../core/config';
import type { HttpClient } from '../core/http';
import { createStripeApi } from '../core/stripe';
import {
  graphNotificationHandler,
  startWebhookService,
  stripeWebhookHandler,
  type HandlerResult,
  type ReceiverSecrets,
  type WebhookHandler,
} from '../core/webhooks';
import type { DataverseClients } from './profileSession';
import type { EditorServices } from './services';
import { stripeSecretKeyName, stripeWebhookSecretName } from './stripeKeys';
import { calendarDeps, graphClientStateName, importAfterCalendarChange } from './webhookCalendar';
import type { ReceiverLaunch, ReceiverService } from './webhookReceiver';

type LaunchServices = Pick<EditorServices, 'context' | 'config' | 'session' | 'sandbox' | 'hub' | 'clock'>;

/** The profile's secrets for verifying requests; an empty Stripe list refuses every /stripe request. */
export async function receiverSecretsFor(s: LaunchServices, profileName: string): Promise<ReceiverSecrets> {
  const profile = s.config.loaded.config.profiles.find((p) => p.name === profileName);
  if (!profile) return { stripe: [] };
  const running = s.sandbox.running;
  const fromSandbox =
    profile.kind === 'sandbox' && running && sameOrigin(running.stripeUrl, profile.stripeUrl)
      ? running.stripeWebhookSecret
      : undefined;
  const stripe =
    fromSandbox ?? (await s.context.secrets.get(stripeWebhookSecretName(profile.name, profile.stripeMode)));
  if (stripe) s.hub.addSecret(stripe);
  return { stripe: stripe ? [stripe] : [] };
}

/** Starts the core's webhook service for the profile, with the editor's handlers. */
export function webhookLauncher(
  s: LaunchServices,
  http: (profile: Profile) => HttpClient,
  afterApplied: () => void,
): (options: ReceiverLaunch) => Promise<ReceiverService> {
  return (options) => {
    const profile = s.config.loaded.config.profiles.find((p) => p.name === options.profile);
    if (!profile)
      throw new ValidationError(`Profile ${options.profile} is not configured any more.`, {
        code: 'webhooks.noProfile',
      });
    return startWebhookService({
      inboxDirectory: options.inboxDirectory,
      payloadKey: options.payloadKey,
      secrets: options.secrets,
      port: options.port,
      bindAddress: options.bindAddress,
      forwardTo: options.forwardTo,
      handlers: {
        stripe: stripeHandlerFor(s, options.profile, afterApplied),
        graph: graphHandlerFor(s, options.profile, options.inboxDirectory),
      },
      http: http(profile),
      clock: s.clock,
      log: s.hub.logger('api'),
      onChange: options.onChange,
    });
  };
}

function stripeHandlerFor(s: LaunchServices, profile: string, afterApplied: () => void): WebhookHandler {
  return async (body, entry): Promise<HandlerResult> => {
    const clients = signedInAs(s, profile);
    const key = await s.context.secrets.get(stripeSecretKeyName(profile, clients.profile.stripeMode));
    if (!key)
      throw new ValidationError(
        `No Stripe secret key for profile ${profile}: the event stays pending. Run "Life Cockpit: Set Stripe Keys…", then Replay it.`,
        { code: 'webhooks.noStripeKey' },
      );
    s.hub.addSecret(key);
    const handler = stripeWebhookHandler({
      stripe: createStripeApi(clients.http, clients.profile, key),
      dataverse: clients.dataverse,
      tables: clients.tables,
      log: s.hub.logger('business'),
    });
    const result = await handler(body, entry);
    if (result.outcome === 'applied') afterApplied();
    return result;
  };
}

/** /graph: calendar changes import the mailbox's sessions; lifecycle notifications renew or recreate. */
function graphHandlerFor(s: LaunchServices, profile: string, directory: string): WebhookHandler {
  return async (body, entry): Promise<HandlerResult> => {
    const clients = signedInAs(s, profile);
    const clientState = await s.context.secrets.get(graphClientStateName(profile));
    const handler = graphNotificationHandler({
      ...calendarDeps(s, clients, directory),
      clientState: () => clientState,
      onCalendarChanged: (signal) => importAfterCalendarChange(s, clients, signal),
    });
    return handler(body, entry);
  };
}

/** The window's clients when it is signed in to `profile` with Dataverse; otherwise the event waits. */
function signedInAs(s: LaunchServices, profile: string): DataverseClients {
  const clients = s.session.clients;
  if (!clients || clients.profile.name !== profile || !clients.dataverse)
    throw new TransientError(
      `This window is not signed in to profile ${profile}: the event stays pending and is handled once it is.`,
      { code: 'webhooks.profileNotSignedIn' },
    );
  return { ...clients, dataverse: clients.dataverse };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Runs `work` after every call, but never twice at once: calls during a run make one more run after it. */
export function coalesced(work: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    running = true;
    do {
      again = false;
      await work().catch(() => undefined); // the store keeps the error for the view
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
