// `npm start` (after `npm run package`): the sandbox, a demo workspace pointing at it, and an editor with
// Life Cockpit connected: it opens on Life Cockpit's views (the workspace holds a `.lifecockpit` folder,
// which activates the extension, and its first run shows its views and offers the walkthrough), with no
// Git prompt, already signed in to the sandbox (its secret handed over in the editor's environment,
// LC_SANDBOX_CLIENT_SECRET, never printed). The user's own VS Code or Cursor when `code`/`cursor` is on PATH (through
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
// The demo workspace lies inside this repository: without this, the editor asks whether to open the
// repository it found in a parent folder.
const workspace = writeSandboxWorkspace(join(lcDir, 'demo-workspace'), sandbox.info, {
  'git.openRepositoryInParentFolders': 'never',
});
mkdirSync(join(workspace, '.lifecockpit', 'templates'), { recursive: true });
// Only a sandbox profile on this machine takes it (src/vscode/getStartedSignIn.ts).
const editorEnv = {
  LC_SANDBOX_CLIENT_SECRET: sandbox.info.clientSecret,
  // SMS through the sandbox's ACS with no setup (src/vscode/channelSecrets.ts).
  LC_SANDBOX_ACS_CONNECTION_STRING: sandbox.info.acsConnectionString,
};
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
say('Life Cockpit signs in to the sandbox by itself; its notification offers a short walkthrough.');
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
  const server = await startCodeServer(dirs, { port, env: editorEnv });
  stops.push(server.stop);
  void server.process.exited.then(() => {
    if (!stopping) say(`code-server stopped; see ${dirs.logFile}`);
    return stopAll(1);
  });
  say(`Life Cockpit is running in code-server: ${server.url}/?folder=${encodeURIComponent(workspace)}`);
}

function openInDesktopEditor(command) {
  // The profile's caFile setting trusts the sandbox's CA for its origins only, in a new editor or one already running.
  // An editor already running opens the window in its own process, without this environment: there
  // Life Cockpit asks for the secret (Sign In), or Start Sandbox in its view starts a sandbox of its own.
  const child = spawn(command, ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, workspace], {
    stdio: 'inherit',
    env: { ...process.env, ...editorEnv },
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
