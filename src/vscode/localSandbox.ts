// Which profile may take what the local sandbox hands over (its client secret on `npm start`, its ACS
// connection string): kind sandbox, authority on this machine. A live or test profile, or a workspace that
// points the sandbox profile at another host, never does. Its own file, so the sign-in and the channel
// secrets both read it without depending on each other.
import type { Profile } from '../core/config';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A profile that may take secrets handed over by the sandbox: kind sandbox, authority on a loopback host. */
export function isLocalSandboxProfile(profile: Pick<Profile, 'kind' | 'authorityHost'>): boolean {
  if (profile.kind !== 'sandbox') return false;
  let authority: URL;
  try {
    authority = new URL(profile.authorityHost);
  } catch {
    return false;
  }
  return authority.protocol === 'https:' && LOOPBACK_HOSTS.has(authority.hostname);
}
