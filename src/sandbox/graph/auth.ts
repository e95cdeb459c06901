// Graph's two gates: the bearer token (401 InvalidAuthenticationToken with the message Graph gives
// for each failure) and the app roles a route needs (403 in the words of the workload behind it).

import type { AccessTokenClaims, TokenCheck, TokenVerifier } from '../types';
import { GraphFault, graphError, type GraphCall, type GraphResult } from './wire';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/** Who answers a route: Outlook (mail, calendar), the directory (users) or the subscriptions service. */
export type Workload = 'outlook' | 'directory' | 'subscriptions';

/** Graph's 401 messages per token failure (from captured responses). */
const TOKEN_MESSAGES: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'Access token is empty.',
  malformed: 'IDX14100: JWT is not well formed, there are no dots (.).',
  signature: 'Access token validation failure.',
  expired: 'Lifetime validation failed, the token is expired.',
  audience: 'Access token validation failure. Invalid audience.',
  tenant: 'Access token validation failure. Invalid issuer or tenant.',
};

export type AuthOutcome = { ok: true; claims: AccessTokenClaims } | { ok: false; result: GraphResult };

export async function authenticate(
  tokens: TokenVerifier,
  authorization: string | undefined,
  ids: Pick<GraphCall, 'requestId' | 'clientRequestId'>,
  nowMs: number,
): Promise<AuthOutcome> {
  const check = await tokens.verify(authorization, GRAPH_AUDIENCE);
  if (check.ok) return { ok: true, claims: check.claims };
  return {
    ok: false,
    result: graphError(ids, nowMs, {
      status: 401,
      code: 'InvalidAuthenticationToken',
      message: TOKEN_MESSAGES[check.reason],
      // Graph names the authority and its own app id in the challenge.
      headers: {
        'www-authenticate':
          'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
      },
    }),
  };
}

/** A user's token (delegated): it has `scp` and no `idtyp: app`. */
export function isDelegated(claims: AccessTokenClaims): boolean {
  return typeof claims.scp === 'string' && claims.idtyp !== 'app';
}

/** Delegated User.Read lets the signed-in user read their own directory record (GET /me). */
export function readsOwnProfile(claims: AccessTokenClaims, workload: Workload, userKey: string | undefined): boolean {
  if (!isDelegated(claims) || workload !== 'directory' || userKey?.toLowerCase() !== claims.oid.toLowerCase())
    return false;
  return String(claims.scp).split(' ').includes('User.Read');
}

export function hasAnyRole(claims: AccessTokenClaims, roles: readonly string[]): boolean {
  if (roles.length === 0) return true;
  // A delegated token carries its permissions in `scp` (space-separated), an app token in `roles`.
  const delegated = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
  const granted = new Set([...(claims.roles ?? []), ...delegated]);
  return roles.some((role) => granted.has(role));
}

/** The 403 each workload sends when the token lacks the permission. */
export function accessDenied(workload: Workload): GraphFault {
  switch (workload) {
    case 'outlook':
      return new GraphFault(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    case 'directory':
      return new GraphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    case 'subscriptions':
      // The subscriptions service wraps the workload's refusal in ExtensionError.
      return new GraphFault(
        403,
        'ExtensionError',
        'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]',
      );
  }
}
