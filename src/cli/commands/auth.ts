// `lc auth login | logout | status | test`. `login` tests the client secret (typed on a terminal or
// piped with --secret-stdin, never in argv) and keeps it in the OS keychain, keyed by profile; a
// device-code sign-in keeps its token cache there. The environment (or .env) still wins, for CI and
// containers. `logout` removes what login kept.
import { Command } from 'commander';
import type { AuthState } from '../../core/auth';
import { renderConnectionReport, testConnection } from '../../core/clients';
import type { Profile } from '../../core/config';
import { AuthenticationError, ValidationError } from '../../core/errors';
import { verb, type VerbContext } from '../action';
import {
  connect,
  requireProfile,
  resolveCredential,
  stderrKeychain,
  type Connection,
  type ConnectOptions,
  type ResolvedCredential,
} from '../connect';
import { clientSecretAccount, forgetProfile, storeClientSecret, type Keychain } from '../keychain';
import type { CliRuntime } from '../runtime';
import { promptForSecret, readSecretFromStdin } from '../secretInput';

export function authCommand(): Command {
  const auth = new Command('auth').description('Sign in with the app registration and check who the app is');
  auth
    .command('login')
    .description(
      'Sign in: test the client secret (typed here, or piped with --secret-stdin) and keep it in the OS keychain; LC_AUTH_KIND=user signs in with a device code',
    )
    .option('--secret-stdin', 'read the client secret from stdin (keeps it out of argv and shell history)')
    .action(verb(async (context) => login(context)));
  auth
    .command('logout')
    .description("Remove the profile's client secret and cached tokens from the OS keychain")
    .action(
      verb(async ({ out, runtime }) => {
        const profile = runtime.loaded.config.activeProfile;
        const keychain = stderrKeychain();
        const removed = await forgetProfile(keychain, profile);
        const inEnvironment = runtime.secret('clientSecret') !== undefined;
        out.result({ profile, keychain: keychain.available, removed, clientSecretInEnvironment: inEnvironment }, () =>
          [
            keychain.available
              ? `Removed from the OS keychain for ${profile}: client secret ${removed.clientSecret ? 'yes' : 'none kept'}, token cache ${removed.tokenCache ? 'yes' : 'none kept'}.`
              : `No OS keychain here, so nothing was kept for ${profile}.`,
            ...(inEnvironment ? ['LC_CLIENT_SECRET is still set in the environment (or .env): unset it too.'] : []),
          ].join('\n'),
        );
      }),
    );
  auth
    .command('status')
    .description('Show the active profile and whether a credential is available, without network calls')
    .action(
      verb(async ({ out, runtime }) => {
        const profile = requireProfile(runtime);
        const resolved = await resolveCredential(runtime, profile, stderrKeychain());
        const hasCredential = resolved !== undefined;
        out.result(
          {
            profile: profile.name,
            kind: profile.kind,
            tenantId: profile.tenantId,
            clientId: profile.clientId,
            authKind: profile.authKind,
            credential: hasCredential,
            credentialSource: resolved?.source,
          },
          () =>
            `Profile ${profile.name} (${profile.kind}): tenant ${profile.tenantId ?? '?'}, app ${profile.clientId ?? '?'}, ${profile.authKind} credential ${hasCredential ? `available (${resolved.source})` : 'missing'}.`,
        );
      }),
    );
  auth
    .command('test')
    .description('Test Graph and Dataverse: who the app is, its roles (and what missing ones disable), WhoAmI')
    .action(
      verb(async ({ out, runtime }) =>
        withSignedIn(runtime, {}, async (connection, state) => {
          const { profile, graph, dataverse } = connection;
          const report = await testConnection({
            profile,
            identity: state.identity,
            graph,
            whoAmI: dataverse ? (options) => dataverse.whoAmI(options) : undefined,
          });
          out.result(report, () => renderConnectionReport(report));
          if (!report.graph.ok || !report.dataverse.ok) process.exitCode = 13;
        }),
      ),
    );
  return auth;
}

/**
 * A secret typed or piped in is tested by signing in, and kept in the keychain only when that works.
 * Without either, login tests what the environment (or an earlier login) provides.
 */
async function login({ out, runtime, options }: VerbContext): Promise<void> {
  const profile = requireProfile(runtime);
  const keychain = stderrKeychain();
  const typed = await typedSecret(out.io, runtime, profile, keychain, options.secretStdin === true);
  const credential: ResolvedCredential | undefined = typed
    ? { credential: { kind: 'secret', clientSecret: typed }, source: 'typed' }
    : await resolveCredential(runtime, profile, keychain);
  if (!credential) {
    throw new ValidationError(
      `No client secret to sign in to ${profile.name} with: run \`lc auth login\` on a terminal to type it, pipe it with \`lc auth login --secret-stdin\`, or set LC_CLIENT_SECRET.`,
      { code: 'auth.noSecret' },
    );
  }
  await withSignedIn(runtime, { credential, keychain }, async (_connection, state) => {
    if (typed) await storeClientSecret(keychain, profile, typed);
    const { source } = credential;
    const stored = source === 'typed' || (source !== 'environment' && source !== 'certificate' && keychain.available);
    const environmentWins = typed !== undefined && runtime.secret('clientSecret') !== undefined;
    out.result(
      {
        signedIn: true,
        profile: state.profile,
        ...state.identity,
        credentialSource: source,
        stored: stored ? 'keychain' : 'none',
      },
      () =>
        [
          `Signed in to ${state.profile}: tenant ${state.identity.tenantId}, app ${state.identity.appName ?? state.identity.clientId}, roles ${state.identity.roles.join(', ') || 'none'}.`,
          source === 'typed'
            ? 'The client secret is kept in the OS keychain.'
            : source === 'environment'
              ? 'The client secret came from LC_CLIENT_SECRET; nothing was stored.'
              : stored
                ? 'Tokens are kept in the OS keychain.'
                : '',
          environmentWins ? 'LC_CLIENT_SECRET in the environment (or .env) still wins over the keychain.' : '',
        ]
          .filter(Boolean)
          .join('\n'),
    );
  });
}

/** The secret to sign in with and keep: piped with --secret-stdin, or typed on a terminal. */
async function typedSecret(
  io: VerbContext['out']['io'],
  runtime: CliRuntime,
  profile: Profile,
  keychain: Keychain,
  fromStdin: boolean,
): Promise<string | undefined> {
  if (profile.authKind !== 'secret') {
    if (fromStdin)
      throw new ValidationError(
        `Profile ${profile.name} signs in with a ${profile.authKind}: --secret-stdin does not apply.`,
        {
          code: 'auth.secretNotUsed',
        },
      );
    return undefined;
  }
  const interactive = io.stdin.isTTY === true && io.stderr.isTTY === true;
  if (!fromStdin && (runtime.secret('clientSecret') !== undefined || !interactive)) return undefined;
  // Before asking: with no keychain the secret could not be kept, so do not ask for it.
  await keychain.read(clientSecretAccount(profile.name));
  if (!keychain.available) throw keychain.unavailableError();
  return fromStdin
    ? readSecretFromStdin(io.stdin)
    : promptForSecret(io, `Client secret for ${profile.name} (app ${profile.clientId ?? '?'}; not shown): `);
}

/** Runs `work` with a signed-in connection, and always closes it. */
async function withSignedIn(
  runtime: CliRuntime,
  options: ConnectOptions,
  work: (connection: Connection, state: Extract<AuthState, { kind: 'signedIn' }>) => Promise<void>,
): Promise<void> {
  const connection = await connect(runtime, options);
  try {
    const state = connection.auth.state;
    if (state.kind !== 'signedIn') throw new AuthenticationError('Sign-in did not complete.', { code: 'auth.failed' });
    await work(connection, state);
  } finally {
    await connection.close();
  }
}
