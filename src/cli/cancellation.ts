// SIGINT and SIGTERM cancel a verb the same way: the AbortSignal every verb passes down aborts, one
// line says so, and lc exits with the shell's code for the signal (128 + its number: 130 for SIGINT,
// 143 for SIGTERM). A verb that does not stop within a grace period, or a second signal, ends the
// process at once with the same message and code.
import { constants } from 'node:os';
import { CancelledError } from '../core/errors';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type CancelSignal = (typeof SIGNALS)[number];

/** How long a verb may take to wind down (close connections, flush logs) after a signal. */
const GRACE_MS = 3_000;

export class SignalCancellation {
  private readonly controller = new AbortController();
  private receivedSignal: CancelSignal | undefined;
  private readonly listeners = new Map<CancelSignal, () => void>();
  private graceTimer: NodeJS.Timeout | undefined;

  /** `leaveNow` reports the cancellation and exits; it runs when the grace period ends or on a second signal. */
  constructor(private readonly leaveNow: (error: CancelledError, exitCode: number) => void) {
    for (const name of SIGNALS) {
      const listener = (): void => this.receive(name);
      this.listeners.set(name, listener);
      process.on(name, listener);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get received(): CancelSignal | undefined {
    return this.receivedSignal;
  }

  /** 130 for SIGINT, 143 for SIGTERM (documented in README with the other exit codes). */
  get exitCode(): number {
    return 128 + (this.receivedSignal ? constants.signals[this.receivedSignal] : constants.signals.SIGINT);
  }

  error(): CancelledError {
    return new CancelledError(`Cancelled by ${this.receivedSignal ?? 'a signal'}; stopped before finishing.`, {
      code: 'cancelled.signal',
    });
  }

  dispose(): void {
    for (const [name, listener] of this.listeners) process.off(name, listener);
    this.listeners.clear();
    clearTimeout(this.graceTimer);
  }

  private receive(name: CancelSignal): void {
    if (this.receivedSignal) {
      this.leaveNow(this.error(), this.exitCode);
      return;
    }
    this.receivedSignal = name;
    this.controller.abort(this.error());
    this.graceTimer = setTimeout(() => this.leaveNow(this.error(), this.exitCode), GRACE_MS);
    this.graceTimer.unref();
  }
}

/** For verbs that serve until stopped (`ownsSignals`): resolves at the first SIGINT or SIGTERM. */
export function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const signal of SIGNALS) process.off(signal, done);
      resolve();
    };
    for (const signal of SIGNALS) process.on(signal, done);
  });
}
