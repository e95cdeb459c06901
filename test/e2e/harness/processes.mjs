// Child processes the suite owns: each runs in its own process group so stopping it stops its children
// (code-server's extension host, Chromium's renderers), and every wait is bounded.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

/** Polls `check` until it returns a truthy value; throws `what` after `timeoutMs`. Never a fixed sleep. */
export async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const cause = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

/** Asks the OS for a free port on 127.0.0.1 (for servers that cannot be told port 0 and report it back). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `command` in its own process group, its stdout and stderr teed to `logFile`. */
export function spawnGroup(command, args, { logFile, env, cwd, captureStdout = false } = {}) {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  if (!captureStdout) child.stdout.on('data', (d) => log?.write(d));
  child.stderr.on('data', (d) => log?.write(d));
  child.once('exit', () => log?.end());
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/**
 * SIGTERM to the whole group, SIGKILL if it is not gone within `graceMs`. Safe to call twice. Waits for the
 * group, not only its leader: a process the leader started (the extension's own sandbox, saving its state on
 * SIGTERM) can outlive it and still write into the folders the caller removes next.
 */
export async function stopGroup(child, { graceMs = 5_000 } = {}) {
  if (!child || !groupAlive(child)) return;
  signalGroup(child, 'SIGTERM');
  if (await groupGone(child, graceMs)) return;
  signalGroup(child, 'SIGKILL');
  await groupGone(child, graceMs);
}

function groupAlive(child) {
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function groupGone(child, timeoutMs) {
  try {
    await waitFor(`process group ${child.pid} to exit`, () => !groupAlive(child), { timeoutMs, intervalMs: 50 });
    return true;
  } catch {
    return false;
  }
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone, which is what we wanted.
    if (err.code !== 'ESRCH') throw err;
  }
}
