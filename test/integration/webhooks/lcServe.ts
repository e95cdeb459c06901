// `lc webhooks serve --json --port 0` as a child process for the webhook integration tests: resolves with
// the ready line of INTERFACES.md §2 once it is printed, and rejects if the process ends before it.
import type { ChildProcess } from 'node:child_process';
import { lcProcess, type LcRun } from '../cli/lcProcess';

export interface ReadyLine {
  ready: boolean;
  url: string;
  routes: { stripe: string; graph: string; flows: string };
}

export interface Serving {
  child: ChildProcess;
  done: Promise<LcRun>;
  ready: ReadyLine;
}

export function lcServe(dir: string, env: Record<string, string>, options: { cwd?: string } = {}): Promise<Serving> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const done = lcProcess(['webhooks', 'serve', '--json', '--port', '0', '--dir', dir], {
      env,
      rawStdout: true,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      onSpawn: (child) => {
        child.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
          const line = stdout.split('\n')[0];
          if (stdout.includes('\n') && line) {
            try {
              const ready = JSON.parse(line) as ReadyLine;
              // With --json a failure is a JSON error document on stdout too: that is no ready line.
              if (ready.ready === true) resolve({ child, done, ready });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          }
        });
      },
    });
    done.then((run) => {
      const ended = { ...run, stdout };
      reject(Object.assign(new Error(`serve ended early (${run.code}): ${run.stderr}${stdout}`), { run: ended }));
    }, reject);
  });
}

/** Polls `check` until it gives a value; no fixed sleeps in the tests themselves. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
