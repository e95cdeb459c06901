// Checks a request's access-key signature as Azure Communication Services does ("Sign an HTTP request",
// and @azure/communication-common's createCommunicationAccessKeyCredentialPolicy, which signs it):
//
//   x-ms-date: <RFC 1123 date>            within 15 minutes of the service's clock
//   x-ms-content-sha256: base64(SHA-256(body))
//   Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>
//
// where Signature = base64(HMAC-SHA256(base64decode(accessKey), "VERB\n<path and query>\n<date>;<host>;<hash>")).
// The docs also allow the standard `Date` header in place of x-ms-date (`SignedHeaders=date;host;…`).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxRequest } from '../types';

/** ACS refuses a signed date further than this from its own time. */
export const HMAC_DATE_TOLERANCE_MS = 15 * 60_000;

const AUTHORIZATION = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/;
const ACCEPTED_SIGNED_HEADERS = new Set(['x-ms-date;host;x-ms-content-sha256', 'date;host;x-ms-content-sha256']);

export type HmacCheck = { ok: true } | { ok: false; reason: string };

export function contentHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('base64');
}

export function hmacSignature(accessKey: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

export function checkHmac(request: SandboxRequest, accessKey: string, now: number): HmacCheck {
  const authorization = header(request, 'authorization');
  const parsed = authorization === undefined ? null : AUTHORIZATION.exec(authorization);
  if (!parsed) return { ok: false, reason: 'no HMAC-SHA256 Authorization header' };
  const [, signedHeaders = '', signature = ''] = parsed;
  if (!ACCEPTED_SIGNED_HEADERS.has(signedHeaders.toLowerCase())) {
    return { ok: false, reason: `SignedHeaders must be x-ms-date;host;x-ms-content-sha256, not ${signedHeaders}` };
  }
  const dateName = signedHeaders.toLowerCase().startsWith('date;') ? 'date' : 'x-ms-date';
  const date = header(request, dateName);
  const host = header(request, 'host');
  const hash = header(request, 'x-ms-content-sha256');
  if (date === undefined || host === undefined || hash === undefined) {
    return { ok: false, reason: `a signed header is missing (${dateName}, host, x-ms-content-sha256)` };
  }
  const signedAt = Date.parse(date);
  if (Number.isNaN(signedAt) || Math.abs(now - signedAt) > HMAC_DATE_TOLERANCE_MS) {
    return { ok: false, reason: `${dateName} is not within 15 minutes of the service's time` };
  }
  if (!same(hash, contentHash(request.body)))
    return { ok: false, reason: 'x-ms-content-sha256 is not the body’s hash' };
  const pathAndQuery = `${request.url.pathname}${request.url.search}`;
  const expected = hmacSignature(
    accessKey,
    `${request.method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${hash}`,
  );
  return same(signature, expected) ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}

function header(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
