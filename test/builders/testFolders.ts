// Temporary folders for tests and their helpers: each is removed after the run's last test, so a
// helper can hand one back (a log folder a test reads afterwards) without leaving it behind.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

// Loaded from a spec file's imports, so this lands on the root suite: it runs once, after all tests.
if (typeof after === 'function') after('remove the temporary folders of the tests', removeTestFolders);

/** A fresh folder under the temp directory, removed after all tests . */
export function testFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.add(folder);
  return folder;
}

export function removeTestFolders(): void {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
  made.clear();
}
