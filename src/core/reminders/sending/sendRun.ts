// What one run of the sender shares between its reminders: the dependencies with their defaults filled
// in (pacer, audit, lease, look-again bound), one Mailbox per address, and the crash hook. Once a crash
// point fires, every later step of the run throws the same crash, as if the process had died there.
import type { TransportChannel, TransportId } from '../../channels';
import type { AuditLog } from '../../log';
import { createMailboxPacer, type MailboxPacer } from '../pacing';
import { DEFAULT_CLAIM_LEASE_MS } from './claim';
import { Mailbox } from './mailbox';
import { SenderCrashedError, type CrashPoint, type SenderDeps } from './types';

export const DEFAULT_LOOK_AGAIN_MS = 30_000;

/** One mailbox's part of the run, as the other mailboxes see it. */
export interface LaneState {
  readonly mailbox: string;
  /** Reminders not yet started, or being prepared. */
  hasWork(): boolean;
  /** Starts what the mailbox may start now. */
  poke(): void;
}

export class SendRun {
  readonly pacer: MailboxPacer;
  readonly audit: AuditLog;
  readonly actor: string;
  readonly leaseMs: number;
  readonly lookAgainMs: number;
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly transportPacers = new Map<TransportId, MailboxPacer>();
  private readonly lanes = new Set<LaneState>();
  private pokeQueued = false;
  private crashed: SenderCrashedError | undefined;

  constructor(
    readonly deps: SenderDeps,
    readonly signal: AbortSignal | undefined,
  ) {
    const { settings, clock, log } = deps;
    this.pacer =
      deps.pacer ?? createMailboxPacer({ clock, perMinute: settings.perMinute, concurrency: settings.concurrency });
    const auditLog = log.child('audit');
    this.audit = deps.audit ?? { record: (entry) => auditLog.info(`${entry.action} ${entry.outcome}`, { ...entry }) };
    this.actor = deps.actor ?? deps.profile.name;
    this.leaseMs = settings.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
    this.lookAgainMs = settings.lookAgainMs ?? DEFAULT_LOOK_AGAIN_MS;
  }

  mailbox(address: string): Mailbox {
    const key = address.trim().toLowerCase();
    let mailbox = this.mailboxes.get(key);
    if (!mailbox) {
      const { graph, clock } = this.deps;
      mailbox = new Mailbox({ graph, clock, mailbox: address, pacer: this.pacer, signal: this.signal });
      this.mailboxes.set(key, mailbox);
    }
    return mailbox;
  }

  /** Paces one channel at its service's own limits, each sender (mailbox, number) in a lane of its own. */
  transportPacer(transport: TransportChannel): MailboxPacer {
    let pacer = this.transportPacers.get(transport.id);
    if (!pacer) {
      const { perMinute, concurrency } = transport.limits;
      pacer = createMailboxPacer({ clock: this.deps.clock, perMinute, concurrency });
      this.transportPacers.set(transport.id, pacer);
    }
    return pacer;
  }

  /** Takes part in deciding when reminders may be prepared ahead of their window; returns how to leave. */
  joinLanes(lane: LaneState): () => void {
    this.lanes.add(lane);
    return () => this.lanes.delete(lane);
  }

  /**
   * Whether a mailbox whose window is full may prepare its next reminders now. Only once every other
   * mailbox with reminders left waits for its own window too: until then the machine's time goes to the
   * sends that can still go in this window, as the next window opens only a minute after them.
   */
  mayPrepareAhead(self: LaneState): boolean {
    const { waitingForWindow } = this.pacer;
    if (!waitingForWindow) return true;
    for (const lane of this.lanes) {
      if (lane !== self && lane.hasWork() && !waitingForWindow.call(this.pacer, lane.mailbox)) return false;
    }
    return true;
  }

  /** Lets every mailbox look again at what it may start (once the current step has queued its requests). */
  pokeLanes(): void {
    if (this.pokeQueued) return;
    this.pokeQueued = true;
    queueMicrotask(() => {
      this.pokeQueued = false;
      for (const lane of this.lanes) lane.poke();
    });
  }

  /** A named point: the test hook may end the run here. */
  crashPoint(point: CrashPoint): void {
    this.checkAlive();
    try {
      this.deps.crashAt?.(point);
    } catch (error) {
      this.crashed = new SenderCrashedError(point, error);
      throw this.crashed;
    }
  }

  /** Throws the run's crash when one happened: nothing more may be written after it. */
  checkAlive(): void {
    if (this.crashed) throw this.crashed;
  }

  get crash(): SenderCrashedError | undefined {
    return this.crashed;
  }
}
