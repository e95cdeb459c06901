// The CLI's secrets in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service
// on Linux) through @napi-rs/keyring, under the service "life-cockpit" and an account per profile and
// secret ("<profile>/clientSecret"). msal's token cache persists through @azure/msal-node-extensions
// (account "<profile>/tokenCache"; a file next to it holds only "{}" and a lock, except on Windows,
// where the file itself is the cache, DPAPI-encrypted). Where no keychain answers (a headless Linux
// without Secret Service) the CLI says so once and uses the environment: nothing secret is ever
// written to a plain file. A stored client secret is bound to the target it was entered for, so a
// workspace's .env that moves the profile to another host cannot make the CLI send it there.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ICachePlugin } from '@azure/msal-node';
import { z } from 'zod';
import { sameSecretTarget, secretTargetOf, secretTargetSchema, type SecretTarget } from '../core/auth';
import type { Profile } from '../core/config';
import { PolicyError, ValidationError } from '../core/errors';

export const KEYCHAIN_SERVICE = 'life-cockpit';

export function clientSecretAccount(profile: string): string {
  return `${profile}/clientSecret`;
}

export function tokenCacheAccount(profile: string): string {
  return `${profile}/tokenCache`;
}

/** The keychain calls the CLI makes; @napi-rs/keyring in the product, a fake in unit tests. */
export interface KeychainBackend {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/**
 * Loaded on first use, not at start: the CLI bundled in the .vsix runs without node_modules (it only
 * starts the sandbox there). On Linux only the Secret Service will do: @napi-rs/keyring would
 * otherwise fall back to the kernel keyring, which forgets everything at logout.
 */
async function napiKeyring(): Promise<KeychainBackend> {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  const entry = (account: string) => new AsyncEntry(KEYCHAIN_SERVICE, account, { linux: { store: 'secret-service' } });
  return {
    get: (account) => entry(account).getPassword(),
    set: (account, value) => entry(account).setPassword(value),
    delete: (account) => entry(account).deleteCredential(),
  };
}

export interface KeychainOptions {
  /** Where the one "no keychain" note goes (the CLI: stderr). */
  tell: (text: string) => void;
  backend?: () => Promise<KeychainBackend>;
}

/** One command's view of the keychain: a failure to reach it is said once, then the keychain is skipped. */
export class Keychain {
  private backend: Promise<KeychainBackend> | undefined;
  private unavailableBecause: string | undefined;

  constructor(private readonly options: KeychainOptions) {}

  /** False once the keychain failed to answer in this command. */
  get available(): boolean {
    return this.unavailableBecause === undefined;
  }

  async read(account: string): Promise<string | undefined> {
    const value = await this.attempt((backend) => backend.get(account));
    return value ?? undefined;
  }

  /** Stores `value`; with no keychain, fails (the CLI never falls back to a file). */
  async write(account: string, value: string): Promise<void> {
    const done = await this.attempt(async (backend) => {
      await backend.set(account, value);
      return true;
    });
    if (!done) throw this.unavailableError();
  }

  /** True when an entry was removed; undefined with no keychain. */
  async remove(account: string): Promise<boolean | undefined> {
    return this.attempt((backend) => backend.delete(account));
  }

  /** Records that the keychain cannot be used, and says so the first time. */
  markUnavailable(error: unknown): void {
    if (this.unavailableBecause !== undefined) return;
    this.unavailableBecause = error instanceof Error ? error.message : String(error);
    this.options.tell(
      `No OS keychain is available (${this.unavailableBecause}). Secrets come from the environment only ` +
        '(LC_CLIENT_SECRET), and tokens stay in memory for this command.',
    );
  }

  unavailableError(): ValidationError {
    return new ValidationError(
      'The secret was not kept: this machine has no OS keychain lc can reach (on Linux: a Secret Service such ' +
        'as gnome-keyring in the D-Bus session), and lc never writes secrets to a plain file. ' +
        'Set LC_CLIENT_SECRET in the environment instead (CI, containers).',
      { code: 'keychain.unavailable' },
    );
  }

  private async attempt<T>(call: (backend: KeychainBackend) => Promise<T>): Promise<T | undefined> {
    if (!this.available) return undefined;
    try {
      this.backend ??= (this.options.backend ?? napiKeyring)();
      return await call(await this.backend);
    } catch (error) {
      this.markUnavailable(error);
      return undefined;
    }
  }
}

/** The secret with what it was entered for (the editor's SecretStorage binds its secrets the same way). */
const storedSecretSchema = z.object({ secret: z.string().min(1), target: secretTargetSchema });

function describeTarget(target: SecretTarget): string {
  return `${target.authorityHost} (tenant ${target.tenantId}, app ${target.clientId}${target.extraCa ? ', trusting an extra CA' : ''})`;
}

export async function storeClientSecret(keychain: Keychain, profile: Profile, secret: string): Promise<void> {
  await keychain.write(
    clientSecretAccount(profile.name),
    JSON.stringify({ secret, target: secretTargetOf(profile) } satisfies z.infer<typeof storedSecretSchema>),
  );
}

/**
 * The profile's client secret from the keychain, if one is kept there; refuses it (a policy error)
 * when the profile now points elsewhere than where it was entered for.
 */
export async function storedClientSecret(keychain: Keychain, profile: Profile): Promise<string | undefined> {
  const text = await keychain.read(clientSecretAccount(profile.name));
  if (text === undefined) return undefined;
  const parsed = storedSecretSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new ValidationError(
      `The keychain entry ${KEYCHAIN_SERVICE} / ${clientSecretAccount(profile.name)} was not written by lc. ` +
        'Run `lc auth logout` to remove it, then `lc auth login`.',
      { code: 'keychain.unreadable' },
    );
  }
  const current = secretTargetOf(profile);
  if (!sameSecretTarget(parsed.data.target, current)) {
    throw new PolicyError(
      `The client secret kept in the keychain for profile ${profile.name} was entered for ` +
        `${describeTarget(parsed.data.target)}; the profile now points at ${describeTarget(current)} ` +
        '(from the environment, a .env file or settings). It is not sent there. If the change is yours, ' +
        'run `lc auth login` to enter the secret for the new target.',
      { code: 'auth.secretTargetChanged' },
    );
  }
  return parsed.data.secret;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Next to the log directory: ~/.local/state/life-cockpit/msal (or $XDG_STATE_HOME's). */
export function tokenCacheFile(profile: string, env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'life-cockpit', 'msal', `${encodeURIComponent(profile)}.cache`);
}

/**
 * msal's cache plugin persisting through @azure/msal-node-extensions, encrypted by the OS (its
 * cross-process lock keeps two `lc` commands from losing each other's tokens); undefined with no
 * keychain. `usePlaintextFileOnLinux: false`: without a Secret Service it fails instead of writing
 * tokens to a plain file.
 */
export async function keychainTokenCache(
  keychain: Keychain,
  profile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ICachePlugin | undefined> {
  if (!keychain.available) return undefined;
  try {
    const cachePath = tokenCacheFile(profile, env);
    fs.mkdirSync(path.dirname(cachePath), { recursive: true, mode: 0o700 });
    const { PersistenceCreator, PersistenceCachePlugin } = await import('@azure/msal-node-extensions');
    const persistence = await PersistenceCreator.createPersistence({
      cachePath,
      serviceName: KEYCHAIN_SERVICE,
      accountName: tokenCacheAccount(profile),
      usePlaintextFileOnLinux: false,
    });
    return new PersistenceCachePlugin(persistence);
  } catch (error) {
    keychain.markUnavailable(error);
    return undefined;
  }
}

/** Removes the profile's client secret and token cache; undefined fields: no keychain to ask. */
export async function forgetProfile(
  keychain: Keychain,
  profile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ clientSecret?: boolean; tokenCache?: boolean }> {
  const clientSecret = await keychain.remove(clientSecretAccount(profile));
  const cacheEntry = await keychain.remove(tokenCacheAccount(profile));
  const file = tokenCacheFile(profile, env);
  // On Windows the file is the (DPAPI-encrypted) cache; elsewhere it holds "{}" and the lock.
  const hadFile = fs.existsSync(file);
  for (const leftover of [file, `${file}.lockfile`]) fs.rmSync(leftover, { force: true });
  return {
    clientSecret,
    tokenCache: cacheEntry === undefined && !hadFile ? undefined : cacheEntry === true || hadFile,
  };
}
