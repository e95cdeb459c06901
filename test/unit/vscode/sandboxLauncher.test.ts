// When the sandbox fails to start, "Show Log" must say why: the launcher logs the sandbox's stderr where the
// Output channel shows it at its default level, redacted (secrets masked) rather than blanked.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatHuman, LEVEL_ORDER, LogHub, type LogRecord } from '../../../src/core/log';

type Launcher = typeof import('../../../src/vscode/sandboxLauncher');

/**
 * The launcher sets a context key through the vscode API, which exists only inside the editor: while this
 * file loads it, `vscode` resolves to a stand-in whose commands do nothing.
 */
function loadLauncherWithoutTheEditor(): Launcher {
  const internals = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = internals._resolveFilename;
  const standIn = path.join(__dirname, 'vscode-stand-in.js');
  require.cache[standIn] = {
    id: standIn,
    filename: standIn,
    loaded: true,
    exports: { commands: { executeCommand: async () => undefined } },
  } as unknown as NodeJS.Module;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? standIn : resolve.call(this, request, ...rest);
  };
  try {
    return Module.createRequire(__filename)('../../../src/vscode/sandboxLauncher') as Launcher;
  } finally {
    internals._resolveFilename = resolve;
  }
}

const CANARY_SECRET = 'canaryLauncherSecret~42';

/** An extension folder whose dist/cli.js fails the way a sandbox that cannot start does. */
function extensionWhoseSandboxFails(root: string, stderr: string): string {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'dist', 'cli.js'),
    `process.stderr.write(${JSON.stringify(stderr)}, () => process.exit(1));\n`,
  );
  return root;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SandboxLauncher', () => {
  let dir: string;
  let SandboxLauncher: Launcher['SandboxLauncher'];
  before(() => {
    ({ SandboxLauncher } = loadLauncherWithoutTheEditor());
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-launcher-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs why the sandbox could not start, readable at the Output channel’s default level and redacted', async () => {
    const hub = new LogHub({ level: 'trace' });
    const records: LogRecord[] = [];
    hub.addSink({ write: (r) => void records.push(r) });
    const extension = extensionWhoseSandboxFails(
      path.join(dir, 'extension'),
      `lc: The sandbox could not listen on 127.0.0.1:4443: EADDRINUSE (client_secret=${CANARY_SECRET})\n`,
    );
    const globalState = new Map<string, unknown>();
    const memento = {
      keys: () => [...globalState.keys()],
      get: (key: string) => globalState.get(key),
      update: async (key: string, value: unknown) => void globalState.set(key, value),
    } as unknown as ConstructorParameters<Launcher['SandboxLauncher']>[3];
    const launcher = new SandboxLauncher(extension, path.join(dir, 'sandbox.json'), hub.logger('sandbox'), memento);

    await assert.rejects(launcher.start(), (error: Error & { code?: string }) => error.code === 'sandbox.exited');
    // What the Output channel shows at its default level (info and above).
    const shown = () => records.filter((r) => LEVEL_ORDER[r.level] >= LEVEL_ORDER.info).map(formatHuman);
    await waitFor(() => shown().some((line) => line.includes('EADDRINUSE')), 'the start-up error in the log');
    const line = shown().join('\n');
    assert.match(line, /could not listen on 127\.0\.0\.1:4443: EADDRINUSE/);
    assert.ok(!line.includes(CANARY_SECRET), `the secret is masked: ${line}`);
    launcher.dispose();
  });
});
