// Who the worker is. In Azure, the app's user-assigned managed identity (AZURE_CLIENT_ID names it) gets the
// Graph and Dataverse tokens through @azure/identity; elsewhere it signs in as the CLI does, with the app
// registration's client secret (LC_CLIENT_SECRET). @azure/identity talks to the platform's identity endpoint
// itself, which is why that one call does not go through the core's HTTP layer.
import { ManagedIdentityCredential } from '@azure/identity';
import { AuthService, TokenProvider, type TokenSource } from '../../src/core/auth';
import type { Profile } from '../../src/core/config';
import { ConfigurationError } from '../../src/core/config';
import { AuthenticationError } from '../../src/core/errors';
import { msalNetworkClient, type HttpClient } from '../../src/core/http';
import type { Logger } from '../../src/core/log';
import { setting } from './settings';

/** App Service and Functions set these for an app with a managed identity. */
export function runsWithManagedIdentity(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER);
}

export function managedIdentityTokenSource(clientId: string | undefined): TokenSource {
  const credential = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  return {
    acquire: async (scope, options) => {
      const token = await credential.getToken(scope, options.signal ? { abortSignal: options.signal } : {});
      if (!token) {
        throw new AuthenticationError(
          `The managed identity got no token for ${scope}: check that it has the app roles (Graph) or the application user (Dataverse) README lists.`,
          { code: 'worker.noManagedIdentityToken', retriable: true },
        );
      }
      return { accessToken: token.token, expiresOn: new Date(token.expiresOnTimestamp) };
    },
  };
}

/** The token provider the worker's clients use, for the profile the settings describe. */
export async function workerTokens(
  env: NodeJS.ProcessEnv,
  profile: Profile,
  http: HttpClient,
  log: Logger,
): Promise<TokenProvider> {
  if (runsWithManagedIdentity(env))
    return new TokenProvider(managedIdentityTokenSource(setting(env, 'AZURE_CLIENT_ID')));
  const clientSecret = setting(env, 'LC_CLIENT_SECRET');
  if (!clientSecret) {
    throw new ConfigurationError(
      'The worker has no identity: run it in Azure with a managed identity, or set LC_CLIENT_SECRET (the app registration the CLI signs in with).',
    );
  }
  const auth = new AuthService({
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined },
    log,
    persistTokenCache: false,
    networkClientFor: () => msalNetworkClient(http),
  });
  await auth.signIn(profile, { kind: 'secret', clientSecret });
  return auth.tokens();
}
