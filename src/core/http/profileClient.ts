// One HTTP layer per profile. An extra CA (the sandbox's `caFile`) is trusted only by a `kind: sandbox`
// profile and only for its own loopback origins: a workspace or `.env` that adds `caFile` to a live or test
// profile, or points a sandbox profile at a real host, widens nothing.
import * as fs from 'node:fs';
import type { Profile } from '../config';
import type { Logger } from '../log';
import { HttpClient } from './httpClient';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(origin: URL): boolean {
  return LOOPBACK_HOSTS.has(origin.hostname) || origin.hostname.endsWith('.localhost');
}

/** The origins a profile's extra CA may vouch for: none unless it is a sandbox profile, and only loopback ones. */
export function extraCaOrigins(profile: Profile): string[] {
  if (profile.kind !== 'sandbox' || !profile.caFile) return [];
  const urls = [profile.authorityHost, profile.graphUrl, profile.dataverseUrl, profile.stripeUrl, profile.sendgridUrl];
  const origins = urls.filter((u): u is string => typeof u === 'string').map((u) => new URL(u));
  return [...new Set(origins.filter(isLoopback).map((u) => u.origin))];
}

export function createProfileHttpClient(profile: Profile, logger: Logger): HttpClient {
  if (profile.caFile && profile.kind !== 'sandbox') {
    logger.warn('caFile ignored: only a sandbox profile trusts an extra CA', {
      profile: profile.name,
      kind: profile.kind,
    });
  }
  const origins = extraCaOrigins(profile);
  const ca = origins.length > 0 && profile.caFile ? fs.readFileSync(profile.caFile) : undefined;
  return new HttpClient({ logger, cachePartition: profile.name, ...(ca ? { trust: { ca, origins } } : {}) });
}
