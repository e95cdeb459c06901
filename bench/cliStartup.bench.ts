// How long `lc --version` takes to start and exit, against `node -e 0` in the same run: the least any
// Node command can take on this machine. Both are spawned as a user's shell spawns them (a fresh process,
// stdout read to the end); each side warms up (the file system cache, the code cache), then the sides run
// interleaved, and medians are compared. The target is a ratio, so a loaded machine slows both sides alike.
// Measures the CLI as built in dist/ (`npm run bench` builds it; `npm run package` builds the minified one).
// Nothing fails on timing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './stats';

const WARM_UP = 5;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS_CLI ?? 41));
const TARGET_RATIO = 1.5;
const cli = path.resolve(__dirname, '..', 'dist', 'cli.js');

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Spawns node with `args`, waits for it to exit, and returns the wall time; a failed run stops the bench. */
function timedRun(args: readonly string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return elapsed;
}

/** What Node reads before `lc --version` answers: the entry alone (the verbs wait in dist/lc/). */
function entrySize(): string {
  return `${path.relative(process.cwd(), cli)}: ${(fs.statSync(cli).size / 1024).toFixed(0)} kB`;
}

function main(): void {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run node esbuild.mjs first`);
  const lcVersion = [cli, '--version'];
  const bareNode = ['-e', '0'];
  for (let i = 0; i < WARM_UP; i++) {
    timedRun(lcVersion);
    timedRun(bareNode);
  }
  const lcMs: number[] = [];
  const nodeMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so neither always follows the other's exit.
    if (round % 2 === 0) {
      lcMs.push(timedRun(lcVersion));
      nodeMs.push(timedRun(bareNode));
    } else {
      nodeMs.push(timedRun(bareNode));
      lcMs.push(timedRun(lcVersion));
    }
  }
  const lcMedian = median(lcMs);
  const nodeMedian = median(nodeMs);
  const ratio = lcMedian / nodeMedian;
  const holds = ratio < TARGET_RATIO;
  console.log(
    `lc --version against node -e 0 (${process.version}); ${ROUNDS} rounds after ${WARM_UP} warm-up runs, interleaved`,
  );
  console.log(`    loaded at start : ${entrySize()}`);
  console.log(`    node -e 0       : median ${nodeMedian.toFixed(1)} ms (p95 ${percentile(nodeMs, 95).toFixed(1)})`);
  console.log(`    lc --version    : median ${lcMedian.toFixed(1)} ms (p95 ${percentile(lcMs, 95).toFixed(1)})`);
  console.log(
    `    lc/node         : ${ratio.toFixed(2)}×   (target < ${TARGET_RATIO}×: ${holds ? 'holds' : 'MISSED'})`,
  );
  console.log(`targets: ${holds ? 1 : 0} of 1 hold${holds ? '' : '; missed: lc --version start-up'}`);
}

main();
