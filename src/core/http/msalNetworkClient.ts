// Lets @azure/msal-node send through the HTTP layer: pass the result as `system.networkClient` so token and
// discovery requests get the same pooling, sandbox trust, timeouts, breaker and log as everything else.
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { type LifeCockpitError, toLifeCockpitError } from '../errors';
import type { HttpClient } from './httpClient';
import { parseJsonBody } from './response';
import type { HttpResponse } from './types';

/** msal-node's own client reports failures with this code (ClientAuthErrorCodes.networkError). */
const MSAL_NETWORK_ERROR = 'network_error';

export function msalNetworkClient(http: HttpClient): INetworkModule {
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeoutMs?: number) =>
      send<T>(http, 'GET', url, options, timeoutMs),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send<T>(http, 'POST', url, options, undefined),
  };
}

async function send<T>(
  http: HttpClient,
  method: 'GET' | 'POST',
  url: string,
  options: NetworkRequestOptions | undefined,
  timeoutMs: number | undefined,
): Promise<NetworkResponse<T>> {
  try {
    const response = await http.request({
      service: 'entra',
      method,
      url,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      correlationId: options?.correlationId,
      timeoutMs,
      idempotent: method === 'GET' || isClientCredentialsGrant(options?.body),
    });
    return { status: response.status, headers: response.headers, body: await parseBody<T>(response) };
  } catch (error) {
    throw asMsalError(toLifeCockpitError(error), options?.correlationId);
  }
}

/**
 * A client-credentials token request only mints another token, so sending it twice is harmless; an
 * authorization code or a rotating refresh token is single-use, so those are never retried.
 */
function isClientCredentialsGrant(body: string | undefined): boolean {
  return body !== undefined && new URLSearchParams(body).get('grant_type') === 'client_credentials';
}

/** Like msal-node's own client, the body is always JSON (token and discovery responses, errors included). */
async function parseBody<T>(response: HttpResponse): Promise<T> {
  const text = await response.text();
  return text.trim() === '' ? ({} as T) : parseJsonBody<T>(text, response, 'Microsoft Entra ID');
}

/**
 * msal-common rethrows an AuthError as it is but replaces anything else with a bare "network_error", so the
 * typed error (TransientError, CancelledError) rides along as the AuthError's `cause` for the auth module to find.
 */
function asMsalError(error: LifeCockpitError, correlationId: string | undefined): AuthError {
  const authError = new AuthError(MSAL_NETWORK_ERROR, correlationId ?? '', error.message);
  Object.defineProperty(authError, 'cause', { value: error, enumerable: false, configurable: true, writable: true });
  return authError;
}
