// One HTTP layer per profile: the profile's extra CA (the sandbox's) is trusted for that profile's
// own hosts only, so switching profile never widens what another profile's calls trust.
import * as fs from 'node:fs';
import type { Profile } from '../config';
import type { Logger } from '../log';
import { HttpClient } from './httpClient';

export function createProfileHttpClient(profile: Profile, logger: Logger): HttpClient {
  const ca = profile.caFile ? fs.readFileSync(profile.caFile) : undefined;
  const origins = [profile.authorityHost, profile.graphUrl, profile.dataverseUrl, profile.stripeUrl]
    .filter((u): u is string => typeof u === 'string')
    .map((u) => new URL(u).origin);
  return new HttpClient({ logger, ...(ca ? { trust: { ca, origins } } : {}) });
}
