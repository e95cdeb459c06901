// What the in-editor scenarios share: the sandbox's ready line, the extension, bounded waits and the
// output channel's log file (the same file the code-server suite reads).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'lifecockpit.life-cockpit';

/** The fields of the sandbox's ready line (INTERFACES.md §1) these scenarios use. */
export interface SandboxInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  stripeSecretKey: string;
}

export function sandbox(): SandboxInfo {
  return JSON.parse(process.env.LC_E2E_SANDBOX ?? '{}') as SandboxInfo;
}

export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}

/** Polls `check` until it returns a truthy value, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | false | Promise<T | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The text of a LogOutputChannel's log files ("<name>.log" or "<n>-<name>.log") under the editor's logs. */
export function readOutputChannel(name: string): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name === `${name}.log` || (/^\d+-/.test(entry.name) && entry.name.endsWith(`-${name}.log`))) {
        found.push(file);
      }
    }
  };
  walk(process.env.LC_E2E_LOGS ?? '');
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('');
}
