// One circuit breaker per service: after N failures in a row it fails fast for a while instead of letting
// every command wait out its own timeouts, then lets a single probe through to see whether the service is back.
// Hand-written rather than cockatiel's CircuitBreakerPolicy because that one reads Date.now() directly and so
// cannot run on the injected clock that keeps the breaker tests free of real waiting.
import { TransientError } from '../errors';
import type { Clock } from '../clock';
import type { BreakerPolicy } from './types';

type BreakerState =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; openedAt: number; failures: number }
  | { kind: 'halfOpen'; probing: boolean; failures: number };

export type BreakerStateName = BreakerState['kind'];

/** A permission to send one attempt; report how it went exactly once. */
export interface BreakerTicket {
  succeeded(): void;
  failed(): void;
  /** The attempt ended without telling anything about the service's health (cancelled, 4xx). */
  neutral(): void;
}

export class CircuitBreaker {
  private state: BreakerState = { kind: 'closed', failures: 0 };

  constructor(
    private readonly serviceName: string,
    private readonly policy: BreakerPolicy,
    private readonly clock: Clock,
  ) {}

  get stateName(): BreakerStateName {
    this.halfOpenIfDue();
    return this.state.kind;
  }

  /** Throws a TransientError while open (or while a half-open probe is already out); otherwise a ticket. */
  admit(): BreakerTicket {
    this.halfOpenIfDue();
    const state = this.state;
    if (state.kind === 'open') throw this.unavailableError(state.openedAt, state.failures);
    if (state.kind === 'halfOpen') {
      if (state.probing) throw this.unavailableError(this.clock.now(), state.failures);
      this.state = { ...state, probing: true };
      return this.ticket(true);
    }
    return this.ticket(false);
  }

  private ticket(isProbe: boolean): BreakerTicket {
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'neutral'): void => {
      if (settled) return;
      settled = true;
      this.record(outcome, isProbe);
    };
    return { succeeded: () => settle('success'), failed: () => settle('failure'), neutral: () => settle('neutral') };
  }

  private record(outcome: 'success' | 'failure' | 'neutral', isProbe: boolean): void {
    if (outcome === 'success') {
      this.state = { kind: 'closed', failures: 0 };
      return;
    }
    if (outcome === 'neutral') {
      // A cancelled probe proved nothing: let the next request probe instead.
      if (isProbe && this.state.kind === 'halfOpen') this.state = { ...this.state, probing: false };
      return;
    }
    const failures = this.state.failures + 1;
    if (isProbe || failures >= this.policy.failureThreshold) {
      this.state = { kind: 'open', openedAt: this.clock.now(), failures };
    } else if (this.state.kind === 'closed') {
      this.state = { kind: 'closed', failures };
    }
  }

  private halfOpenIfDue(): void {
    const state = this.state;
    if (state.kind === 'open' && this.clock.now() - state.openedAt >= this.policy.halfOpenAfterMs) {
      this.state = { kind: 'halfOpen', probing: false, failures: state.failures };
    }
  }

  private unavailableError(openedAt: number, failures: number): TransientError {
    const waitMs = Math.max(0, openedAt + this.policy.halfOpenAfterMs - this.clock.now());
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new TransientError(
      `${this.serviceName} looks unavailable: ${failures} failures in a row; trying again in ${seconds} s.`,
      { code: 'http.circuitOpen', detail: { service: this.serviceName, failures, retryInMs: waitMs } },
    );
  }
}
