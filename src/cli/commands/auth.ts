// `lc auth login | logout | status | test`. The CLI keeps no secrets of its own: credentials come
// from the environment (or the workspace's git-ignored .env), and tokens live in memory only.
import { Command } from 'commander';
import type { AuthState } from '../../core/auth';
import { renderConnectionReport, testConnection } from '../../core/clients';
import { AuthenticationError } from '../../core/errors';
import { verb } from '../action';
import { connect, credentialFromEnvironment, requireProfile, type Connection } from '../connect';
import type { CliRuntime } from '../runtime';

export function authCommand(): Command {
  const auth = new Command('auth').description('Sign in with the app registration and check who the app is');
  auth
    .command('login')
    .description('Test the credentials from the environment (LC_CLIENT_SECRET or a certificate) by getting tokens')
    .action(
      verb(async ({ out, runtime }) =>
        withSignedIn(runtime, async (_connection, state) => {
          out.result(
            { signedIn: true, profile: state.profile, ...state.identity },
            () =>
              `Signed in to ${state.profile}: tenant ${state.identity.tenantId}, app ${state.identity.appName ?? state.identity.clientId}, roles ${state.identity.roles.join(', ') || 'none'}.`,
          );
        }),
      ),
    );
  auth
    .command('logout')
    .description('Forget credentials: the CLI stores none, so this tells how to remove them from the environment')
    .action(
      verb(async ({ out, runtime }) => {
        const profile = runtime.loaded.config.activeProfile;
        out.result(
          { profile, stored: false, hint: 'unset LC_CLIENT_SECRET (and remove it from .env)' },
          () =>
            `The CLI stores no secrets or tokens for ${profile}. Unset LC_CLIENT_SECRET (and remove it from .env) to sign out.`,
        );
      }),
    );
  auth
    .command('status')
    .description('Show the active profile and whether a credential is available, without network calls')
    .action(
      verb(async ({ out, runtime }) => {
        const profile = requireProfile(runtime);
        const hasCredential = credentialFromEnvironment(runtime, profile) !== undefined;
        out.result(
          {
            profile: profile.name,
            kind: profile.kind,
            tenantId: profile.tenantId,
            clientId: profile.clientId,
            authKind: profile.authKind,
            credential: hasCredential,
          },
          () =>
            `Profile ${profile.name} (${profile.kind}): tenant ${profile.tenantId ?? '?'}, app ${profile.clientId ?? '?'}, ${profile.authKind} credential ${hasCredential ? 'available' : 'missing'}.`,
        );
      }),
    );
  auth
    .command('test')
    .description('Test Graph and Dataverse: who the app is, its roles (and what missing ones disable), WhoAmI')
    .action(
      verb(async ({ out, runtime }) =>
        withSignedIn(runtime, async (connection, state) => {
          const { profile, graph, dataverse } = connection;
          const report = await testConnection({
            profile,
            identity: state.identity,
            graph,
            whoAmI: dataverse ? () => dataverse.whoAmI() : undefined,
          });
          out.result(report, () => renderConnectionReport(report));
          if (!report.graph.ok || !report.dataverse.ok) process.exitCode = 13;
        }),
      ),
    );
  return auth;
}

/** Runs `work` with a signed-in connection, and always closes it. */
async function withSignedIn(
  runtime: CliRuntime,
  work: (connection: Connection, state: Extract<AuthState, { kind: 'signedIn' }>) => Promise<void>,
): Promise<void> {
  const connection = await connect(runtime);
  try {
    const state = connection.auth.state;
    if (state.kind !== 'signedIn') throw new AuthenticationError('Sign-in did not complete.', { code: 'auth.failed' });
    await work(connection, state);
  } finally {
    await connection.close();
  }
}
