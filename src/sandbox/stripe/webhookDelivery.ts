// Delivers Events to webhook endpoints the way Stripe does: a JSON POST signed with
// `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>` (re-signed on every
// attempt), retried with exponential backoff on non-2xx answers and network errors (a receiver that is
// down). Stripe's test mode retries three times over a few hours ("Process undelivered events"); the
// sandbox does the same, 30 min, 1 h and 2 h after the first attempt (the exact spacing is not published),
// run `timeScale` times faster (`lc sandbox --time-scale`). Every attempt is recorded in the state for
// inspect(); timers are unref'd and cleared on dispose().

import { createHmac } from 'node:crypto';
import type { SandboxClock, ServiceContext } from '../types';
import type { Delivery, StripeEvent, StripeState } from './state';

export interface DeliveryOptions {
  /** Delay before the 2nd attempt, in Stripe's time; doubles for each later one. */
  retryBaseMs: number;
  /** Attempts per event and endpoint, the first included. */
  maxAttempts: number;
  /** Retries come this many times sooner than in Stripe's time (the sandbox's time-scale); 1 is real time. */
  timeScale: number;
}

/** Test mode: the first attempt and three retries, over 3.5 hours of Stripe's time. */
export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = { retryBaseMs: 30 * 60_000, maxAttempts: 4, timeScale: 1 };

const MAX_RECORDED_DELIVERIES = 1000;

/** The header Stripe sends, which `stripe.webhooks.constructEvent` verifies. */
export function signatureHeader(secret: string, timestampSeconds: number, payload: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

export class WebhookDelivery {
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly outbound: ServiceContext['outbound'],
    private readonly clock: SandboxClock,
    private readonly state: () => StripeState,
    private readonly options: DeliveryOptions,
  ) {}

  /** Queues the event for each endpoint; the first attempt runs after the API call has answered. */
  enqueue(event: StripeEvent, endpointIds: string[]): void {
    for (const endpointId of endpointIds) this.schedule(event.id, endpointId, 1, 0);
  }

  /** Resolves once nothing is in flight or waiting to be retried. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.notifyIfIdle();
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.inFlight === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private schedule(eventId: string, endpointId: string, attempt: number, delayMs: number): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.inFlight += 1;
      this.attempt(eventId, endpointId, attempt)
        .catch((error: unknown) =>
          this.record({
            eventId,
            eventType: '?',
            endpointId,
            url: '?',
            attempt,
            at: this.clock.now(),
            status: null,
            error: String(error),
            succeeded: false,
          }),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.notifyIfIdle();
        });
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(eventId: string, endpointId: string, attempt: number): Promise<void> {
    const state = this.state();
    const event = state.events[eventId];
    const endpoint = state.webhookEndpoints[endpointId];
    const secret = state.webhookSecrets[endpointId];
    // The state was replaced (load/import) or the endpoint deleted: nothing left to deliver.
    if (event === undefined || endpoint === undefined || secret === undefined || endpoint.status !== 'enabled') return;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(this.clock.now() / 1000);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Stripe-Signature': signatureHeader(secret, timestamp, payload),
    };
    let status: number | null = null;
    let error: string | undefined;
    try {
      status = (await this.outbound(endpoint.url, { method: 'POST', headers, body: payload })).status;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const succeeded = status !== null && status >= 200 && status < 300;
    const delivery: Delivery = {
      eventId,
      eventType: event.type,
      endpointId,
      url: endpoint.url,
      attempt,
      at: this.clock.now(),
      status,
      succeeded,
    };
    if (error !== undefined) delivery.error = error;
    else if (!succeeded) delivery.error = `HTTP ${status ?? '?'}`;
    this.record(delivery);
    if (succeeded) {
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
    } else if (attempt < this.options.maxAttempts) {
      const scale = this.options.timeScale > 0 ? this.options.timeScale : 1;
      this.schedule(eventId, endpointId, attempt + 1, (this.options.retryBaseMs * 2 ** (attempt - 1)) / scale);
    }
  }

  private record(delivery: Delivery): void {
    const deliveries = this.state().deliveries;
    deliveries.push(delivery);
    if (deliveries.length > MAX_RECORDED_DELIVERIES) deliveries.splice(0, deliveries.length - MAX_RECORDED_DELIVERIES);
  }
}
