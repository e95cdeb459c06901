// code-server: VS Code's own workbench and Node extension host, served on 127.0.0.1 under Node 24.
// Each run gets throw-away user-data, extensions and config folders so nothing leaks between runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerEntry, node24 } from './paths.mjs';
import { freePort, spawnGroup, stopGroup, waitFor } from './processes.mjs';

// Quiet the workbench so tests see only what Life Cockpit shows: no welcome page, tips or update prompts.
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** The throw-away folders of one editor: `root` holds them all. */
export function editorDirs(root) {
  const dirs = {
    root,
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    configFile: join(root, 'code-server.yaml'),
    logFile: join(root, 'code-server.log'),
  };
  mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
  mkdirSync(dirs.extensionsDir, { recursive: true });
  writeFileSync(dirs.configFile, '');
  writeFileSync(join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  return dirs;
}

function baseArgs(dirs) {
  return [
    codeServerEntry,
    '--config',
    dirs.configFile,
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
  ];
}

/** Installs a .vsix the supported way (a folder copied into the extensions dir is not picked up). */
export function installExtension(dirs, vsix) {
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run "npm run package" first`);
  const out = execFileSync(node24, [...baseArgs(dirs), '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  if (!/successfully installed/i.test(out)) throw new Error(`code-server did not install ${vsix}: ${out}`);
}

/**
 * Starts code-server on a free port and waits until it answers HTTP.
 * `env` adds variables for it and its extension host.
 */
export async function startCodeServer(dirs, { env = {}, port, timeoutMs = 60_000 } = {}) {
  const chosenPort = port ?? (await freePort());
  const args = [
    ...baseArgs(dirs),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${chosenPort}`,
    '--disable-workspace-trust',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
  ];
  const child = spawnGroup(node24, args, { env: cleanEnv(env), logFile: dirs.logFile });
  const url = `http://127.0.0.1:${chosenPort}`;
  const stop = () => stopGroup(child);
  try {
    await waitFor(
      `code-server to answer on ${url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${dirs.logFile}`);
        const res = await fetch(`${url}/healthz`);
        return res.ok;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port: chosenPort, process: child, stop };
}

/** The environment for code-server: ours, less anything tying it to an editor we may be running inside. */
function cleanEnv(extra) {
  const env = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return env;
}
