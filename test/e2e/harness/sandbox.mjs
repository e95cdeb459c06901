// Starts the sandbox the way users' scripts do (INTERFACES.md §1): `lc sandbox --json --port 0`,
// one JSON ready line on stdout, then it runs until SIGTERM.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { cliPath, repoRoot } from './paths.mjs';
import { parseSandboxReadyLine } from './productConfig.mjs';
import { spawnGroup, stopGroup } from './processes.mjs';

/** @returns {Promise<{ info: object, process: import('node:child_process').ChildProcess, stop(): Promise<void> }>} */
export async function startSandbox({ logFile, timeoutMs = 30_000, extraArgs = [] } = {}) {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "npm run build" (or "npm run package") first`);
  const child = spawnGroup(process.execPath, [cliPath, 'sandbox', '--json', '--port', '0', ...extraArgs], {
    cwd: repoRoot,
    logFile,
    captureStdout: true,
  });
  const stop = () => stopGroup(child);
  try {
    const info = await readReadyLine(child, timeoutMs);
    return { info, process: child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function readReadyLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(
      () => fail(new Error(`the sandbox printed no ready line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (err) => {
      clearTimeout(timer);
      lines.close();
      reject(err);
    };
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(parseSandboxReadyLine(line));
      } catch (err) {
        reject(err);
      }
    });
    child.exited.then(({ code, signal }) =>
      fail(new Error(`the sandbox exited (${code ?? signal}) before it was ready`)),
    );
  });
}
