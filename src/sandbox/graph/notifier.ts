// Change notifications: when an event or a Sent Items message changes in a subscribed mailbox, POST
// `{value:[{subscriptionId, clientState, changeType, resource, resourceData, …}]}` to the
// subscription's notificationUrl. Fire-and-forget like Graph: a failure is recorded for inspect(),
// never returned to the request that caused the change.

import type { ServiceContext } from '../types';
import type { ChangeListener, ChangeType } from './routeTypes';
import type { GraphState, StoredSubscription } from './state';

const MAX_FAILURES_KEPT = 50;

export class SubscriptionNotifier implements ChangeListener {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly state: () => GraphState,
  ) {}

  changed(userId: string, collection: 'events' | 'messages', itemId: string, changeType: ChangeType): void {
    const now = this.ctx.clock.now();
    for (const sub of this.state().subscriptions) {
      if (sub.target.userId !== userId || sub.target.collection !== collection) continue;
      if (!sub.changeType.split(',').includes(changeType) || sub.expirationMs <= now) continue;
      this.track(this.deliver(sub, collection, itemId, changeType));
    }
  }

  /** Resolves once every delivery started so far has finished (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(delivery: Promise<void>): void {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  private async deliver(
    sub: StoredSubscription,
    collection: 'events' | 'messages',
    itemId: string,
    changeType: ChangeType,
  ): Promise<void> {
    // Graph names the resource with capitalised segments in notifications.
    const resource = `Users/${sub.target.userId}/${collection === 'events' ? 'Events' : 'Messages'}/${itemId}`;
    const payload = {
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: new Date(sub.expirationMs).toISOString().replace('Z', '0000Z'),
          changeType,
          resource,
          resourceData: {
            '@odata.type': collection === 'events' ? '#Microsoft.Graph.Event' : '#Microsoft.Graph.Message',
            '@odata.id': resource,
            id: itemId,
          },
          clientState: sub.clientState,
          tenantId: this.state().tenantId,
        },
      ],
    };
    const stats = this.state().stats;
    try {
      const answer = await this.ctx.outbound(sub.notificationUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
      });
      if (answer.status >= 200 && answer.status < 300) stats.notificationsDelivered++;
      else this.recordFailure(sub, `HTTP ${answer.status}`);
    } catch (error) {
      this.recordFailure(sub, error instanceof Error ? error.message : String(error));
    }
  }

  private recordFailure(sub: StoredSubscription, error: string): void {
    const failures = this.state().stats.notificationFailures;
    failures.push({ at: new Date(this.ctx.clock.now()).toISOString(), subscriptionId: sub.id, error });
    if (failures.length > MAX_FAILURES_KEPT) failures.splice(0, failures.length - MAX_FAILURES_KEPT);
  }
}
