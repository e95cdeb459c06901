// A small in-memory cache for GETs a caller marks cacheable: fresh entries are served without asking, stale
// ones with an ETag are revalidated with If-None-Match so a 304 reuses the body already held. Entries are kept
// per profile and per identity (who the bearer token speaks for), never shared between them.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';

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

/**
 * The key: the profile (partition), who is asking (the bearer token's identity, so signing in as another app or
 * user never sees the previous one's answers), the URL and the varying headers.
 */
export function cacheKeyFor(service: string, url: string, headers: Record<string, string>, partition = ''): string {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const varying = VARYING_HEADERS.map((name) => `${name}=${lower[name] ?? ''}`).join('\n');
  return `${partition}\n${identityOf(lower['authorization'])}\n${service} ${url}\n${varying}`;
}

/** The claims that name who a token is for; a renewed token of the same identity keeps its cache entries. */
const identityClaims = z.object({
  tid: z.string().optional(),
  oid: z.string().optional(),
  sub: z.string().optional(),
  appid: z.string().optional(),
  azp: z.string().optional(),
});

/**
 * Who a request speaks for: tenant, object id (or subject) and app of a JWT bearer token, read but not
 * verified (the service does that); an opaque token or one without those claims counts by its hash.
 */
export function identityOf(authorization: string | undefined): string {
  if (!authorization) return 'anonymous';
  const token = authorization.replace(/^bearer\s+/i, '');
  const claims = identityClaims.safeParse(decodePayload(token));
  const c = claims.success ? claims.data : {};
  const subject = c.oid ?? c.sub;
  if (subject) return `tid=${c.tid ?? ''};oid=${subject};app=${c.appid ?? c.azp ?? ''}`;
  return `token=${createHash('sha256').update(token).digest('base64url')}`;
}

function decodePayload(token: string): unknown {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined; // not a JWT: identified by its hash instead
  }
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
