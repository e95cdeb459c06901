// Handling a stored /graph request: a batch of change or lifecycle notifications. Every notification must
// carry our clientState (the receiver checked it on receipt; it is checked again here, since a replay or a
// rotated secret may meet an older request): one that does not refuses the whole batch, changing nothing.
// Notifications for a subscription we do not hold are ignored with a log line. Then, once per request:
// subscriptionRemoved → the subscription is created again, reauthorizationRequired → renewed now (a PATCH
// reauthorizes too), and change notifications, missed, or a re-creation (changes in between were lost) →
// onCalendarChanged once, which re-imports the calendar (the import is idempotent, so a duplicate is harmless).
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { HandlerResult, WebhookHandler } from './processor';
import {
  recreateCalendarSubscription,
  renewCalendarSubscription,
  type CalendarSubscriptionDeps,
} from './graphSubscriptions';

export interface GraphNotificationDeps extends CalendarSubscriptionDeps {
  /** The clientState given at subscription (a secret); undefined when there is none, and then nothing is handled. */
  clientState: () => string | undefined;
  /** Re-reads the calendar (import, then refresh the views). */
  onCalendarChanged: (signal?: AbortSignal) => Promise<void>;
}

const notificationsSchema = z.object({
  value: z
    .array(
      z
        .object({
          subscriptionId: z.string().max(255).optional(),
          clientState: z.string().max(255).nullish(),
          changeType: z.string().max(255).optional(),
          lifecycleEvent: z.string().max(255).optional(),
        })
        .loose(),
    )
    .min(1)
    .max(1000),
});

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function graphNotificationHandler(deps: GraphNotificationDeps): WebhookHandler {
  return async (body, entry): Promise<HandlerResult> => {
    let parsed: z.infer<typeof notificationsSchema>;
    try {
      parsed = notificationsSchema.parse(JSON.parse(body.toString('utf8')));
    } catch {
      return { outcome: 'ignored', detail: 'not a Graph notification collection' };
    }
    const clientState = deps.clientState();
    if (clientState === undefined || clientState === '') {
      return { outcome: 'ignored', detail: 'no Graph clientState is configured' };
    }
    if (parsed.value.some((n) => typeof n.clientState !== 'string' || !sameSecret(n.clientState, clientState))) {
      deps.log.warn('graph notifications refused: a clientState does not match', { id: entry.id });
      return { outcome: 'ignored', detail: 'refused: a notification carries another clientState' };
    }
    const held = await deps.store.read();
    const ours = parsed.value.filter((n) => {
      if (held !== undefined && held.mailbox === deps.mailbox && n.subscriptionId === held.id) return true;
      deps.log.info('graph notification for a subscription we do not hold; ignored', {
        id: entry.id,
        subscriptionId: n.subscriptionId,
      });
      return false;
    });
    const lifecycle = new Set(ours.map((n) => n.lifecycleEvent).filter((e): e is string => e !== undefined));
    const changes = ours.filter((n) => n.lifecycleEvent === undefined && n.changeType !== undefined).length;
    const done: string[] = [];
    let reimport = changes > 0 || lifecycle.has('missed');
    if (lifecycle.has('subscriptionRemoved')) {
      const recreated = await recreateCalendarSubscription(deps, { clientState });
      done.push(`subscription created again${recreated ? ` (${recreated.id})` : ''}`);
      reimport = true;
    } else if (lifecycle.has('reauthorizationRequired')) {
      await renewCalendarSubscription(deps, { clientState, force: true });
      done.push('subscription renewed');
    }
    if (reimport) {
      await deps.onCalendarChanged();
      done.push(
        `calendar re-read (${changes} change${changes === 1 ? '' : 's'}${lifecycle.has('missed') ? ', missed' : ''})`,
      );
    }
    if (done.length === 0) return { outcome: 'ignored', detail: 'nothing for a subscription we hold' };
    return { outcome: 'applied', detail: done.join('; ') };
  };
}
