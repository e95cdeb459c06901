// `npm start` (after `npm run package`): the sandbox, a demo workspace pointing at it, and an editor with
// Life Cockpit connected. The user's own VS Code or Cursor when `code`/`cursor` is on PATH (through
// --extensionDevelopmentPath), otherwise code-server on 127.0.0.1, opened in a browser. Runs until Ctrl-C.
// LC_START_HOST=code-server|code|cursor picks the editor; LC_START_PORT fixes code-server's port.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { editorDirs, installExtension, startCodeServer } from './harness/codeServer.mjs';
import { repoRoot, vsixPath } from './harness/paths.mjs';
import { startSandbox } from './harness/sandbox.mjs';
import { writeSandboxWorkspace } from './harness/workspace.mjs';

const lcDir = join(repoRoot, '.lc');
const say = (msg) => process.stdout.write(`${msg}\n`);

const host = process.env.LC_START_HOST ?? ['code', 'cursor'].find(onPath) ?? 'code-server';
mkdirSync(lcDir, { recursive: true });
const sandbox = await startSandbox({ logFile: join(lcDir, 'sandbox.log') });
const workspace = writeSandboxWorkspace(join(lcDir, 'demo-workspace'), sandbox.info);
const stops = [sandbox.stop];
let stopping = false;
const stopAll = async (code) => {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) await stop();
  process.exit(code);
};
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
void sandbox.process.exited.then(() => {
  if (!stopping) say('the sandbox stopped; see .lc/sandbox.log');
  return stopAll(1);
});

try {
  if (host === 'code-server') await openInCodeServer();
  else openInDesktopEditor(host);
} catch (err) {
  process.stderr.write(`npm start: ${err.message}\n`);
  await stopAll(1);
}
say(`Sign in with the sandbox's client secret: ${sandbox.info.clientSecret}`);
say('Press Ctrl-C to stop.');

async function openInCodeServer() {
  const { setup } = await import('./setup.mjs');
  setup({ browser: false });
  const root = join(lcDir, 'code-server');
  // A fresh editor each run: the sandbox's ids and secrets are new each run too.
  rmSync(root, { recursive: true, force: true });
  const dirs = editorDirs(root);
  installExtension(dirs, vsixPath);
  const port = process.env.LC_START_PORT ? Number(process.env.LC_START_PORT) : undefined;
  // The extension trusts the sandbox's CA through the profile's caFile, for the sandbox's origins only.
  const server = await startCodeServer(dirs, { port });
  stops.push(server.stop);
  void server.process.exited.then(() => {
    if (!stopping) say(`code-server stopped; see ${dirs.logFile}`);
    return stopAll(1);
  });
  say(`Life Cockpit is running in code-server: ${server.url}/?folder=${encodeURIComponent(workspace)}`);
}

function openInDesktopEditor(command) {
  // The profile's caFile setting trusts the sandbox's CA for its origins only, in a new editor or one already running.
  const child = spawn(command, ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, workspace], {
    stdio: 'inherit',
  });
  child.once('error', (err) => {
    process.stderr.write(`could not start ${command}: ${err.message}\n`);
    void stopAll(1);
  });
  say(`Opened ${workspace} in ${command} with Life Cockpit from ${repoRoot}; the sandbox runs until Ctrl-C.`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
