// Builds the core services a verb needs from the terminal's world: configuration from the process
// environment and the current directory's `.env`, secrets from env vars only, logs to files (and to
// stderr with --verbose).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import {
  environmentSecrets,
  loadConfiguration,
  SECRET_ENV,
  type LoadedConfiguration,
  type SecretName,
  type SecretPresence,
} from '../core/config';
import { formatHuman, JsonLinesFileSink, LogHub, type Logger } from '../core/log';
import type { GlobalOptions } from './output';

export interface CliRuntime {
  loaded: LoadedConfiguration;
  hub: LogHub;
  log: Logger;
  secret(name: SecretName): string | undefined;
  secretPresence(): SecretPresence[];
  dispose(): Promise<void>;
}

/** Why a configured file (a CA, a certificate) cannot be read, or undefined when it can. */
function unreadable(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile() ? undefined : 'not a file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : String(code ?? error);
  }
}

export function logDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LC_LOG_DIR) return env.LC_LOG_DIR;
  const state = env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'life-cockpit', 'logs');
}

export function createCliRuntime(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): CliRuntime {
  const dotenvPath = path.join(cwd, '.env');
  const dotenvText = fs.existsSync(dotenvPath) ? fs.readFileSync(dotenvPath, 'utf8') : undefined;
  const dotenvVars = dotenvText ? parseDotenv(dotenvText) : {};
  const loaded = loadConfiguration({ env, dotenvText, commandLineProfile: options.profile, checkFile: unreadable });
  const hub = new LogHub({ level: options.verbose ? 'debug' : loaded.config.log.level });
  if (options.verbose) hub.addSink({ write: (r) => process.stderr.write(`${r.level.padEnd(5)} ${formatHuman(r)}\n`) });
  try {
    const dir = logDirectory(env);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const rotation = {
      maxSizeBytes: loaded.config.log.fileMaxSizeMb * 1024 * 1024,
      maxFiles: loaded.config.log.fileMaxFiles,
    };
    hub.addSink(new JsonLinesFileSink({ directory: dir, fileName: 'lc.jsonl', ...rotation }));
    hub.addSink(new JsonLinesFileSink({ directory: dir, fileName: 'audit.jsonl', ...rotation, categories: ['audit'] }));
  } catch (error) {
    process.stderr.write(`lc: cannot write logs: ${String(error)}\n`);
  }
  // Secrets come from the environment, or the workspace's git-ignored .env, never from settings.
  const secret = environmentSecrets(env, dotenvVars);
  for (const name of Object.keys(SECRET_ENV) as SecretName[]) hub.addSecret(secret(name));
  return {
    loaded,
    hub,
    log: hub.logger('cli'),
    secret,
    secretPresence: () =>
      (Object.keys(SECRET_ENV) as SecretName[]).map((name) => ({
        name,
        store: SECRET_ENV[name],
        isSet: secret(name) !== undefined,
      })),
    dispose: () => hub.dispose(),
  };
}
