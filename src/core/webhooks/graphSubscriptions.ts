// Subscribe to Calendar Changes: one Graph change-notification subscription on the profile mailbox's events
// (created, updated, deleted), its notifications and lifecycle notifications sent to the receiver's /graph.
// It is remembered in a small file (its id, mailbox, URL and expiry: never the clientState, a secret), renewed
// once half its lifetime has passed (Graph may grant less than asked, so the half is of what it granted), and
// created again when Graph no longer has it (404 after expiry, or a subscriptionRemoved lifecycle event).
// Calls for one store run one at a time, so a renewal timer and a lifecycle notification arriving together
// never make two subscriptions.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Clock } from '../clock';
import { CancelledError, NotFoundError, toLifeCockpitError, ValidationError } from '../errors';
import { translateGraphError } from '../graph';
import type { Logger } from '../log';

export interface CalendarSubscription {
  id: string;
  mailbox: string;
  resource: string;
  expiresAt: string;
  notificationUrl: string;
  /** When the current expiry was granted: half of expiresAt − renewedAt is when to renew. */
  renewedAt?: string;
}

export interface SubscriptionStore {
  read(): Promise<CalendarSubscription | undefined>;
  write(subscription: CalendarSubscription | undefined): Promise<void>;
}

export interface CalendarSubscriptionDeps {
  graph: Client;
  mailbox: string;
  clock: Clock;
  log: Logger;
  /** Lifetime asked for (settings webhooks.graphSubscriptionMinutes). */
  lifetimeMinutes: number;
  store: SubscriptionStore;
}

export const CALENDAR_CHANGE_TYPES = 'created,updated,deleted';
const MINUTE = 60_000;

const storedSchema = z.object({
  id: z.string().min(1).max(255),
  mailbox: z.string().min(1).max(320),
  resource: z.string().min(1).max(1024),
  expiresAt: z.iso.datetime({ offset: true }),
  notificationUrl: z.url(),
  renewedAt: z.iso.datetime({ offset: true }).optional(),
});

const graphSubscriptionSchema = z.object({ id: z.string().min(1), expirationDateTime: z.string().min(1) }).loose();

/** A random clientState (Graph allows 128 characters): 32 bytes, base64url. A secret: keep it with the others. */
export function newClientState(): string {
  return randomBytes(32).toString('base64url');
}

/** The subscription in a JSON file, written atomically (a crash leaves the old or the new one, never half). */
export function fileSubscriptionStore(file: string): SubscriptionStore {
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return undefined;
      }
      if (value === null) return undefined;
      const parsed = storedSchema.safeParse(value);
      return parsed.success ? stripUndefined(parsed.data) : undefined;
    },
    async write(subscription) {
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, `${JSON.stringify(subscription ?? null, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, file);
    },
  };
}

function stripUndefined(s: z.infer<typeof storedSchema>): CalendarSubscription {
  const { renewedAt, ...rest } = s;
  return renewedAt === undefined ? rest : { ...rest, renewedAt };
}

/** When a subscription is due for renewal: halfway between when its expiry was granted and the expiry. */
export function renewalTime(subscription: CalendarSubscription, lifetimeMinutes: number): Date {
  const expires = Date.parse(subscription.expiresAt);
  const granted = subscription.renewedAt ? Date.parse(subscription.renewedAt) : expires - lifetimeMinutes * MINUTE;
  return new Date(granted + (expires - granted) / 2);
}

const queues = new WeakMap<SubscriptionStore, Promise<unknown>>();

/** Runs the work after any other work on the same store (one subscription per store, whoever asks). */
function serialized<T>(store: SubscriptionStore, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(store) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(
    store,
    next.catch(() => undefined),
  );
  return next;
}

function calendarResource(mailbox: string): string {
  return `users/${mailbox}/events`;
}

function expiryFrom(deps: CalendarSubscriptionDeps): string {
  return new Date(deps.clock.now() + deps.lifetimeMinutes * MINUTE).toISOString();
}

async function createSubscription(
  deps: CalendarSubscriptionDeps,
  input: { notificationUrl: string; clientState: string },
): Promise<CalendarSubscription> {
  if (input.clientState.length < 16 || input.clientState.length > 128) {
    throw new ValidationError('The Graph clientState must be 16 to 128 characters (make one with newClientState).', {
      code: 'graph.badClientState',
    });
  }
  const resource = calendarResource(deps.mailbox);
  let created: z.infer<typeof graphSubscriptionSchema>;
  try {
    created = graphSubscriptionSchema.parse(
      await deps.graph.api('/subscriptions').post({
        changeType: CALENDAR_CHANGE_TYPES,
        notificationUrl: input.notificationUrl,
        // Lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed) come to the same route.
        lifecycleNotificationUrl: input.notificationUrl,
        resource,
        expirationDateTime: expiryFrom(deps),
        clientState: input.clientState,
      }),
    );
  } catch (error) {
    throw translateGraphError(error, `subscribing to ${deps.mailbox}'s calendar`);
  }
  const subscription: CalendarSubscription = {
    id: created.id,
    mailbox: deps.mailbox,
    resource,
    expiresAt: new Date(created.expirationDateTime).toISOString(),
    notificationUrl: input.notificationUrl,
    renewedAt: new Date(deps.clock.now()).toISOString(),
  };
  await deps.store.write(subscription);
  deps.log.info('calendar subscription created', {
    subscriptionId: subscription.id,
    mailbox: deps.mailbox,
    expiresAt: subscription.expiresAt,
  });
  return subscription;
}

/** Deletes a subscription Graph may still hold; one it no longer has is fine. */
async function deleteQuietly(deps: CalendarSubscriptionDeps, id: string): Promise<void> {
  try {
    await deps.graph.api(`/subscriptions/${encodeURIComponent(id)}`).delete();
  } catch (error) {
    const e = translateGraphError(error, 'deleting the previous calendar subscription');
    if (!(e instanceof NotFoundError)) deps.log.warn('previous calendar subscription not deleted', { id, error: e });
  }
}

/**
 * Creates the calendar subscription for the mailbox, sending its notifications to `notificationUrl`; a
 * subscription remembered from before is deleted first, so one mailbox never notifies twice.
 */
export function subscribeToCalendar(
  deps: CalendarSubscriptionDeps,
  input: { notificationUrl: string; clientState: string },
): Promise<CalendarSubscription> {
  return serialized(deps.store, async () => {
    const previous = await deps.store.read();
    if (previous && previous.mailbox === deps.mailbox) await deleteQuietly(deps, previous.id);
    return createSubscription(deps, input);
  });
}

/**
 * Renews the remembered subscription once half its lifetime has passed (now, with `force`, for
 * reauthorizationRequired), and creates it again when Graph no longer has it. Nothing remembered, or one
 * for another mailbox: nothing to renew.
 */
export function renewCalendarSubscription(
  deps: CalendarSubscriptionDeps,
  input: { clientState: string; force?: boolean },
): Promise<{ subscription: CalendarSubscription | undefined; renewAt: Date | undefined }> {
  return serialized(deps.store, async () => {
    const stored = await deps.store.read();
    if (!stored) return { subscription: undefined, renewAt: undefined };
    if (stored.mailbox !== deps.mailbox) {
      deps.log.warn('the remembered calendar subscription is for another mailbox; not renewing it', {
        subscriptionId: stored.id,
      });
      return { subscription: undefined, renewAt: undefined };
    }
    const renewAt = renewalTime(stored, deps.lifetimeMinutes);
    if (!input.force && deps.clock.now() < renewAt.getTime()) return { subscription: stored, renewAt };
    const subscription = await renewOrRecreate(deps, stored, input.clientState);
    return { subscription, renewAt: renewalTime(subscription, deps.lifetimeMinutes) };
  });
}

/** After subscriptionRemoved: the remembered subscription is created again (the old one deleted if still there). */
export function recreateCalendarSubscription(
  deps: CalendarSubscriptionDeps,
  input: { clientState: string },
): Promise<CalendarSubscription | undefined> {
  return serialized(deps.store, async () => {
    const stored = await deps.store.read();
    if (!stored || stored.mailbox !== deps.mailbox) return undefined;
    await deleteQuietly(deps, stored.id);
    return createSubscription(deps, { notificationUrl: stored.notificationUrl, clientState: input.clientState });
  });
}

async function renewOrRecreate(
  deps: CalendarSubscriptionDeps,
  stored: CalendarSubscription,
  clientState: string,
): Promise<CalendarSubscription> {
  let renewed: z.infer<typeof graphSubscriptionSchema>;
  try {
    renewed = graphSubscriptionSchema.parse(
      await deps.graph
        .api(`/subscriptions/${encodeURIComponent(stored.id)}`)
        .patch({ expirationDateTime: expiryFrom(deps) }),
    );
  } catch (error) {
    const e = translateGraphError(error, `renewing the calendar subscription of ${deps.mailbox}`);
    if (!(e instanceof NotFoundError)) throw e;
    // Expired or removed by Graph: make a new one where the old one sent its notifications.
    deps.log.info('calendar subscription gone; creating it again', { subscriptionId: stored.id });
    return createSubscription(deps, { notificationUrl: stored.notificationUrl, clientState });
  }
  const subscription: CalendarSubscription = {
    ...stored,
    expiresAt: new Date(renewed.expirationDateTime).toISOString(),
    renewedAt: new Date(deps.clock.now()).toISOString(),
  };
  await deps.store.write(subscription);
  deps.log.info('calendar subscription renewed', { subscriptionId: stored.id, expiresAt: subscription.expiresAt });
  return subscription;
}

/**
 * While the signal is not aborted: renews the remembered subscription at half its lifetime, sleeping on the
 * clock in between; a failed renewal is tried again after a minute (doubling, at most an hour).
 */
export async function keepCalendarSubscriptionRenewed(
  deps: CalendarSubscriptionDeps,
  input: { clientState: () => string | undefined; signal: AbortSignal },
): Promise<void> {
  let backoff = MINUTE;
  while (!input.signal.aborted) {
    let wait: number;
    const clientState = input.clientState();
    try {
      if (clientState === undefined) return;
      const { renewAt } = await renewCalendarSubscription(deps, { clientState });
      if (renewAt === undefined) return;
      wait = Math.max(renewAt.getTime() - deps.clock.now(), 1_000);
      backoff = MINUTE;
    } catch (error) {
      const e = toLifeCockpitError(error);
      deps.log.warn('calendar subscription renewal failed; trying again later', { code: e.code, error: e });
      wait = backoff;
      backoff = Math.min(backoff * 2, 60 * MINUTE);
    }
    try {
      await deps.clock.sleep(wait, input.signal);
    } catch (error) {
      if (error instanceof CancelledError || input.signal.aborted) return;
      throw error;
    }
  }
}
