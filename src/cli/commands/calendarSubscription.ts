// The calendar subscription from the terminal: `lc webhooks subscribe` creates (or renews) the Graph
// subscription on the profile mailbox's calendar, and `lc webhooks serve` handles its /graph notifications
// (re-importing the calendar) and renews it at half its lifetime while it runs. Notifications go to
// config webhooks.publicUrl + /graph (a tunnel to this receiver), or, for the sandbox, straight to the local
// receiver. The clientState is a secret: LC_GRAPH_CLIENT_STATE, else one kept in the OS keychain per profile
// (made on first subscribe); the subscription file beside the inbox holds no secret.
//
//   lc webhooks subscribe [--port N] [--dir DIR] [--json]   (the port and inbox of `lc webhooks serve`)
//   LC_CALENDAR_CATEGORY  the Outlook category marking client sessions (default "Client session")
import * as path from 'node:path';
import { systemClock } from '../../core/clock';
import { ConfigurationError, type Profile } from '../../core/config';
import { importSessionsFromCalendar } from '../../core/booking';
import { resolveTables } from '../../core/practice';
import { loadTemplates, WORKSPACE_TEMPLATES_FOLDER } from '../../core/reminders';
import {
  fileSubscriptionStore,
  graphNotificationHandler,
  keepCalendarSubscriptionRenewed,
  newClientState,
  renewalTime,
  renewCalendarSubscription,
  subscribeToCalendar,
  type CalendarSubscriptionDeps,
  type WebhookHandler,
} from '../../core/webhooks';
import type { VerbContext } from '../action';
import { connect, stderrKeychain, type Connection } from '../connect';
import { practitionerOf } from './sessionCreate';

export const SUBSCRIPTION_FILE = 'calendar-subscription.json';
const DAY = 86_400_000;

/** LC_GRAPH_CLIENT_STATE, else the profile's in the OS keychain; made there on first use when `create`. */
export async function graphClientStateFor(ctx: VerbContext, create: boolean): Promise<string | undefined> {
  const fromEnv = process.env.LC_GRAPH_CLIENT_STATE;
  if (fromEnv) {
    ctx.runtime.hub.addSecret(fromEnv);
    return fromEnv;
  }
  const keychain = stderrKeychain();
  if (!keychain.available) return undefined;
  const account = `${ctx.runtime.loaded.config.activeProfile}/graphClientState`;
  let state = await keychain.read(account);
  if (state === undefined && create) {
    state = newClientState();
    await keychain.write(account, state);
  }
  ctx.runtime.hub.addSecret(state);
  return state;
}

function calendarDeps(ctx: VerbContext, connection: Connection, inboxDirectory: string): CalendarSubscriptionDeps {
  const { profile } = connection;
  if (!profile.mailbox) {
    throw new ConfigurationError(
      `Profile ${profile.name} names no mailbox, so there is no calendar to subscribe to: set LC_MAILBOX.`,
    );
  }
  return {
    graph: connection.graph,
    mailbox: profile.mailbox,
    clock: systemClock,
    log: ctx.runtime.hub.logger('business'),
    lifetimeMinutes: ctx.runtime.loaded.config.webhooks.graphSubscriptionMinutes,
    store: fileSubscriptionStore(path.join(inboxDirectory, SUBSCRIPTION_FILE)),
  };
}

function isLoopbackUrl(url: string): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}

/** Where Graph sends notifications: the public URL's /graph, or the local receiver for a sandbox on this machine. */
function notificationUrlFor(ctx: VerbContext, profile: Profile, port: number): string {
  const { publicUrl, bindAddress } = ctx.runtime.loaded.config.webhooks;
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}/graph`;
  if (isLoopbackUrl(profile.graphUrl)) {
    const host = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
    return `http://${host}:${port}/graph`;
  }
  throw new ConfigurationError(
    'Microsoft Graph cannot reach a receiver on this machine: run a tunnel to `lc webhooks serve` and set webhooks.publicUrl (LC_WEBHOOK_PUBLIC_URL) to its https URL.',
  );
}

export async function subscribeCalendar(
  ctx: VerbContext,
  options: { port: number; inboxDirectory: string },
): Promise<void> {
  const clientState = await graphClientStateFor(ctx, true);
  if (clientState === undefined) {
    throw new ConfigurationError(
      'No Graph clientState: set LC_GRAPH_CLIENT_STATE (e.g. `openssl rand -base64 32`, and give `lc webhooks serve` the same), or use a machine with an OS keychain.',
    );
  }
  const connection = await connect(ctx.runtime);
  try {
    const deps = calendarDeps(ctx, connection, options.inboxDirectory);
    const notificationUrl = notificationUrlFor(ctx, connection.profile, options.port);
    const stored = await deps.store.read();
    let action: 'created' | 'renewed' = 'created';
    let subscription;
    if (stored && stored.mailbox === deps.mailbox && stored.notificationUrl === notificationUrl) {
      subscription = (await renewCalendarSubscription(deps, { clientState, force: true })).subscription;
      action = subscription?.id === stored.id ? 'renewed' : 'created';
    }
    subscription ??= await subscribeToCalendar(deps, { notificationUrl, clientState });
    const renewAt = renewalTime(subscription, deps.lifetimeMinutes).toISOString();
    const { id, mailbox, resource, expiresAt } = subscription;
    const report = { action, id, mailbox, resource, notificationUrl, expiresAt, renewAt };
    ctx.out.result(
      report,
      () =>
        `Calendar subscription ${action} for ${mailbox}: notifications go to ${notificationUrl} until ${expiresAt}; \`lc webhooks serve\` renews it from ${renewAt}.`,
    );
  } finally {
    await connection.close();
  }
}

/** For `lc webhooks serve`: the /graph handler and the renewal loop, when there is a clientState and a mailbox. */
export async function calendarServing(
  ctx: VerbContext,
  connection: Connection,
  inboxDirectory: string,
): Promise<{ clientState: string | undefined; handlers: { graph?: WebhookHandler }; start(): () => Promise<void> }> {
  const clientState = await graphClientStateFor(ctx, false);
  const { dataverse, profile } = connection;
  if (clientState === undefined || !profile.mailbox || !dataverse) {
    return { clientState, handlers: {}, start: () => () => Promise.resolve() };
  }
  const deps = calendarDeps(ctx, connection, inboxDirectory);
  const tables = resolveTables(ctx.runtime.loaded.config.tables);
  const category = process.env.LC_CALENDAR_CATEGORY || 'Client session';
  const { leadTimesMinutes, followUpDelayMinutes } = ctx.runtime.loaded.config.reminders;
  const onCalendarChanged = async (signal?: AbortSignal): Promise<void> => {
    const now = deps.clock.now();
    // Read at every change, so an edited template is the one the new sessions' reminders use.
    const templates = await loadTemplates(path.join(process.cwd(), WORKSPACE_TEMPLATES_FOLDER));
    const report = await importSessionsFromCalendar(
      {
        dataverse,
        graph: connection.graph,
        tables,
        clock: deps.clock,
        log: deps.log,
        templates,
        practitioner: practitionerOf(connection),
        profile,
        settings: { leadTimesMinutes, followUpDelayMinutes },
      },
      {
        mailbox: deps.mailbox,
        from: new Date(now - DAY),
        to: new Date(now + 60 * DAY),
        category,
        ...(signal ? { signal } : {}),
      },
    );
    deps.log.info('calendar re-read after a notification', {
      created: report.created.length,
      unmatched: report.unmatched.length,
    });
  };
  return {
    clientState,
    handlers: { graph: graphNotificationHandler({ ...deps, clientState: () => clientState, onCalendarChanged }) },
    start: () => {
      const stop = new AbortController();
      const keeping = keepCalendarSubscriptionRenewed(deps, { clientState: () => clientState, signal: stop.signal });
      return async () => {
        stop.abort();
        await keeping;
      };
    },
  };
}
