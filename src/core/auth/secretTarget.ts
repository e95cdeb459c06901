// What a stored client secret was entered for: the authority host it is posted to, the tenant and the
// app, and whether an extra CA was trusted then. A workspace or `.env` can change any of these under the
// stored secret; the secret is then not sent anywhere until the user confirms the new target.
import { z } from 'zod';
import type { Profile } from '../config';

export const secretTargetSchema = z.object({
  authorityHost: z.string(),
  tenantId: z.string(),
  clientId: z.string(),
  /** The profile trusted an extra CA (only a sandbox profile may, for its own loopback origins). */
  extraCa: z.boolean(),
});
export type SecretTarget = z.infer<typeof secretTargetSchema>;

export interface SecretTargetChange {
  profile: string;
  /** What the secret was entered for; undefined when it was stored before targets were recorded. */
  previous: SecretTarget | undefined;
  next: SecretTarget;
}

export function secretTargetKey(profile: string): string {
  return `lifeCockpit/${profile}/clientSecretTarget`;
}

export function secretTargetOf(profile: Profile): SecretTarget {
  return {
    authorityHost: new URL(profile.authorityHost).origin,
    tenantId: (profile.tenantId ?? '').toLowerCase(),
    clientId: (profile.clientId ?? '').toLowerCase(),
    extraCa: profile.kind === 'sandbox' && profile.caFile !== undefined,
  };
}

/** Reads a stored target; anything unreadable counts as unknown (so the user is asked). */
export function parseSecretTarget(text: string | undefined): SecretTarget | undefined {
  if (!text) return undefined;
  try {
    const parsed = secretTargetSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not JSON: treat as never recorded
  }
}

export function sameSecretTarget(a: SecretTarget | undefined, b: SecretTarget): boolean {
  return (
    a !== undefined &&
    a.authorityHost === b.authorityHost &&
    a.tenantId === b.tenantId &&
    a.clientId === b.clientId &&
    a.extraCa === b.extraCa
  );
}

/** The question the user answers before the secret goes to a new target, old and new host named. */
export function describeSecretTargetChange(change: SecretTargetChange): { message: string; detail: string } {
  const { previous, next } = change;
  const message = previous
    ? previous.authorityHost === next.authorityHost
      ? `Profile "${change.profile}" now signs in to a different ${previous.tenantId !== next.tenantId ? 'tenant' : 'app'} at ${next.authorityHost}. Send its stored client secret there?`
      : `Profile "${change.profile}" now signs in at ${next.authorityHost} instead of ${previous.authorityHost}. Send its stored client secret to ${next.authorityHost}?`
    : `Profile "${change.profile}" signs in at ${next.authorityHost}, and its stored client secret does not record where it was entered for. Send it to ${next.authorityHost}?`;
  const lines: string[] = [];
  const row = (label: string, before: string | undefined, after: string): void => {
    if (before === after) lines.push(`${label}: ${after}`);
    else lines.push(`${label}: ${after} (was ${before ?? 'not recorded'})`);
  };
  row('Authority host', previous?.authorityHost, next.authorityHost);
  row('Tenant', previous?.tenantId, next.tenantId);
  row('App (client id)', previous?.clientId, next.clientId);
  if (next.extraCa !== (previous?.extraCa ?? false)) lines.push('The profile now trusts an extra CA certificate.');
  lines.push(
    'Workspace settings or a .env file can change these. Send the secret only if you made this change; otherwise the profile stays signed out.',
  );
  return { message, detail: lines.join('\n') };
}
