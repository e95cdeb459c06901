// POST /<tenant>/oauth2/v2.0/token for the client-credentials grant, checked in the order the wire
// shows (tenant, grant, client, scope, resource, credential) and answered with Entra's JSON: numbers
// for expires_in and ext_expires_in, no refresh_token, and AADSTS errors with their captured status.

import type { SandboxRequest, SandboxUrls } from '../types';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './accessTokens';
import { authenticateClient, readClientCredentials } from './clientAuth';
import { findApp, findTenant, type EntraApp, type EntraDirectory } from './directory';
import { AAD, type AadErrorSpec } from './errors';

export type TokenDecision =
  | { ok: true; app: EntraApp; audience: string; roles: string[]; appidacr: '1' | '2' }
  | { ok: false; error: AadErrorSpec };

export interface TokenEndpointContext {
  directory: EntraDirectory;
  urls: SandboxUrls;
  nowMs: number;
}

const DEFAULT_SUFFIX = '/.default';

export function decideTokenRequest(
  request: SandboxRequest,
  tenantSegment: string,
  context: TokenEndpointContext,
): TokenDecision {
  const tenant = findTenant(context.directory, tenantSegment);
  if (tenant === undefined) return { ok: false, error: AAD.tenantNotFound(tenantSegment) };
  const form = new URLSearchParams(request.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (grantType === null || grantType === '') return { ok: false, error: AAD.missingParameter('grant_type') };
  if (grantType !== 'client_credentials') return { ok: false, error: AAD.unsupportedGrant() };
  const credentials = readClientCredentials(form, request.headers.authorization);
  if (credentials.clientId === undefined) return { ok: false, error: AAD.missingParameter('client_id') };
  const scope = form.get('scope');
  if (scope === null || scope.trim() === '') return { ok: false, error: AAD.missingParameter('scope') };
  const resource = resourceOfScope(scope);
  if ('error' in resource) return { ok: false, error: resource.error };
  const app = findApp(context.directory, tenant.tenantId, credentials.clientId);
  if (app === undefined) return { ok: false, error: AAD.unknownClient(credentials.clientId, tenant.tenantId) };
  const audience = knownAudience(resource.resource, context.urls);
  if (audience === undefined) return { ok: false, error: AAD.unknownResource(resource.resource, tenant.tenantId) };
  const auth = authenticateClient(app, credentials, {
    audiences: tokenEndpointUrls(context.urls, tenantSegment, tenant.tenantId),
    nowMs: context.nowMs,
  });
  if (!auth.ok) return { ok: false, error: auth.error };
  // Graph gets the app's granted application permissions; Dataverse authorizes by application user, so no roles.
  const roles = audience === GRAPH_RESOURCE ? app.graphRoles : [];
  return { ok: true, app, audience, roles, appidacr: auth.appidacr };
}

/** Client credentials take exactly one resource, named as `<resource>/.default` (AADSTS1002012 otherwise). */
function resourceOfScope(scope: string): { resource: string } | { error: AadErrorSpec } {
  // msal-node adds openid/profile/offline_access to every request; Entra ignores them for this grant.
  const scopes = scope.split(/\s+/).filter((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s));
  if (scopes.length === 0) return { error: AAD.invalidScope(scope) };
  const notDefault = scopes.find((s) => !s.endsWith(DEFAULT_SUFFIX));
  if (notDefault !== undefined) return { error: AAD.scopeWithoutDefault(notDefault) };
  const resources = new Set(scopes.map((s) => s.slice(0, -DEFAULT_SUFFIX.length).replace(/\/+$/, '')));
  if (resources.size !== 1) return { error: AAD.invalidScope(scope) };
  return { resource: [...resources][0] as string };
}

export function knownAudience(resource: string, urls: SandboxUrls): string | undefined {
  const lower = resource.toLowerCase();
  if (lower === GRAPH_RESOURCE || lower === GRAPH_APP_ID) return GRAPH_RESOURCE;
  if (lower === urls.dataverseUrl.replace(/\/+$/, '').toLowerCase()) return urls.dataverseUrl.replace(/\/+$/, '');
  return undefined;
}

function tokenEndpointUrls(urls: SandboxUrls, tenantSegment: string, tenantId: string): string[] {
  return [...new Set([tenantSegment, tenantId])].map((t) => `${urls.authorityHost}/${t}/oauth2/v2.0/token`);
}
