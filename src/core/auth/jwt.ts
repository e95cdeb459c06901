// Reads (never verifies) the claims of an access token we were just given, to show who the app is
// and which roles it holds. Verifying is the resource's job; Graph tokens are not meant for us.
export interface TokenClaims {
  aud?: string;
  tid?: string;
  appid?: string;
  azp?: string;
  app_displayname?: string;
  oid?: string;
  roles?: string[];
  scp?: string;
  exp?: number;
  iat?: number;
  upn?: string;
  preferred_username?: string;
}

export function readClaims(accessToken: string): TokenClaims {
  const payload = accessToken.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return {}; // opaque (non-JWT) tokens carry no readable claims; callers treat them as unknown
  }
}
