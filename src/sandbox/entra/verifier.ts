// The TokenVerifier every hosted service uses on `Authorization: Bearer …`: checks the signature
// against the sandbox's signing key, the lifetime against the sandbox clock, the audience, and that
// the token was issued in the practice's tenant (a Fabrikam token must not read Morgan's mail).

import { X509Certificate, type KeyObject } from 'node:crypto';
import type { AccessTokenClaims, SandboxClock, TokenCheck, TokenVerifier } from '../types';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './accessTokens';
import { decodeJwt, verifyJwtSignature } from './jwt';

export interface VerifierOptions {
  signingCertPem: string;
  kid: string;
  clock: SandboxClock;
  /** The tenant whose resources the services hold; read on every check (it changes on import). */
  homeTenantId: () => string;
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const publicKey = new X509Certificate(options.signingCertPem).publicKey;
  return {
    verify: (header, audience) => Promise.resolve(checkToken(header, audience, publicKey, options)),
  };
}

function fail(reason: Exclude<TokenCheck, { ok: true }>['reason'], message: string): TokenCheck {
  return { ok: false, reason, message };
}

function checkToken(
  header: string | undefined,
  audience: string,
  publicKey: KeyObject,
  options: VerifierOptions,
): TokenCheck {
  if (header === undefined || header.trim() === '') return fail('missing', 'Access token is empty.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) return fail('malformed', 'Authorization header is not of the form "Bearer <token>".');
  const jwt = decodeJwt(match[1] as string);
  if (jwt === undefined)
    return fail(
      'malformed',
      'IDX14100: JWT is not well formed, there are no dots (.) or the parts are not base64url-encoded JSON.',
    );
  if (jwt.header.alg !== 'RS256' || jwt.header.kid !== options.kid || !verifyJwtSignature(jwt, publicKey)) {
    return fail('signature', 'Signature validation failed: the token was not signed by this sandbox.');
  }
  const claims = jwt.payload;
  if (!hasClaimShape(claims))
    return fail('malformed', 'The token lacks aud, iss, tid, appid, oid, sub, iat, nbf or exp.');
  const nowSeconds = Math.floor(options.clock.now() / 1000);
  if (claims.exp <= nowSeconds) return fail('expired', 'Lifetime validation failed, the token is expired.');
  if (claims.nbf > nowSeconds) return fail('expired', 'Lifetime validation failed, the token is not yet valid.');
  if (!audienceMatches(claims.aud, audience))
    return fail('audience', `Invalid audience '${claims.aud}'; expected '${audience}'.`);
  if (claims.tid !== options.homeTenantId())
    return fail('tenant', `The token was issued for tenant '${claims.tid}', not this resource's tenant.`);
  return { ok: true, claims };
}

function hasClaimShape(claims: Record<string, unknown>): claims is AccessTokenClaims {
  const strings = ['aud', 'iss', 'tid', 'appid', 'oid', 'sub'].every((name) => typeof claims[name] === 'string');
  const numbers = ['iat', 'nbf', 'exp'].every((name) => typeof claims[name] === 'number');
  return strings && numbers;
}

/** Trailing slashes do not matter (Dataverse scopes often carry `//.default`); Graph also answers to its app id. */
export function audienceMatches(tokenAudience: string, expected: string): boolean {
  const normal = (value: string): string => value.replace(/\/+$/, '').toLowerCase();
  const got = normal(tokenAudience);
  const want = normal(expected);
  if (got === want) return true;
  const graphNames = new Set([GRAPH_RESOURCE, GRAPH_APP_ID]);
  return graphNames.has(got) && graphNames.has(want);
}
