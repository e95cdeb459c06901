// Connects a verb to the active profile's clients (built by the core's connect: one HTTP layer trusting
// the profile's CA for its own hosts only, Graph, Dataverse), signed in by an AuthService whose secret
// comes from the environment first, then the OS keychain (`lc auth login` puts it there), or, with
// LC_AUTH_KIND=user, a device-code sign-in as the user, its prompt on stderr. msal's token cache
// persists in the keychain unless the credential came from the environment (CI, containers: memory
// only); nothing secret is written to a plain file.
import { AuthService, loadCertificateCredential, secretKey, type Credential, type SecretStore } from '../core/auth';
import { connect as connectClients, type ProfileClients } from '../core/clients';
import { ConfigurationError, type Profile } from '../core/config';
import { msalNetworkClient } from '../core/http';
import { Keychain, keychainTokenCache, storedClientSecret } from './keychain';
import type { CliRuntime } from './runtime';

export interface Connection extends ProfileClients {
  auth: AuthService;
}

export function requireProfile(runtime: CliRuntime): Profile {
  const profile = runtime.loaded.activeProfile;
  if (!profile) {
    const problems = runtime.loaded.problems.map((p) => `${p.key} (from ${p.layer}): ${p.message}`).join('; ');
    throw new ConfigurationError(
      `Profile "${runtime.loaded.config.activeProfile}" is not defined. Set LC_TENANT_ID, LC_CLIENT_ID and LC_DATAVERSE_URL (or start \`lc sandbox --json\` and use its "env").${problems ? ' Problems: ' + problems : ''}`,
      runtime.loaded.problems,
    );
  }
  return profile;
}

/** A read-only SecretStore over the environment: the CLI never persists secrets. */
export function envSecretStore(runtime: CliRuntime, profile: Profile): SecretStore {
  return {
    get: async (key) => (key === secretKey(profile.name) ? runtime.secret('clientSecret') : undefined),
    store: async () => undefined,
    delete: async () => undefined,
  };
}

export function credentialFromEnvironment(runtime: CliRuntime, profile: Profile): Credential | undefined {
  if (profile.authKind === 'user') return { kind: 'user' };
  if (profile.authKind === 'certificate' && profile.certificateFile)
    return loadCertificateCredential(profile.certificateFile);
  const clientSecret = runtime.secret('clientSecret');
  return clientSecret ? { kind: 'secret', clientSecret } : undefined;
}

/** Where a verb's credential came from: the environment wins, then the keychain. */
export type CredentialSource = 'environment' | 'keychain' | 'certificate' | 'deviceCode' | 'typed';

export interface ResolvedCredential {
  credential: Credential;
  source: CredentialSource;
}

/** The keychain for one command, its "no keychain" note on stderr. */
export function stderrKeychain(): Keychain {
  return new Keychain({ tell: (text) => process.stderr.write(`lc: ${text}\n`) });
}

export async function resolveCredential(
  runtime: CliRuntime,
  profile: Profile,
  keychain: Keychain,
): Promise<ResolvedCredential | undefined> {
  const fromEnvironment = credentialFromEnvironment(runtime, profile);
  if (fromEnvironment) {
    const source = { user: 'deviceCode', certificate: 'certificate', secret: 'environment' } as const;
    return { credential: fromEnvironment, source: source[fromEnvironment.kind] };
  }
  if (profile.authKind !== 'secret') return undefined;
  const clientSecret = await storedClientSecret(keychain, profile);
  return clientSecret ? { credential: { kind: 'secret', clientSecret }, source: 'keychain' } : undefined;
}

export interface ConnectOptions {
  /** A credential the verb obtained itself (`lc auth login`'s typed secret); default: resolveCredential. */
  credential?: ResolvedCredential;
  keychain?: Keychain;
}

export async function connect(runtime: CliRuntime, options: ConnectOptions = {}): Promise<Connection> {
  const profile = requireProfile(runtime);
  const keychain = options.keychain ?? stderrKeychain();
  const resolved = options.credential ?? (await resolveCredential(runtime, profile, keychain));
  if (!resolved) {
    throw new ConfigurationError(
      `No credential for profile ${profile.name}: run \`lc auth login\` to keep the client secret in the OS keychain, or set LC_CLIENT_SECRET (or LC_CERTIFICATE_FILE with LC_AUTH_KIND=certificate).`,
    );
  }
  const { credential, source } = resolved;
  // Credentials from the environment (CI, containers) keep their tokens in memory and never touch the keychain.
  const tokenCache =
    source === 'environment' || source === 'certificate' ? undefined : await keychainTokenCache(keychain, profile.name);
  let auth: AuthService | undefined;
  const clients = await connectClients(profile, {
    log: runtime.hub.logger('api'),
    tokens: async (http) => {
      auth = new AuthService({
        secrets: envSecretStore(runtime, profile),
        log: runtime.hub.logger('auth'),
        networkClientFor: () => msalNetworkClient(http),
        persistTokenCache: false,
        tokenCachePluginFor: () => tokenCache,
        loadCertificate: loadCertificateCredential,
        onSecret: (secret) => runtime.hub.addSecret(secret),
        // The device-code message goes to stderr: stdout carries --json output only.
        deviceCodePrompt: (message) => process.stderr.write(`${message}\n`),
      });
      await auth.signIn(profile, credential);
      return auth.tokens();
    },
  });
  return { ...clients, auth: auth as AuthService };
}
