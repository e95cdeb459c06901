// Authenticates the client at the token endpoint: a client secret (form body or HTTP Basic, as
// client_secret_post / client_secret_basic) or a signed client assertion (private_key_jwt) whose
// header names a registered certificate by x5t (SHA-1, RS256) or x5t#S256 (SHA-256, PS256), the two
// forms msal-node sends.

import { timingSafeEqual } from 'node:crypto';
import type { EntraApp, EntraCertificate } from './directory';
import { AAD, type AadErrorSpec } from './errors';
import { decodeJwt, verifyJwtSignature } from './jwt';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientCredentials {
  clientId?: string;
  secret?: string;
  assertion?: string;
  assertionType?: string;
}

export type ClientAuthResult = { ok: true; appidacr: '1' | '2' } | { ok: false; error: AadErrorSpec };

/** Reads client_id and the credential from the form and the Basic header (the form wins, as Entra's does). */
export function readClientCredentials(form: URLSearchParams, authorization: string | undefined): ClientCredentials {
  const basic = parseBasic(authorization);
  const pick = (value: string | null | undefined): string | undefined =>
    value === null || value === '' ? undefined : value;
  return {
    clientId: pick(form.get('client_id')) ?? basic?.user,
    secret: pick(form.get('client_secret')) ?? basic?.password,
    assertion: pick(form.get('client_assertion')),
    assertionType: pick(form.get('client_assertion_type')),
  };
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before Base64.
  const unform = (text: string): string => decodeURIComponent(text.replace(/\+/g, ' '));
  return { user: unform(decoded.slice(0, colon)), password: unform(decoded.slice(colon + 1)) };
}

export interface AssertionContext {
  /** Token endpoint URLs the assertion's `aud` may name. */
  audiences: string[];
  nowMs: number;
}

export function authenticateClient(
  app: EntraApp,
  credentials: ClientCredentials,
  context: AssertionContext,
): ClientAuthResult {
  if (credentials.assertion !== undefined) return checkAssertion(app, credentials, context);
  if (credentials.secret !== undefined) return checkSecret(app, credentials.secret, context.nowMs);
  return { ok: false, error: AAD.missingCredential() };
}

function checkSecret(app: EntraApp, secret: string, nowMs: number): ClientAuthResult {
  const given = Buffer.from(secret);
  const match = app.secrets.find((s) => {
    const known = Buffer.from(s.value);
    return known.length === given.length && timingSafeEqual(known, given);
  });
  if (match === undefined) return { ok: false, error: AAD.wrongSecret(app.clientId) };
  if (match.expiresAt <= nowMs) return { ok: false, error: AAD.expiredSecret(app.clientId) };
  return { ok: true, appidacr: '1' };
}

function checkAssertion(app: EntraApp, credentials: ClientCredentials, context: AssertionContext): ClientAuthResult {
  if (credentials.assertionType !== JWT_BEARER_ASSERTION) return { ok: false, error: AAD.unsupportedAssertionType() };
  const jwt = decodeJwt(credentials.assertion as string);
  if (jwt === undefined) return { ok: false, error: AAD.assertionMalformed() };
  const { certificate, thumbprint } = certificateFor(app, jwt.header);
  if (certificate === undefined)
    return { ok: false, error: AAD.assertionSignature('The key was not found.', thumbprint, app.clientId) };
  if (!verifyJwtSignature(jwt, certificate.publicKey)) {
    return { ok: false, error: AAD.assertionSignature('The signature is invalid.', thumbprint, app.clientId) };
  }
  const { iss, sub, aud, exp, nbf } = jwt.payload;
  if (iss !== app.clientId || sub !== app.clientId) return { ok: false, error: AAD.assertionSubject() };
  const audiences = (Array.isArray(aud) ? aud : [aud]).map((a) => String(a));
  if (!audiences.some((a) => context.audiences.includes(a)))
    return { ok: false, error: AAD.assertionAudience(audiences.join(', ')) };
  const nowSeconds = context.nowMs / 1000;
  // Entra tolerates five minutes of clock skew on assertions.
  if (typeof exp !== 'number' || exp + 300 < nowSeconds) return { ok: false, error: AAD.assertionExpired() };
  if (typeof nbf === 'number' && nbf - 300 > nowSeconds) return { ok: false, error: AAD.assertionExpired() };
  return { ok: true, appidacr: '2' };
}

function certificateFor(
  app: EntraApp,
  header: Record<string, unknown>,
): { certificate?: EntraCertificate; thumbprint: string } {
  const sha256 =
    typeof header['x5t#S256'] === 'string'
      ? Buffer.from(header['x5t#S256'], 'base64url').toString('hex').toUpperCase()
      : undefined;
  const sha1 =
    typeof header.x5t === 'string' ? Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase() : undefined;
  const certificate = app.certificates.find(
    (c) => (sha256 !== undefined && c.thumbprintSha256 === sha256) || (sha1 !== undefined && c.thumbprint === sha1),
  );
  return { certificate, thumbprint: sha256 ?? sha1 ?? '' };
}
