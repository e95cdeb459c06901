// Reads (never verifies) the claims of an access token we were just given, to show who the app is
// and which roles it holds. Verifying is the resource's job; Graph tokens are not meant for us. The
// claims come from a server, so each is checked (zod) and a claim of the wrong type is dropped.
import { z } from 'zod';

/** A claim of the expected type, or undefined (absent or of another type). */
const claim = <T extends z.ZodType>(type: T) => type.optional().catch(undefined);

export const tokenClaimsSchema = z.object({
  aud: claim(z.string()),
  tid: claim(z.string()),
  appid: claim(z.string()),
  azp: claim(z.string()),
  app_displayname: claim(z.string()),
  oid: claim(z.string()),
  roles: claim(z.array(z.string())),
  scp: claim(z.string()),
  exp: claim(z.number()),
  iat: claim(z.number()),
  upn: claim(z.string()),
  preferred_username: claim(z.string()),
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

export function readClaims(accessToken: string): TokenClaims {
  const payload = accessToken.split('.')[1];
  if (!payload) return {};
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return {}; // opaque (non-JWT) tokens carry no readable claims; callers treat them as unknown
  }
  const parsed = tokenClaimsSchema.safeParse(json);
  if (!parsed.success) return {};
  // Leave out the claims that were absent (or dropped), so callers see only what the token holds.
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as TokenClaims;
}
