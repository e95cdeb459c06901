// The workspace a user would have: a folder whose .vscode/settings.json points Life Cockpit at the sandbox.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxProfileSettings } from './productConfig.mjs';

export const SANDBOX_PROFILE = 'sandbox';

/**
 * The `lifeCockpit.*` settings for a sandbox ready line (INTERFACES.md §1): the profile entry comes from
 * the product's own sandboxProfileSettings (src/core/config), as Start Sandbox builds it.
 * No secret here: the client secret is typed in at sign-in, as a user would.
 */
export function sandboxSettings(info) {
  return {
    'lifeCockpit.activeProfile': SANDBOX_PROFILE,
    'lifeCockpit.profiles': [sandboxProfileSettings(info, SANDBOX_PROFILE)],
  };
}

/** Writes (or rewrites) `dir/.vscode/settings.json` for the sandbox and returns `dir`. */
export function writeSandboxWorkspace(dir, info, extraSettings = {}) {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  const settings = { ...sandboxSettings(info), ...extraSettings };
  writeFileSync(join(dir, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return dir;
}
