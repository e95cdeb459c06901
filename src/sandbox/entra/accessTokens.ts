// Issues the sandbox's access tokens in the shape Entra gives app-only tokens for Graph and Dataverse:
// v1.0 claims (iss https://sts.windows.net/<tid>/, appid, appidacr "1" secret / "2" certificate,
// idtyp "app", roles only when granted), RS256 with the JWKS key's kid and x5t in the header.

import type { Prng } from '../types';
import type { EntraApp } from './directory';
import { signJwt, type JwtHeader } from './jwt';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface SigningKey {
  key: string; // PEM
  cert: string; // PEM
  kid: string;
}

export interface AccessTokenRequest {
  app: EntraApp;
  audience: string;
  roles?: string[];
  lifetimeSeconds: number;
  nowMs: number;
  /** "1" client secret, "2" certificate. */
  appidacr: '1' | '2';
}

export function issueAccessToken(request: AccessTokenRequest, signing: SigningKey, prng: Prng): string {
  const iat = Math.floor(request.nowMs / 1000);
  const header: JwtHeader = { typ: 'JWT', alg: 'RS256', x5t: signing.kid, kid: signing.kid };
  // Graph's tokens carry a `nonce` header (a reason Microsoft says not to validate them yourself).
  if (request.audience === GRAPH_RESOURCE) header.nonce = Buffer.from(prng.uuid()).toString('base64url');
  const issuer = `https://sts.windows.net/${request.app.tenantId}/`;
  const payload: Record<string, unknown> = {
    aud: request.audience,
    iss: issuer,
    iat,
    nbf: iat,
    exp: iat + request.lifetimeSeconds,
    aio: Buffer.from(prng.uuid()).toString('base64url'),
    app_displayname: request.app.displayName,
    appid: request.app.clientId,
    appidacr: request.appidacr,
    idp: issuer,
    idtyp: 'app',
    oid: request.app.servicePrincipalId,
    rh: `0.${Buffer.from(prng.uuid()).toString('base64url')}.`,
    sub: request.app.servicePrincipalId,
    tenant_region_scope: 'EU',
    tid: request.app.tenantId,
    uti: Buffer.from(prng.uuid().replace(/-/g, ''), 'hex').toString('base64url'),
    ver: '1.0',
  };
  if (request.roles !== undefined && request.roles.length > 0) payload.roles = request.roles;
  return signJwt(header, payload, signing.key);
}
