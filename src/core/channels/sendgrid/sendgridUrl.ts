// Where the SendGrid key may go. The key is a secret and the URL a setting that a workspace can set, so the
// URL is checked where the channel is built: SendGrid's own API (global or EU) for every profile, a
// loopback stand-in only for a `kind: sandbox` profile, and nothing else, whatever the settings say.
import type { Profile } from '../../config';
import { PolicyError } from '../../errors';

const SENDGRID_ORIGINS = new Set(['https://api.sendgrid.com', 'https://api.eu.sendgrid.com']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The base URL with no trailing slash, or a PolicyError saying why the key will not be sent there. */
export function checkSendGridUrl(baseUrl: string, profileKind: Profile['kind'] | undefined): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url && SENDGRID_ORIGINS.has(url.origin) && url.pathname.replace(/\/+$/, '') === '') return url.origin;
  const loopback =
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost'));
  if (url && loopback && profileKind === 'sandbox') return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const where = url ? url.origin : 'an unreadable URL';
  throw new PolicyError(
    loopback
      ? `sendgridUrl points at ${where}, a local stand-in, but this is not a sandbox profile: only a profile of kind "sandbox" may send its SendGrid key there. Remove sendgridUrl from the settings (a workspace's included), or use the sandbox profile.`
      : `sendgridUrl points at ${where}, which is not SendGrid's API (https://api.sendgrid.com or https://api.eu.sendgrid.com): the SendGrid key is never sent anywhere else. Remove sendgridUrl from the settings (a workspace's included).`,
    { code: 'channels.sendgridUrlRefused', retriable: false, detail: { origin: url?.origin, profileKind } },
  );
}
