// Starts the built-in sandbox as a child process (`lc sandbox --json`), outside the extension host so
// it never slows the editor, reads its one-line ready JSON (../shared/INTERFACES.md §1), and stops it
// when asked or when the extension deactivates. Its state is saved in the extension's global storage,
// and the extension's global state remembers that the user started it, so that after a restart it is
// started again from that state (wasStarted) instead of leaving a stale profile behind.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { parseSandboxReadyLine, type SandboxReadyLine } from '../core/config';
import { ExternalServiceError } from '../core/errors';
import type { Logger } from '../core/log';

/** The fields of the ready line the editor uses: where the sandbox stands, and the app's secret. */
export type SandboxInfo = SandboxReadyLine;

/** How the editor runs its bundled `lc` (the sandbox, the MCP server): the extension host's own executable as Node. */
export interface BundledCliLaunch {
  command: string;
  args: string[];
  /** Added to the child's environment. */
  env: { ELECTRON_RUN_AS_NODE: '1' };
}

export function bundledCli(extensionPath: string, args: readonly string[]): BundledCliLaunch {
  // In VS Code the extension host runs on Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.
  return {
    command: process.execPath,
    args: [path.join(extensionPath, 'dist', 'cli.js'), ...args],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}

/** Set in the extension's global state while the user wants the sandbox running (Start until Stop). */
const STARTED_KEY = 'lifeCockpit.sandboxStarted';

export class SandboxLauncher {
  private child: ChildProcess | undefined;
  private info: SandboxInfo | undefined;
  private readonly listeners = new Set<(running: boolean) => void>();

  constructor(
    private readonly extensionPath: string,
    private readonly dataFile: string,
    private readonly log: Logger,
    private readonly globalState: vscode.Memento,
  ) {}

  /** Whether the user started the sandbox and has not stopped it (it is started again after a restart). */
  get wasStarted(): boolean {
    return this.globalState.get<boolean>(STARTED_KEY) === true;
  }

  get running(): SandboxInfo | undefined {
    return this.info;
  }

  onDidChange(listener: (running: boolean) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  async start(): Promise<SandboxInfo> {
    if (this.info) return this.info;
    const cli = bundledCli(this.extensionPath, ['sandbox', '--json', '--port', '0', '--data', this.dataFile]);
    const child = spawn(cli.command, cli.args, {
      env: { ...process.env, ...cli.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // The sandbox writes to stderr only when something is wrong (why it could not start): shown at the Output
    // channel's default level, under a field that redaction masks secrets in rather than blanking (`text` is a body).
    child.stderr?.on('data', (chunk: Buffer) =>
      this.log.warn('sandbox stderr', { stderr: chunk.toString('utf8').slice(0, 2000) }),
    );
    const info = await new Promise<SandboxInfo>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.once('line', (line) => {
        try {
          resolve(parseSandboxReadyLine(line));
        } catch (error) {
          reject(error);
        }
      });
      child.once('error', (error) =>
        reject(
          new ExternalServiceError(`The sandbox could not start: ${error.message}`, {
            code: 'sandbox.spawn',
            cause: error,
          }),
        ),
      );
      child.once('exit', (code) =>
        reject(
          new ExternalServiceError(`The sandbox exited (code ${code}) before it was ready. See the log.`, {
            code: 'sandbox.exited',
          }),
        ),
      );
    });
    child.once('exit', (code) => {
      this.log.info('sandbox stopped', { code });
      this.child = undefined;
      this.info = undefined;
      this.emit(false);
    });
    this.info = info;
    await this.globalState.update(STARTED_KEY, true);
    this.log.info('sandbox started', { dataverseUrl: info.dataverseUrl, graphUrl: info.graphUrl });
    this.emit(true);
    return info;
  }

  /** Stops the sandbox for good: it is not started again after a restart. */
  async stop(): Promise<void> {
    await this.globalState.update(STARTED_KEY, undefined);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  dispose(): void {
    this.child?.kill('SIGTERM');
  }

  private emit(running: boolean): void {
    void vscode.commands.executeCommand('setContext', 'lifeCockpit.sandboxRunning', running);
    for (const listener of this.listeners) listener(running);
  }
}
