// Runs every benchmark in bench/ (files named *.bench.ts or *.bench.mjs) one after another in its own
// Node process (TypeScript through tsx), so one benchmark's heap does not skew the next one's numbers.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((name) => /\.bench\.(ts|mjs)$/.test(name))
  .sort();
let failed = 0;
for (const name of files) {
  console.log(`\n== ${name}`);
  const args = ['--expose-gc', ...(name.endsWith('.ts') ? ['--import', 'tsx'] : []), path.join(here, name)];
  const run = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: path.resolve(here, '..') });
  if (run.status !== 0) {
    failed++;
    console.log(`   ${name} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
