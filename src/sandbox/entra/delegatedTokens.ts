// What the token endpoint answers a user's (delegated) sign-in with: a v1.0 access token carrying
// `scp`, `upn` and the user's `oid` (no `idtyp`: Entra adds it to app tokens only by default), a v2.0
// id_token for the public client, `client_info` (base64url {uid, utid}, which msal keys accounts on)
// and a refresh token.

import type { Prng } from '../types';
import { GRAPH_RESOURCE, type SigningKey } from './accessTokens';
import type { EntraApp } from './directory';
import { signJwt, type JwtHeader } from './jwt';

/** The delegated permissions the practice consented to for its app (the user's own mailbox and calendar). */
export const DELEGATED_GRAPH_SCOPES = ['Calendars.ReadWrite', 'Mail.ReadWrite', 'Mail.Send', 'User.Read'];
/** Dataverse has one delegated permission. */
export const DELEGATED_DATAVERSE_SCOPES = ['user_impersonation'];

export interface DirectoryUser {
  oid: string;
  displayName: string;
  upn: string;
}

export interface DelegatedTokenRequest {
  app: EntraApp;
  user: DirectoryUser;
  audience: string;
  lifetimeSeconds: number;
  nowMs: number;
  authorityHost: string;
}

export interface DelegatedTokens {
  accessToken: string;
  idToken: string;
  clientInfo: string;
  /** The granted scopes as the token response's `scope` lists them. */
  scope: string;
}

export function issueDelegatedTokens(request: DelegatedTokenRequest, signing: SigningKey, prng: Prng): DelegatedTokens {
  const { app, user, audience } = request;
  const iat = Math.floor(request.nowMs / 1000);
  const exp = iat + request.lifetimeSeconds;
  const scopes = audience === GRAPH_RESOURCE ? DELEGATED_GRAPH_SCOPES : DELEGATED_DATAVERSE_SCOPES;
  const [given, ...family] = user.displayName.split(' ');
  const header: JwtHeader = { typ: 'JWT', alg: 'RS256', x5t: signing.kid, kid: signing.kid };
  if (audience === GRAPH_RESOURCE) header.nonce = Buffer.from(prng.uuid()).toString('base64url');
  const issuer = `https://sts.windows.net/${app.tenantId}/`;
  const accessToken = signJwt(
    header,
    {
      aud: audience,
      iss: issuer,
      iat,
      nbf: iat,
      exp,
      acr: '1',
      aio: Buffer.from(prng.uuid()).toString('base64url'),
      amr: ['pwd'],
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: '0', // a public client: no client credential
      family_name: family.join(' '),
      given_name: given,
      idp: issuer,
      name: user.displayName,
      oid: user.oid,
      scp: scopes.join(' '),
      sub: pairwiseSubject(user.oid, app.clientId),
      tid: app.tenantId,
      unique_name: user.upn,
      upn: user.upn,
      uti: Buffer.from(prng.uuid().replace(/-/g, ''), 'hex').toString('base64url'),
      ver: '1.0',
    },
    signing.key,
  );
  const idToken = signJwt(
    { typ: 'JWT', alg: 'RS256', kid: signing.kid },
    {
      aud: app.clientId,
      iss: `${request.authorityHost}/${app.tenantId}/v2.0`,
      iat,
      nbf: iat,
      exp,
      name: user.displayName,
      oid: user.oid,
      preferred_username: user.upn,
      sub: pairwiseSubject(user.oid, app.clientId),
      tid: app.tenantId,
      ver: '2.0',
    },
    signing.key,
  );
  const clientInfo = Buffer.from(JSON.stringify({ uid: user.oid, utid: app.tenantId })).toString('base64url');
  const resourceScopes = scopes.map((s) => (audience === GRAPH_RESOURCE ? s : `${audience}/${s}`));
  return { accessToken, idToken, clientInfo, scope: [...resourceScopes, 'openid', 'profile'].join(' ') };
}

/** Entra's `sub` is pairwise (per user and app); a stable stand-in built from both. */
function pairwiseSubject(oid: string, clientId: string): string {
  return Buffer.from(`${oid}:${clientId}`).toString('base64url').slice(0, 43);
}
