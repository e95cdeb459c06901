// Subscribe to Calendar Changes: a Graph subscription on the profile mailbox's calendar whose notifications
// reach the receiver (through webhooks.publicUrl, the https URL of a tunnel; the sandbox's Graph reaches the
// local receiver directly). Its clientState is a secret kept in SecretStorage per profile and given to the
// receiver to check every notification. While the receiver listens for the profile, the subscription is
// renewed at half its lifetime; a calendar change imports the mailbox's client sessions and refreshes them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toLifeCockpitError, ValidationError } from '../core/errors';
import { importSessionsFromCalendar } from '../core/booking';
import {
  fileSubscriptionStore,
  keepCalendarSubscriptionRenewed,
  newClientState,
  subscribeToCalendar,
  type CalendarSubscriptionDeps,
} from '../core/webhooks';
import type { DataverseClients, SignedInClients } from './profileSession';
import { sessionActionDeps } from './sessionCommands';
import type { EditorServices } from './services';
import { runningReceiver } from './webhookCommands';

const DAY = 86_400_000;
/** The category Import From Calendar remembers (sessionNoteCommands), and its default. */
const CATEGORY_KEY = 'lifeCockpit.calendarCategory';
const DEFAULT_CATEGORY = 'Client session';

type CalendarServices = Pick<EditorServices, 'context' | 'config' | 'session' | 'hub' | 'clock' | 'webhooks'>;

export function graphClientStateName(profile: string): string {
  return `lifeCockpit/${profile}/graphClientState`;
}

/** What the core's subscription functions need, for a signed-in profile with a mailbox (its store in `directory`). */
export function calendarDeps(
  s: Pick<CalendarServices, 'config' | 'hub' | 'clock'>,
  c: SignedInClients,
  directory: string,
): CalendarSubscriptionDeps {
  const mailbox = c.profile.mailbox;
  if (!mailbox)
    throw new ValidationError(
      `Profile "${c.profile.name}" names no mailbox, so there is no calendar to follow. Set its mailbox.`,
      { code: 'calendar.noMailbox' },
    );
  return {
    graph: c.graph,
    mailbox,
    clock: s.clock,
    log: s.hub.logger('business'),
    lifetimeMinutes: s.config.loaded.config.webhooks.graphSubscriptionMinutes,
    store: fileSubscriptionStore(path.join(directory, 'calendar-subscription.json')),
  };
}

/**
 * A calendar change: the mailbox's client sessions from a week back to a month ahead are imported, with the
 * reminders of the new ones, then shown.
 */
export async function importAfterCalendarChange(
  s: Pick<CalendarServices, 'context' | 'config' | 'session' | 'hub' | 'clock'>,
  c: DataverseClients,
  signal?: AbortSignal,
): Promise<void> {
  const mailbox = c.profile.mailbox;
  if (!mailbox) return;
  const now = s.clock.now();
  const category = s.context.workspaceState.get<string>(CATEGORY_KEY) ?? DEFAULT_CATEGORY;
  await importSessionsFromCalendar(
    { ...(await sessionActionDeps(s, c)), dataverse: c.dataverse, graph: c.graph },
    { mailbox, from: new Date(now - 7 * DAY), to: new Date(now + 30 * DAY), category, ...(signal ? { signal } : {}) },
  );
  await s.session.refresh();
}

export async function subscribeToCalendarCommand(s: EditorServices, c: DataverseClients): Promise<void> {
  const deps = calendarDeps(s, c, s.webhooks.inboxDirectory(c.profile.name));
  const publicUrl = s.config.loaded.config.webhooks.publicUrl;
  if (!publicUrl && c.profile.kind !== 'sandbox')
    throw new ValidationError(
      'Graph cannot reach a receiver on 127.0.0.1: run a tunnel to the receiver and set lifeCockpit.webhooks.publicUrl to its https URL.',
      { code: 'calendar.noPublicUrl' },
    );
  let clientState = await s.context.secrets.get(graphClientStateName(c.profile.name));
  if (!clientState) {
    clientState = newClientState();
    await s.context.secrets.store(graphClientStateName(c.profile.name), clientState);
  }
  s.hub.addSecret(clientState);
  if (!(await runningReceiver(s, 'Graph checks the notification URL by calling it.'))) return;
  // A receiver started before the clientState existed starts again to check it (a new port when it is 0).
  await s.webhooks.restart();
  const running = s.webhooks.running;
  if (!running) return;
  const notificationUrl = `${(publicUrl ?? running.url).replace(/\/+$/, '')}/graph`;
  const state = clientState;
  const subscription = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Life Cockpit: subscribing to ${deps.mailbox}'s calendar…`,
    },
    () => subscribeToCalendar(deps, { notificationUrl, clientState: state }),
  );
  s.log.info('calendar subscribed', { subscriptionId: subscription.id, expiresAt: subscription.expiresAt });
  void vscode.window.showInformationMessage(
    `Following ${deps.mailbox}'s calendar (profile "${c.profile.name}") until ${subscription.expiresAt}; it is renewed while the webhook receiver runs.`,
  );
}

/** Keeps the active profile's calendar subscription renewed while the receiver listens for that profile. */
export class CalendarRenewal implements vscode.Disposable {
  private running: { profile: string; abort: AbortController } | undefined;
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly s: CalendarServices) {
    this.subscriptions = [
      s.webhooks.onDidChange(() => void this.update()),
      s.session.sessions.onDidChange(() => void this.update()),
    ];
  }

  private async update(): Promise<void> {
    const state = this.s.webhooks.state;
    const clients = this.s.session.clients;
    const profile =
      state.kind === 'listening' && clients?.profile.name === state.profile && clients.profile.mailbox
        ? state.profile
        : undefined;
    if (this.running?.profile === profile) return;
    this.stop();
    if (!profile || !clients) return;
    const clientState = await this.s.context.secrets.get(graphClientStateName(profile));
    if (!clientState || this.running) return;
    const abort = new AbortController();
    const running = { profile, abort };
    this.running = running;
    // Ends at once when nothing is subscribed: the next change of the receiver or the sessions looks again.
    keepCalendarSubscriptionRenewed(calendarDeps(this.s, clients, this.s.webhooks.inboxDirectory(profile)), {
      clientState: () => clientState,
      signal: abort.signal,
    })
      .catch((error: unknown) =>
        this.s.hub.logger('business').warn('calendar renewal stopped', { reason: toLifeCockpitError(error).message }),
      )
      .finally(() => {
        if (this.running === running) this.running = undefined;
      });
  }

  private stop(): void {
    this.running?.abort.abort();
    this.running = undefined;
  }

  dispose(): void {
    this.stop();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
