// Connects a verb to the active profile's clients (built by the core's connect: one HTTP layer trusting
// the profile's CA for its own hosts only, Graph, Dataverse), signed in by an AuthService whose secrets come from the environment (or, with
// LC_AUTH_KIND=user, a device-code sign-in as the user, its prompt on stderr). The CLI keeps msal's
// token cache in memory only: nothing secret is written to disk.
import { AuthService, loadCertificateCredential, secretKey, type Credential, type SecretStore } from '../core/auth';
import { connect as connectClients, type ProfileClients } from '../core/clients';
import { ConfigurationError, type Profile } from '../core/config';
import { msalNetworkClient } from '../core/http';
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

export async function connect(runtime: CliRuntime): Promise<Connection> {
  const profile = requireProfile(runtime);
  let auth: AuthService | undefined;
  const clients = await connectClients(profile, {
    log: runtime.hub.logger('api'),
    tokens: async (http) => {
      const credential = credentialFromEnvironment(runtime, profile);
      if (!credential) {
        throw new ConfigurationError(
          `No credential for profile ${profile.name}: set LC_CLIENT_SECRET (or LC_CERTIFICATE_FILE with LC_AUTH_KIND=certificate).`,
        );
      }
      auth = new AuthService({
        secrets: envSecretStore(runtime, profile),
        log: runtime.hub.logger('auth'),
        networkClientFor: () => msalNetworkClient(http),
        persistTokenCache: false,
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
