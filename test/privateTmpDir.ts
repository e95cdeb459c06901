// Root hooks (loaded through a suite's .mocharc.json `require`, before any spec file): the run gets a
// private temp folder. TMPDIR, TEMP and TMP point at it for this process and so for every child it
// spawns, so whatever a test, a helper or the product makes with os.tmpdir() lands inside it. After
// all tests the run fails, naming what was left behind, and the folder is removed either way.
// Other runs share the system temp folder, so only this private one says what this run leaked.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const systemTmp = tmpdir();
const runTmp = mkdtempSync(join(systemTmp, 'lc-test-run-'));
for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = runTmp;

/** What a run left in its private temp folder; empty when it cleaned up after itself. */
export function leftovers(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

// tsx keeps its compile cache in the temp folder (tsx-<uid>): the loader's, not something a test left.
const loaderCache = /^tsx-\d+$/;

function checkLeftEmpty(): void {
  const left = leftovers(runTmp).filter((name) => !loaderCache.test(name));
  rmSync(runTmp, { recursive: true, force: true });
  for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = systemTmp;
  if (left.length > 0) {
    const entries = left.length === 1 ? 'entry' : 'entries';
    throw new Error(`the tests left ${left.length} temporary ${entries} behind: ${left.join(', ')}`);
  }
}

export const mochaHooks = {
  // Root hooks register before the spec files' own root `after` hooks (which clean up too), so the
  // check is appended once every file has loaded: it runs last.
  beforeAll(this: Mocha.Context): void {
    this.test?.parent?.afterAll('nothing left in the temp folder', checkLeftEmpty);
  },
};
