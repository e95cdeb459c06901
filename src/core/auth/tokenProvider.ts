// Access tokens per resource: cached, refreshed before they expire (not after a 401), and fetched
// once for any number of concurrent callers. The token source underneath is msal-node's
// ConfidentialClientApplication (msalTokenSource.ts); this layer adds the single flight and the
// proactive margin msal does not give for short-lived tokens. The shared fetch runs on its own signal:
// a caller that cancels only stops waiting, and the fetch itself (a device-code sign-in) stops only
// when no caller waits for it any more.
import { systemClock, type Clock } from '../clock';
import { CancelledError } from '../errors';

export interface AcquiredToken {
  accessToken: string;
  expiresOn: Date;
}

export interface AcquireOptions {
  /** Bypass the source's own cache: an early refresh, or a token a service refused. */
  forceRefresh: boolean;
  signal?: AbortSignal;
  /** The last token was refused by a service (401), not merely close to expiry. */
  rejected?: boolean;
  /** The user asked to sign in now: the source may show a sign-in UI. Otherwise it must stay silent. */
  interactive?: boolean;
}

export interface TokenSource {
  acquire(scope: string, options: AcquireOptions): Promise<AcquiredToken>;
}

export interface Resource {
  /** 'graph' | 'dataverse' — a stable name for logs and caches. */
  name: string;
  scope: string;
}

export interface TokenProviderOptions {
  clock?: Clock;
  /** Refresh when less than this remains (capped at a fifth of the token's life). Default 5 minutes. */
  refreshMarginMs?: number;
  onTokenRequest?: (resource: Resource) => void;
}

interface Flight {
  promise: Promise<AcquiredToken>;
  controller: AbortController;
  waiters: number;
}

interface Entry {
  token?: AcquiredToken;
  acquiredAt?: number;
  inFlight?: Flight;
  forceNext?: boolean;
}

export class TokenProvider {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly margin: number;
  /** How many times a token was requested from the source: tests and benchmarks read it. */
  tokenRequests = 0;

  constructor(
    private readonly source: TokenSource,
    private readonly options: TokenProviderOptions = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.now = () => clock.now();
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
  }

  async getToken(resource: Resource, signal?: AbortSignal, options: { interactive?: boolean } = {}): Promise<string> {
    return (await this.getAcquired(resource, signal, options)).accessToken;
  }

  /** `interactive`: an explicit sign-in, so a fetch this call starts may show the source's sign-in UI. */
  async getAcquired(
    resource: Resource,
    signal?: AbortSignal,
    options: { interactive?: boolean } = {},
  ): Promise<AcquiredToken> {
    if (signal?.aborted) throw new CancelledError();
    const entry = this.entry(resource);
    if (entry.token && !this.isDue(entry)) return entry.token;
    const flight = (entry.inFlight ??= this.startFlight(resource, entry, options.interactive === true));
    return this.wait(entry, flight, signal);
  }

  /** A service answered 401 with this token: drop it so the next call fetches a fresh one. */
  invalidate(resource: Resource, rejectedToken?: string): void {
    const entry = this.entry(resource);
    if (rejectedToken && entry.token && entry.token.accessToken !== rejectedToken) return; // already replaced
    entry.token = undefined;
    entry.forceNext = true;
  }

  /** When the cached token of a resource expires, if there is one. */
  expiresOn(resource: Resource): Date | undefined {
    return this.entries.get(resource.scope)?.token?.expiresOn;
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(resource: Resource): Entry {
    let entry = this.entries.get(resource.scope);
    if (!entry) this.entries.set(resource.scope, (entry = {}));
    return entry;
  }

  private isDue(entry: Entry): boolean {
    if (!entry.token || entry.acquiredAt === undefined) return true;
    const expires = entry.token.expiresOn.getTime();
    const life = Math.max(0, expires - entry.acquiredAt);
    return this.now() >= expires - Math.min(this.margin, life / 5);
  }

  private startFlight(resource: Resource, entry: Entry, interactive: boolean): Flight {
    const controller = new AbortController();
    const promise = this.fetch(resource, entry, controller, interactive);
    promise.catch(() => undefined); // each waiter handles the rejection itself; this only marks it handled
    return { promise, controller, waiters: 0 };
  }

  /** Waits for the shared fetch until it settles or this caller's signal aborts, whichever comes first. */
  private wait(entry: Entry, flight: Flight, signal: AbortSignal | undefined): Promise<AcquiredToken> {
    flight.waiters++;
    if (!signal) return flight.promise;
    return new Promise<AcquiredToken>((resolve, reject) => {
      const onAbort = (): void => {
        reject(new CancelledError());
        if (--flight.waiters > 0) return;
        // Nobody waits any more: stop the fetch, and let the next caller start a fresh one.
        if (entry.inFlight === flight) entry.inFlight = undefined;
        flight.controller.abort();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (token) => {
          signal.removeEventListener('abort', onAbort);
          resolve(token);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private async fetch(
    resource: Resource,
    entry: Entry,
    controller: AbortController,
    interactive: boolean,
  ): Promise<AcquiredToken> {
    try {
      // Refreshing early, or after a 401, must bypass msal's own cache, which would hand back the same token.
      const rejected = entry.forceNext === true;
      const forceRefresh = rejected || entry.token !== undefined;
      this.tokenRequests++;
      this.options.onTokenRequest?.(resource);
      const token = await this.source.acquire(resource.scope, {
        forceRefresh,
        signal: controller.signal,
        ...(rejected ? { rejected } : {}),
        ...(interactive ? { interactive } : {}),
      });
      if (controller.signal.aborted) throw new CancelledError();
      entry.token = token;
      entry.acquiredAt = this.now();
      entry.forceNext = false;
      return token;
    } finally {
      if (entry.inFlight?.controller === controller) entry.inFlight = undefined;
    }
  }
}
