// Change notifications: when an event or a Sent Items message changes in a subscribed mailbox, POST
// `{value:[{subscriptionId, clientState, changeType, resource, resourceData, …}]}` to the
// subscription's notificationUrl. Fire-and-forget like Graph: a failure is recorded for inspect(),
// never returned to the request that caused the change. An endpoint that fails (no answer, or not 2xx)
// gets the notification again after a growing delay, as Graph retries for up to 4 hours; a subscription
// that expired or was deleted meanwhile delivers nothing more. Lifecycle notifications
// (reauthorizationRequired, subscriptionRemoved, missed) go to the lifecycleNotificationUrl, on demand.

import type { ServiceContext } from '../types';
import type { ChangeListener, ChangeType } from './routeTypes';
import type { GraphState, StoredSubscription } from './state';

const MAX_FAILURES_KEPT = 50;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
export const LIFECYCLE_EVENTS: readonly LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];

/** Graph retries a failed delivery with exponential backoff for up to 4 hours. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_840_000, 7_200_000,
];

function graphDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '0000Z');
}

export class SubscriptionNotifier implements ChangeListener {
  private readonly pending = new Set<Promise<void>>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly state: () => GraphState,
    private readonly retryDelaysMs: () => readonly number[] = () => DEFAULT_RETRY_DELAYS_MS,
  ) {}

  changed(userId: string, collection: 'events' | 'messages', itemId: string, changeType: ChangeType): void {
    const now = this.ctx.clock.now();
    for (const sub of this.state().subscriptions) {
      if (sub.target.userId !== userId || sub.target.collection !== collection) continue;
      if (!sub.changeType.split(',').includes(changeType) || sub.expirationMs <= now) continue;
      // Graph names the resource with capitalised segments in notifications.
      const resource = `Users/${sub.target.userId}/${collection === 'events' ? 'Events' : 'Messages'}/${itemId}`;
      const notification = {
        subscriptionId: sub.id,
        subscriptionExpirationDateTime: graphDate(sub.expirationMs),
        changeType,
        resource,
        resourceData: {
          '@odata.type': collection === 'events' ? '#Microsoft.Graph.Event' : '#Microsoft.Graph.Message',
          '@odata.id': resource,
          id: itemId,
        },
        clientState: sub.clientState,
        tenantId: this.state().tenantId,
      };
      this.track(this.deliver(sub, sub.notificationUrl, { value: [notification] }, 0));
    }
  }

  /**
   * Sends a lifecycle notification for a subscription, as Graph does on its own schedule; subscriptionRemoved
   * removes the subscription first. False when there is no such subscription or it has no lifecycleNotificationUrl.
   */
  lifecycle(subscriptionId: string, event: LifecycleEvent): boolean {
    const all = this.state().subscriptions;
    const sub = all.find((candidate) => candidate.id === subscriptionId);
    if (!sub?.lifecycleNotificationUrl || sub.expirationMs <= this.ctx.clock.now()) return false;
    if (event === 'subscriptionRemoved') all.splice(all.indexOf(sub), 1);
    const notification = {
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: graphDate(sub.expirationMs),
      tenantId: this.state().tenantId,
      clientState: sub.clientState,
      lifecycleEvent: event,
    };
    this.track(this.deliver(sub, sub.lifecycleNotificationUrl, { value: [notification] }, 0, event));
    return true;
  }

  /** Resolves once no delivery attempt is in flight (a retry may still be waiting for its time). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops the retries still waiting. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
  }

  private track(delivery: Promise<void>): void {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  /** Still delivering to it: not deleted nor expired (a removal's own lifecycle notice is delivered regardless). */
  private stillActive(sub: StoredSubscription, lifecycleEvent: LifecycleEvent | undefined): boolean {
    if (lifecycleEvent === 'subscriptionRemoved') return true;
    return this.state().subscriptions.includes(sub) && sub.expirationMs > this.ctx.clock.now();
  }

  private async deliver(
    sub: StoredSubscription,
    url: string,
    payload: object,
    attempt: number,
    lifecycleEvent?: LifecycleEvent,
  ): Promise<void> {
    if (this.disposed || !this.stillActive(sub, lifecycleEvent)) return;
    const stats = this.state().stats;
    let failure: string;
    try {
      const answer = await this.ctx.outbound(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
      });
      if (answer.status >= 200 && answer.status < 300) {
        stats.notificationsDelivered++;
        return;
      }
      failure = `HTTP ${answer.status}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    this.recordFailure(sub, failure);
    const delay = this.retryDelaysMs()[attempt];
    if (delay === undefined || this.disposed) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.track(this.deliver(sub, url, payload, attempt + 1, lifecycleEvent));
    }, delay);
    timer.unref();
    this.retries.add(timer);
  }

  private recordFailure(sub: StoredSubscription, error: string): void {
    const failures = this.state().stats.notificationFailures;
    failures.push({ at: new Date(this.ctx.clock.now()).toISOString(), subscriptionId: sub.id, error });
    if (failures.length > MAX_FAILURES_KEPT) failures.splice(0, failures.length - MAX_FAILURES_KEPT);
  }
}
