// The workspace a user would have: a folder whose .vscode/settings.json points Life Cockpit at the sandbox.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SANDBOX_PROFILE = 'sandbox';

/**
 * The `lifeCockpit.*` settings for a sandbox ready line (INTERFACES.md §1), in the shape of
 * src/core/config/schema.ts: the only place the suite and `npm start` build them.
 * No secret here: the client secret is typed in at sign-in, as a user would.
 */
export function sandboxSettings(info) {
  return {
    'lifeCockpit.activeProfile': SANDBOX_PROFILE,
    'lifeCockpit.profiles': [
      {
        name: SANDBOX_PROFILE,
        kind: 'sandbox',
        tenantId: info.tenantId,
        clientId: info.clientId,
        authorityHost: `https://${info.knownAuthority}`,
        graphUrl: info.graphUrl,
        dataverseUrl: info.dataverseUrl,
        stripeUrl: info.stripeUrl,
        mailbox: info.mailbox,
        caFile: info.caFile,
      },
    ],
  };
}

/** Writes (or rewrites) `dir/.vscode/settings.json` for the sandbox and returns `dir`. */
export function writeSandboxWorkspace(dir, info, extraSettings = {}) {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  const settings = { ...sandboxSettings(info), ...extraSettings };
  writeFileSync(join(dir, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return dir;
}
