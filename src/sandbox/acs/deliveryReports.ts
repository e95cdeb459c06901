// Delivery reports as ACS sends them: Event Grid `Microsoft.Communication.SMSDeliveryReportReceived` events
// (Event Grid schema, an array POSTed with `aeg-event-type: Notification`) to the one subscribed endpoint,
// a while after the SMS went out. A subscription is created the way Event Grid creates one: it first POSTs
// a `Microsoft.EventGrid.SubscriptionValidationEvent` and expects `{"validationResponse": <code>}` back.
// Event Grid retries an undelivered event with backoff; the sandbox retries three times (10 s, 30 s, 1 min
// of ACS's time, divided by the time-scale). Timers are unref'd and cleared on dispose().
import type { Prng, SandboxClock, ServiceContext } from '../types';
import type { EventSubscription, SentSms } from './state';

export const DELIVERY_REPORT_EVENT = 'Microsoft.Communication.SMSDeliveryReportReceived';
export const VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const RETRY_DELAYS_MS = [10_000, 30_000, 60_000];
const TOPIC =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sandbox/providers/Microsoft.Communication/communicationServices/sandbox';

export class DeliveryReports {
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly outbound: ServiceContext['outbound'],
    private readonly clock: SandboxClock,
    private readonly prng: Prng,
    private readonly timeScale: number,
  ) {}

  /** Event Grid's handshake: true when the endpoint echoed the validation code. */
  async validate(endpoint: string): Promise<{ ok: boolean; reason?: string }> {
    const validationCode = this.prng.uuid();
    const event = {
      id: this.prng.uuid(),
      topic: TOPIC,
      subject: '',
      data: { validationCode, validationUrl: '' },
      eventType: VALIDATION_EVENT,
      eventTime: new Date(this.clock.now()).toISOString(),
      metadataVersion: '1',
      dataVersion: '1',
    };
    try {
      const answer = await this.outbound(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
        body: JSON.stringify([event]),
      });
      const echoed = (JSON.parse(answer.body || '{}') as { validationResponse?: unknown }).validationResponse;
      if (answer.status === 200 && echoed === validationCode) return { ok: true };
      return { ok: false, reason: `the endpoint answered ${answer.status} without the validation code` };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Schedules the report of one sent SMS; `onDelivered` records its status once the endpoint took it. */
  enqueue(subscription: EventSubscription, sms: SentSms, onDelivered: (status: string) => void): void {
    const event = reportEvent(sms, this.prng.uuid(), new Date(this.clock.now() + subscription.delayMs));
    this.schedule(subscription.endpoint, event, 0, subscription.delayMs / this.timeScale, onDelivered);
  }

  /** Resolves once no report is waiting or in flight. */
  idle(): Promise<void> {
    if (this.timers.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.notifyIfIdle();
  }

  private schedule(
    endpoint: string,
    event: ReturnType<typeof reportEvent>,
    retry: number,
    delayMs: number,
    onDelivered: (status: string) => void,
  ): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.inFlight += 1;
        void this.post(endpoint, event)
          .then((delivered) => {
            if (delivered) onDelivered(event.data.DeliveryStatus);
            else if (retry < RETRY_DELAYS_MS.length) {
              this.schedule(endpoint, event, retry + 1, (RETRY_DELAYS_MS[retry] ?? 0) / this.timeScale, onDelivered);
            }
          })
          .finally(() => {
            this.inFlight -= 1;
            this.notifyIfIdle();
          });
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
  }

  private async post(endpoint: string, event: ReturnType<typeof reportEvent>): Promise<boolean> {
    try {
      const answer = await this.outbound(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
        body: JSON.stringify([event]),
      });
      return answer.status >= 200 && answer.status < 300;
    } catch {
      return false;
    }
  }

  private notifyIfIdle(): void {
    if (this.timers.size > 0 || this.inFlight > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The event ACS publishes; phone numbers are written without their `+`, as in the documented sample. */
function reportEvent(sms: SentSms, id: string, at: Date) {
  const bare = (phone: string): string => phone.replace(/^\+/, '');
  return {
    id,
    topic: TOPIC,
    subject: `/phonenumber/${bare(sms.to)}`,
    data: {
      MessageId: sms.messageId,
      From: bare(sms.from),
      To: bare(sms.to),
      DeliveryStatus: 'Delivered',
      DeliveryStatusDetails: 'No error.',
      ReceivedTimestamp: at.toISOString(),
      DeliveryAttempts: [{ Timestamp: at.toISOString(), SegmentsSucceeded: 1, SegmentsFailed: 0 }],
      ...(sms.tag === undefined ? {} : { Tag: sms.tag }),
    },
    eventType: DELIVERY_REPORT_EVENT,
    dataVersion: '1.0',
    metadataVersion: '1',
    eventTime: at.toISOString(),
  };
}
