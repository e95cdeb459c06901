// Runs the built `lc` (dist/cli.js) as a child process the way a user's script does: a clean
// environment (no LC_* from the test runner), its own log directory, no terminal on stdin.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testFolder } from '../../builders/testFolders';

export const cliPath = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface LcRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  logDir: string;
}

export interface LcOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Extra node flags, e.g. `--max-old-space-size=48`. */
  nodeArgs?: string[];
  logDir?: string;
  /** Called once the child runs, to signal it or read its stdout as a stream. */
  onSpawn?: (child: ChildProcess) => void;
  /** Leave stdout to onSpawn instead of collecting it. */
  rawStdout?: boolean;
}

export function lcProcess(args: string[], options: LcOptions = {}): Promise<LcRun> {
  if (!fs.existsSync(cliPath)) throw new Error('dist/cli.js is missing: run npm run build');
  const logDir = options.logDir ?? testFolder('lc-cli-logs-');
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
      env: { ...clean, LC_LOG_DIR: logDir, ...options.env },
      cwd: options.cwd ?? os.tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (!options.rawStdout) child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, logDir }));
    options.onSpawn?.(child);
  });
}

/** A directory holding a `.env` with these variables, as a project checkout would. */
export function dirWithDotenv(vars: Record<string, string>): string {
  const dir = testFolder('lc-dotenv-');
  const text = Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  fs.writeFileSync(path.join(dir, '.env'), text + '\n');
  return dir;
}

export function jsonError(run: LcRun): { class: string; code: string; message: string } {
  return (JSON.parse(run.stdout) as { error: { class: string; code: string; message: string } }).error;
}
