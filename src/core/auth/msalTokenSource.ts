// The token source for app sign-in: @azure/msal-node's ConfidentialClientApplication with a client
// secret or certificate, its network calls routed through our HTTP layer (system.networkClient), and
// its token cache persisted through a SecretStore (SecretStorage in the editor), never a plain file.
import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  type Configuration,
  type ICachePlugin,
  type INetworkModule,
  type TokenCacheContext,
} from '@azure/msal-node';
import type { LifeCockpitError } from '../errors';
import type { Logger } from '../log';
import type { Credential } from './credentials';
import { translateAuthError } from './errors';
import { isMicrosoftLoginHost } from './microsoftAuthority';
import type { AcquiredToken, TokenSource } from './tokenProvider';

export interface SecretStore {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
}

interface Thenable<T> {
  then<R>(
    onfulfilled?: (value: T) => R | PromiseLike<R>,
    onrejected?: (reason: unknown) => R | PromiseLike<R>,
  ): PromiseLike<R>;
}

export interface AppIdentity {
  profile: string;
  tenantId: string;
  clientId: string;
  /** https://login.microsoftonline.com, a sovereign cloud's, or the sandbox's https://localhost:PORT */
  authorityHost: string;
}

export interface MsalTokenSourceOptions {
  identity: AppIdentity;
  credential: Credential;
  networkClient?: INetworkModule;
  /** Where the serialized msal cache lives; omitted: memory only. */
  cacheStore?: SecretStore;
  /** msal's own cache plugin (the CLI's OS-encrypted persistence); wins over `cacheStore`. */
  cachePlugin?: ICachePlugin;
  log: Logger;
}

export function tokenCacheKey(profile: string): string {
  return `lifeCockpit/${profile}/tokenCache`;
}

export class MsalTokenSource implements TokenSource {
  private readonly app: ConfidentialClientApplication;

  constructor(private readonly options: MsalTokenSourceOptions) {
    const { identity, credential } = options;
    const base = msalConfiguration(identity, options);
    const config: Configuration = {
      ...base,
      auth: {
        ...base.auth,
        ...(credential.kind === 'secret'
          ? { clientSecret: credential.clientSecret }
          : credential.kind === 'certificate'
            ? {
                clientCertificate: {
                  thumbprintSha256: credential.thumbprintSha256,
                  privateKey: credential.privateKeyPem,
                  x5c: credential.x5c,
                },
              }
            : {}),
      },
    };
    this.app = new ConfidentialClientApplication(config);
  }

  async acquire(scope: string, options: { forceRefresh: boolean; signal?: AbortSignal }): Promise<AcquiredToken> {
    options.signal?.throwIfAborted();
    return acquireLogged(this.options.identity, this.options.log, scope, () =>
      this.app.acquireTokenByClientCredential({ scopes: [scope], skipCache: options.forceRefresh }),
    );
  }

  async clearCache(): Promise<void> {
    await this.options.cacheStore?.delete(tokenCacheKey(this.options.identity.profile));
  }
}

/** What app and user sign-in share: the authority (known when not Microsoft's), network client, logging, cache. */
export function msalConfiguration(
  identity: AppIdentity,
  options: { networkClient?: INetworkModule; cacheStore?: SecretStore; cachePlugin?: ICachePlugin; log: Logger },
): Configuration {
  const cachePlugin =
    options.cachePlugin ??
    (options.cacheStore ? secretStoreCachePlugin(options.cacheStore, tokenCacheKey(identity.profile)) : undefined);
  const authorityUrl = new URL(identity.authorityHost);
  const isMicrosoftHost = isMicrosoftLoginHost(authorityUrl.hostname);
  return {
    auth: {
      clientId: identity.clientId,
      authority: `${identity.authorityHost.replace(/\/+$/, '')}/${identity.tenantId}`,
      // msal-node asks Microsoft's instance discovery about any other host unless it is known
      // (wire-facts §2): the sandbox and private clouds must be listed here.
      ...(isMicrosoftHost ? {} : { knownAuthorities: [authorityUrl.host] }),
    },
    system: {
      ...(options.networkClient ? { networkClient: options.networkClient } : {}),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: 1, // warnings and errors only; msal's info level is chatty
        loggerCallback: (_level, message) => options.log.debug('msal', { message }),
      },
    },
    ...(cachePlugin ? { cache: { cachePlugin } } : {}),
  };
}

/** msal's cache plugin over a SecretStore: load before each access, save when msal says it changed. */
export function secretStoreCachePlugin(store: SecretStore, key: string): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      const text = await store.get(key);
      if (text) context.tokenCache.deserialize(text);
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (context.cacheHasChanged) await store.store(key, context.tokenCache.serialize());
    },
  };
}

/**
 * Runs one msal token call for `scope`: logs the outcome (never the token), and turns failures into
 * typed errors — `translate` first (a flow's own errors), then the AADSTS translation.
 */
export async function acquireLogged(
  identity: AppIdentity,
  log: Logger,
  scope: string,
  call: () => Promise<AuthenticationResult | null>,
  translate: (error: unknown) => LifeCockpitError | undefined = () => undefined,
): Promise<AcquiredToken & { result: AuthenticationResult }> {
  try {
    const result = await call();
    if (!result?.accessToken || !result.expiresOn) throw new Error('Entra ID answered without an access token.');
    log.info('token acquired', {
      profile: identity.profile,
      scope,
      expiresOn: result.expiresOn.toISOString(),
      fromCache: result.fromCache,
    });
    return { accessToken: result.accessToken, expiresOn: result.expiresOn, result };
  } catch (error) {
    const translated =
      translate(error) ??
      translateAuthError(error, {
        tenantId: identity.tenantId,
        clientId: identity.clientId,
        resource: scope.replace(/\/\.default$/, ''),
      });
    log.warn('token request failed', { profile: identity.profile, scope, code: translated.code, error });
    throw translated;
  }
}
