// `npm start` hands the editor its sandbox's client secret through the environment, so the newcomer
// lands signed in instead of pasting a secret printed at the end of a sentence (a final period copied
// with it fails as AADSTS7000215). The secret is taken only for a profile of kind "sandbox" whose
// authority is on this machine: a live or test profile, or a workspace pointing the sandbox profile at
// another host, never gets it. Once signed in, it is kept in SecretStorage like any typed secret.
import type { Profile } from '../core/config';
import { toLifeCockpitError } from '../core/errors';
import { isLocalSandboxProfile } from './localSandbox';
import type { EditorServices } from './services';

/** Set by test/e2e/start.mjs for the editor it opens; not one of the CLI's LC_* settings. */
export const HANDED_SANDBOX_SECRET_ENV = 'LC_SANDBOX_CLIENT_SECRET';

/** The handed-over secret, when `profile` may take it: kind sandbox, authority on a loopback host. */
export function handedSandboxSecret(profile: Profile | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const secret = env[HANDED_SANDBOX_SECRET_ENV]?.trim();
  return secret && profile && isLocalSandboxProfile(profile) ? secret : undefined;
}

/** Signed out at start on a sandbox profile that may take the handed-over secret: signs in with it. */
export async function signInWithHandedSecret(
  s: Pick<EditorServices, 'auth' | 'config' | 'session' | 'log'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const profile = s.config.loaded.activeProfile;
  const secret = handedSandboxSecret(profile, env);
  if (!profile || !secret || s.auth.state.kind !== 'signedOut') return;
  try {
    await s.session.signIn(profile, { kind: 'secret', clientSecret: secret });
    s.log.info('signed in to the sandbox with the secret handed over at start', { profile: profile.name });
    await s.session.refresh();
  } catch (error) {
    s.log.warn('the sandbox secret handed over at start did not sign in', {
      profile: profile.name,
      reason: toLifeCockpitError(error).message,
    });
  }
}
