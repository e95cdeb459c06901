// A bounded ring buffer of the requests the sandbox answered, for the inspector and for tests that
// assert what a client sent (how many token requests, which routes, which faults fired).

import type { FaultKind, ServiceName } from './types';

export interface RequestLogEntry {
  time: string; // ISO
  service: ServiceName;
  method: string;
  path: string;
  status: number; // 0 when the connection was dropped
  durationMs: number;
  faults?: FaultKind[];
}

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private next = 0;

  constructor(private readonly capacity = 2000) {}

  add(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  list(): RequestLogEntry[] {
    if (this.entries.length < this.capacity) return [...this.entries];
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  clear(): void {
    this.entries.length = 0;
    this.next = 0;
  }
}
