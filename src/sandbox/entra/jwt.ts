// Compact JWS for the sandbox's Entra: signs access tokens (RS256) and checks client assertions
// (RS256 from msal-node's SHA-1 `thumbprint`, PS256 from its `thumbprintSha256`). Written on node:crypto
// because jose v6 is ESM-only and this CommonJS build cannot import it statically; RS256/PS256 over
// node:crypto is a handful of lines.

import { constants, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtHeader = {
  alg?: string;
  typ?: string;
  kid?: string;
  x5t?: string;
  'x5t#S256'?: string;
  [name: string]: unknown;
};
export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

const encodePart = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(header: JwtHeader, payload: JwtPayload, privateKeyPem: string): string {
  const signingInput = `${encodePart(header)}.${encodePart(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKeyPem);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Splits and parses a compact JWS; undefined when it is not one. Does not check the signature. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return {
      header,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature: Buffer.from(signaturePart, 'base64url'),
    };
  } catch (error) {
    if (error instanceof SyntaxError) return undefined; // not JSON inside: malformed, as the caller reports
    throw error;
  }
}

/** Checks the signature for the header's alg (RS256 or PS256 only, as Entra accepts for assertions). */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const data = Buffer.from(jwt.signingInput);
  if (jwt.header.alg === 'RS256') return verify('sha256', data, key, jwt.signature);
  if (jwt.header.alg === 'PS256') {
    return verify(
      'sha256',
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      jwt.signature,
    );
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
