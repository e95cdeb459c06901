// The sandbox the extension starts (Start Sandbox): its profile is the extension's own, held by the
// config source in memory and never written to the workspace's settings; the extension's global state
// remembers that it runs, so after a restart it starts again from its saved state and signs in with
// the fresh ready line, instead of a stale port and CA path failing sign-in.
import { sandboxProfile } from '../core/config';
import { toLifeCockpitError } from '../core/errors';
import type { SandboxInfo } from './sandboxLauncher';
import type { EditorServices } from './services';
import { storeSandboxStripeKeys } from './stripeAccess';

/** Signs in to a running sandbox and makes its profile this workspace's, then fills the views. */
export async function useSandbox(s: EditorServices, info: SandboxInfo): Promise<void> {
  const profile = sandboxProfile(info);
  await s.session.signIn(profile, { kind: 'secret', clientSecret: info.clientSecret });
  await storeSandboxStripeKeys(s.context.secrets, profile, info);
  await s.config.useStartedSandbox(profile);
  await s.session.refresh();
}

/**
 * At activation: a sandbox the user started (and did not stop) before the restart starts again from
 * its saved state; otherwise, or when it cannot start, the workspace's active profile is followed.
 */
export async function followStartupProfile(s: EditorServices): Promise<void> {
  if (s.sandbox.wasStarted) {
    try {
      await useSandbox(s, await s.sandbox.start());
      return;
    } catch (error) {
      s.log.warn('the sandbox could not start again', { reason: toLifeCockpitError(error).message });
    }
  }
  await s.session.follow(s.config.loaded.activeProfile);
}
