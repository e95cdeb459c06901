// How the sandbox's load scales: generating and loading the practice into every service for 1,000 and
// for 10,000 clients (200,000 sessions), printed as a ratio. Linear work gives a ratio near 10.
import { startSandbox } from '../src/sandbox';

async function timeStart(clients: number): Promise<number> {
  const started = process.hrtime.bigint();
  const sandbox = await startSandbox({ port: 0, seed: 'bench-load', clients });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await sandbox.stop();
  return ms;
}

async function main(): Promise<void> {
  await timeStart(100); // warm-up: module loading and JIT
  const small = await timeStart(1000);
  const large = await timeStart(10_000);
  console.log(`sandbox start, 1,000 clients:  ${small.toFixed(0)} ms`);
  console.log(`sandbox start, 10,000 clients: ${large.toFixed(0)} ms (200,000 sessions)`);
  console.log(`ratio 10k / 1k: ${(large / small).toFixed(1)} (10 = linear)`);
}

void main();
