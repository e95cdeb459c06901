// A small in-memory cache for GETs a caller marks cacheable: fresh entries are served without asking, stale
// ones with an ETag are revalidated with If-None-Match so a 304 reuses the body already held.
import type { Clock } from './types';

export interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  url: string;
  bytes: Buffer;
  storedAt: number;
  etag: string | undefined;
}

export type CacheLookup =
  { state: 'fresh'; entry: CachedResponse } | { state: 'stale'; entry: CachedResponse } | { state: 'absent' };

/**
 * Request headers that change what a service returns for the same URL: OData annotations, paging, format,
 * and who is asking (Dataverse impersonation answers WhoAmI and every row as the impersonated user).
 */
const VARYING_HEADERS = ['accept', 'prefer', 'consistencylevel', 'accept-language', 'mscrmcallerid', 'callerobjectid'];

export function cacheKeyFor(service: string, url: string, headers: Record<string, string>): string {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const varying = VARYING_HEADERS.map((name) => `${name}=${lower[name] ?? ''}`).join('\n');
  return `${service} ${url}\n${varying}`;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number,
  ) {}

  lookup(key: string, ttlMs: number): CacheLookup {
    const entry = this.entries.get(key);
    if (!entry) return { state: 'absent' };
    // Re-insert so the Map's order doubles as least-recently-used order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return this.clock.now() - entry.storedAt < ttlMs ? { state: 'fresh', entry } : { state: 'stale', entry };
  }

  store(key: string, response: Omit<CachedResponse, 'storedAt' | 'etag'>): void {
    this.entries.delete(key);
    this.entries.set(key, { ...response, storedAt: this.clock.now(), etag: response.headers['etag'] });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** A 304 confirmed the held body: it counts as fresh again from now. */
  refresh(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const refreshed = { ...entry, storedAt: this.clock.now() };
    this.entries.set(key, refreshed);
    return refreshed;
  }

  clear(): void {
    this.entries.clear();
  }
}
