// Forwarding received events to other local endpoints the user lists (settings webhooks.forwardTo), as
// `stripe listen --forward-to` does. Stored payloads carry client data, so a target must be loopback: the
// settings schema says so, and this module checks it again, since the editor's settings can come from a
// workspace someone else wrote.
import { ValidationError } from '../errors';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The targets as URLs; throws a ValidationError naming the first that is not an http(s) loopback URL. */
export function checkedForwardTargets(targets: readonly string[]): URL[] {
  return targets.map((target) => {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    const loopback =
      url !== undefined &&
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === '' &&
      LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
    if (!url || !loopback) {
      throw new ValidationError(
        `webhooks.forwardTo: "${target}" is not a loopback URL. Stored events carry client data, so they are forwarded only to http://127.0.0.1, localhost or [::1]: remove it from the setting (a workspace's settings included).`,
        { code: 'webhooks.forwardNotLoopback' },
      );
    }
    return url;
  });
}
