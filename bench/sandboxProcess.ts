// Runs the sandbox in its own process (`lc sandbox --json`), so a benchmark's memory numbers are the
// client's alone, not the sandbox's rows and pages.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import * as readline from 'node:readline';
import type { SandboxReadyInfo } from '../src/sandbox';

export interface SandboxProcess {
  info: SandboxReadyInfo;
  tokenRequestCount(): Promise<number>;
  /** What GET /_sandbox/inspect answers: every service's state (Graph's mailboxes and submission timeline). */
  inspect(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startSandboxProcess(args: string[]): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--json', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const info = await new Promise<SandboxReadyInfo>((resolve, reject) => {
    readline
      .createInterface({ input: child.stdout })
      .once('line', (line) => resolve(JSON.parse(line) as SandboxReadyInfo));
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code} before its ready line`)));
  });
  const ca = readFileSync(info.caFile);
  const inspect = () =>
    new Promise<Record<string, unknown> & { tokenRequests: number }>((resolve, reject) => {
      const req = request(`${info.env.LC_SANDBOX_URL}/_sandbox/inspect`, { ca }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown> & { tokenRequests: number }));
      });
      req.on('error', reject);
      req.end();
    });
  return {
    info,
    tokenRequestCount: async () => (await inspect()).tokenRequests,
    inspect,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
