// Entra's error bodies, as reference-error-codes.md documents them: `error`, an `error_description`
// that starts with the AADSTS code and ends with Trace ID / Correlation ID / Timestamp lines (CRLF),
// `error_codes`, `timestamp` as "YYYY-MM-DD HH:MM:SSZ", `trace_id`, `correlation_id`, `error_uri`.

import type { SandboxResponse } from '../types';

export interface AadErrorSpec {
  status: number;
  error: string;
  code: number;
  message: string;
}

export interface AadRequestIds {
  traceId: string;
  correlationId: string;
  now: number;
}

/** "2016-01-09 02:02:12Z": Entra's timestamp format, second precision, no T. */
export function aadTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function aadError(spec: AadErrorSpec, ids: AadRequestIds): SandboxResponse {
  const timestamp = aadTimestamp(ids.now);
  return {
    status: spec.status,
    headers: aadHeaders(ids),
    body: {
      error: spec.error,
      error_description: `AADSTS${spec.code}: ${spec.message}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [spec.code],
      timestamp,
      trace_id: ids.traceId,
      correlation_id: ids.correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${spec.code}`,
    },
  };
}

/** Headers every STS answer carries: no caching, and the ids a support ticket would quote. */
export function aadHeaders(ids: AadRequestIds): Record<string, string> {
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': ids.traceId,
    'client-request-id': ids.correlationId,
  };
}

// The cases the token endpoint answers, with status and wording from captures (wire-facts.md §1).
export const AAD = {
  tenantNotFound: (tenant: string): AadErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  missingParameter: (name: string): AadErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  unsupportedGrant: (): AadErrorSpec => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: 'The app requested an unsupported grant type.',
  }),
  unknownClient: (clientId: string, tenantId: string): AadErrorSpec => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  scopeWithoutDefault: (scope: string): AadErrorSpec => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  invalidScope: (scope: string): AadErrorSpec => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    message: `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  unknownResource: (resource: string, tenant: string): AadErrorSpec => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  wrongSecret: (clientId: string): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  expiredSecret: (clientId: string): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    message: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  missingCredential: (): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  assertionMalformed: (): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 50027,
    message: 'JWT token is invalid or is malformed.',
  }),
  assertionSignature: (reason: string, thumbprint: string, clientId: string): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
  }),
  assertionSubject: (): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    message: "Client assertion application identifier doesn't match 'client_id' parameter.",
  }),
  assertionAudience: (audience: string): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700023,
    message: `Client assertion audience claim does not match Realm issuer. Audience: '${audience}'.`,
  }),
  assertionExpired: (): AadErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    message: 'Client assertion is not within its valid time range.',
  }),
  unsupportedAssertionType: (): AadErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 90014,
    message: "The request body must contain the following parameter: 'client_assertion_type'.",
  }),
} as const;
