// Entra's metadata documents, served for the sandbox origin: the tenant's openid-configuration (what
// msal-node fetches before its first token request: authorization_endpoint, token_endpoint, issuer,
// jwks_uri and end_session_endpoint are all required by one msal version or another), the instance
// discovery answer for clients without knownAuthorities, and the JWKS with the token-signing key.

import { X509Certificate } from 'node:crypto';
import type { SandboxUrls } from '../types';
import type { EntraTenant } from './directory';

export function openIdConfiguration(urls: SandboxUrls, tenantInPaths: string, issuerTenant: string): object {
  const base = `${urls.authorityHost}/${tenantInPaths}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${urls.authorityHost}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${urls.graphUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The `common`/`organizations` documents keep a `{tenantid}` template in the issuer, as Entra's do. */
export function openIdConfigurationFor(
  urls: SandboxUrls,
  tenantSegment: string,
  tenant: EntraTenant | undefined,
): object {
  if (tenant === undefined) return openIdConfiguration(urls, tenantSegment, '{tenantid}');
  return openIdConfiguration(urls, tenant.tenantId, tenant.tenantId);
}

export const MULTI_TENANT_SEGMENTS: ReadonlySet<string> = new Set(['common', 'organizations', 'consumers']);

/** GET /common/discovery/instance: what msal asks login.microsoftonline.com when it has no knownAuthorities. */
export function instanceDiscovery(urls: SandboxUrls, authorizationEndpoint: string | null): object {
  const host = new URL(urls.authorityHost).host;
  const tenant = tenantFromAuthorizationEndpoint(authorizationEndpoint) ?? 'common';
  return {
    tenant_discovery_endpoint: `${urls.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

function tenantFromAuthorizationEndpoint(endpoint: string | null): string | undefined {
  if (endpoint === null) return undefined;
  try {
    return new URL(endpoint).pathname.split('/').filter(Boolean)[0];
  } catch (error) {
    if (error instanceof TypeError) return undefined; // not a URL: fall back to common, as Entra does
    throw error;
  }
}

export function jwks(signingCertPem: string, kid: string, issuer: string): object {
  const cert = new X509Certificate(signingCertPem);
  const jwk = cert.publicKey.export({ format: 'jwk' });
  return {
    keys: [{ kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, x5c: [cert.raw.toString('base64')], issuer }],
  };
}
