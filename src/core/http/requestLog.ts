// What one request leaves in the log: method, a URL with secret query values blanked, status, duration,
// attempts and the correlation ids both sides use. Headers are never logged (Authorization lives there).
import type { ServiceKey } from './types';

/** Query parameters whose values are credentials: SAS `sig`, OAuth `code`, any `*token`, any `*key`, secrets. */
const SECRET_PARAM = /(^sig$|^code$|token$|key$|secret$|password$|^signature$)/i;

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparsable url]';
  }
  // Credentials in the authority never belong in a log.
  parsed.username = '';
  parsed.password = '';
  if (!parsed.search) return parsed.toString();
  const pairs = parsed.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const [name = '', ...rest] = pair.split('=');
      const decodedName = safeDecode(name);
      return rest.length > 0 && SECRET_PARAM.test(decodedName) ? `${name}=REDACTED` : pair;
    });
  return `${parsed.origin}${parsed.pathname}?${pairs.join('&')}${parsed.hash}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The header that carries our correlation id to each service. Graph and Entra read `client-request-id` and
 * echo it back; Dataverse reads `x-ms-client-request-id`. Stripe has no such header (it logs its own `request-id`).
 */
export const CLIENT_REQUEST_ID_HEADER: Readonly<Record<ServiceKey, string | undefined>> = {
  entra: 'client-request-id',
  graph: 'client-request-id',
  dataverse: 'x-ms-client-request-id',
  stripe: undefined,
  flows: undefined,
  forward: undefined,
  sendgrid: undefined,
  acs: 'x-ms-client-request-id',
};

/** The service's own id for the request, to quote when asking its support: Graph and Stripe `request-id`,
 * Dataverse `x-ms-service-request-id`, Entra `x-ms-request-id`. */
export function serverRequestId(headers: Record<string, string>): string | undefined {
  return headers['request-id'] ?? headers['x-ms-service-request-id'] ?? headers['x-ms-request-id'];
}
