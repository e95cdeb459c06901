// A TransportChannel for the sender's tests, standing in for a service as it behaves: a
// repeatableWithinWindow one (ACS SMS) drops a repeat of the same stableId inside its window and answers
// with the first message id, and refuses a repeat past the window (ACS 412); a humanCheck one (SMTP,
// SendGrid) delivers every hand-over it gets. `delivered` holds what recipients received; `handOvers`
// every call. `script` makes the next calls fail as a service can: before acting, or after it.
import type { ChannelMessage, HandOver, TransportChannel, TransportId } from '../../src/core/channels';
import { RepeatWindowClosedError } from '../../src/core/channels';
import type { Clock } from '../../src/core/clock';
import { MESSAGE_STATUS, DEFAULT_TABLES } from '../../src/core/practice';
import type { Row } from '../../src/core/dataverse';
import { MemoryDataverse } from './memoryDataverse';

export type ScriptedAnswer =
  /** Fails without acting (a 429/503: TransientError). */
  | { before: Error }
  /** Acts (delivers), then fails (connection lost after DATA, a timeout). */
  | { after: Error }
  /** Runs before the service answers (a test acting mid-send), then answers normally. */
  | { during: () => void };

export interface FakeTransportOptions {
  id: TransportId;
  clock: Clock;
  limits?: { perMinute: number; concurrency: number };
  repeatWindowMs?: number;
}

export class FakeTransport implements TransportChannel {
  readonly id: TransportId;
  readonly medium: 'email' | 'sms';
  readonly afterCrash: 'repeatableWithinWindow' | 'humanCheck';
  readonly limits: { perMinute: number; concurrency: number };
  readonly repeatWindowMs?: number;
  readonly handOvers: ChannelMessage[] = [];
  readonly delivered: ChannelMessage[] = [];
  readonly script: ScriptedAnswer[] = [];
  /** Calls that have begun and not yet answered. */
  inFlight = 0;
  maxInFlight = 0;
  /** When set, each send waits for this before answering (the test decides when the service answers). */
  gate: Promise<void> | undefined;
  private readonly seen = new Map<string, { id: string; firstSent: number }>();
  private next = 0;

  constructor(private readonly options: FakeTransportOptions) {
    this.id = options.id;
    this.medium = options.id === 'acsSms' ? 'sms' : 'email';
    this.afterCrash = options.id === 'acsSms' ? 'repeatableWithinWindow' : 'humanCheck';
    this.limits = options.limits ?? { perMinute: 600, concurrency: 4 };
    if (this.afterCrash === 'repeatableWithinWindow') this.repeatWindowMs = options.repeatWindowMs ?? 5 * 60_000;
  }

  async send(message: ChannelMessage): Promise<HandOver> {
    this.handOvers.push(message);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      const answer = this.script.shift();
      if (answer && 'before' in answer) throw answer.before;
      if (answer && 'during' in answer) answer.during();
      const handOver = this.act(message);
      if (answer && 'after' in answer) throw answer.after;
      return handOver;
    } finally {
      this.inFlight--;
    }
  }

  private act(message: ChannelMessage): HandOver {
    if (this.afterCrash === 'repeatableWithinWindow') {
      // ACS: repeatabilityFirstSent older than the window is refused; a repeat inside it is answered, not sent.
      if (this.options.clock.now() - message.firstAttemptAt.getTime() > (this.repeatWindowMs ?? 0)) {
        throw new RepeatWindowClosedError(this.id, message.firstAttemptAt);
      }
      const earlier = this.seen.get(message.stableId);
      if (earlier) return { providerMessageId: earlier.id };
    }
    const id = `${this.id}-message-${++this.next}`;
    this.seen.set(message.stableId, { id, firstSent: message.firstAttemptAt.getTime() });
    this.delivered.push(message);
    return { providerMessageId: id };
  }

  deliveredTo(reminderId: string): ChannelMessage[] {
    return this.delivered.filter((m) => m.reminderId === reminderId);
  }
}

const s = DEFAULT_TABLES.scheduledMessage;

/**
 * The memory Dataverse, answering the sender's due-row query as Dataverse would (approved and due, or left in
 * sending), so a second run over the same rows sees what the first left behind.
 */
export class DueRowsDataverse extends MemoryDataverse {
  constructor(private readonly clock: Clock) {
    super();
  }

  override async *query(entitySet: string): AsyncGenerator<Row> {
    for await (const row of super.query(entitySet)) {
      if (entitySet !== s.entitySet) {
        yield row;
        continue;
      }
      const status = row[s.columns.status];
      const due = Date.parse(String(row[s.columns.scheduledTime])) <= this.clock.now();
      if (status === MESSAGE_STATUS.sending || (status === MESSAGE_STATUS.approved && due)) yield row;
    }
  }
}
