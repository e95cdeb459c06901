// The token source for app sign-in: @azure/msal-node's ConfidentialClientApplication with a client
// secret or certificate, its network calls routed through our HTTP layer (system.networkClient), and
// its token cache persisted through a SecretStore (SecretStorage in the editor), never a plain file.
import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  type Configuration,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  type TokenCacheContext,
} from '@azure/msal-node';
import { ExternalServiceError, LifeCockpitError, TransientError } from '../errors';
import { z } from 'zod';
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
  /** The built-in sandbox: error advice points at it rather than the Entra admin center. */
  sandbox?: boolean;
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

/**
 * What msal does not pass on, remembered from our network client for the error translation: the typed error
 * behind a failed request (msal drops it for discovery: an untrusted certificate surfaces as a bare
 * endpoints_resolution_error), and a throttled (429) or unavailable (5xx) answer with its Retry-After, which
 * msal would word as "temporarily_unavailable: Error(s): Not Available - …". A later ordinary answer clears it.
 */
export class NetworkFailures {
  private last: LifeCockpitError | undefined;

  wrap(module: INetworkModule | undefined): INetworkModule | undefined {
    if (!module) return undefined;
    const remember = (error: unknown): never => {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof LifeCockpitError) this.last = cause;
      throw error;
    };
    const note = <T>(response: NetworkResponse<T>): NetworkResponse<T> => {
      this.last = unavailableAnswer(response.status, response.headers);
      return response;
    };
    return {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
        module.sendGetRequestAsync<T>(url, options, timeout).then(note, remember),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
        module.sendPostRequestAsync<T>(url, options).then(note, remember),
    };
  }

  /** The failure remembered since the last take, forgotten once taken. */
  take(): LifeCockpitError | undefined {
    const last = this.last;
    this.last = undefined;
    return last;
  }
}

/** A 429 or 5xx the HTTP layer handed back once its own retries (within Retry-After's bound) were spent. */
function unavailableAnswer(status: number, headers: Record<string, string>): LifeCockpitError | undefined {
  if (status !== 429 && status < 500) return undefined;
  const detail = { status, retryAfter: headers['retry-after'] };
  return status === 429
    ? new TransientError('Microsoft Entra ID is throttling sign-in requests (429).', {
        code: 'entra.throttled',
        detail,
      })
    : new TransientError(`Microsoft Entra ID is unavailable (${status}).`, { code: 'entra.unavailable', detail });
}

export class MsalTokenSource implements TokenSource {
  private readonly app: ConfidentialClientApplication;
  private readonly failures = new NetworkFailures();

  constructor(private readonly options: MsalTokenSourceOptions) {
    const { identity, credential } = options;
    const base = msalConfiguration(identity, { ...options, networkClient: this.failures.wrap(options.networkClient) });
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
    this.failures.take();
    return acquireLogged(
      this.options.identity,
      this.options.log,
      scope,
      () => this.app.acquireTokenByClientCredential({ scopes: [scope], skipCache: options.forceRefresh }),
      undefined,
      this.failures,
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

/** What the product reads from msal's answer: a non-empty access token and a real expiry. */
const usableResultSchema = z.object({
  accessToken: z.string().min(1),
  expiresOn: z.date().refine((d) => !Number.isNaN(d.getTime()), 'a valid date'),
});

function usableResult(result: AuthenticationResult | null): AuthenticationResult & { expiresOn: Date } {
  const checked = usableResultSchema.safeParse(result ?? {});
  if (checked.success) return result as AuthenticationResult & { expiresOn: Date };
  const missing = checked.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new ExternalServiceError(`Entra ID answered without a usable access token (${missing}).`, {
    code: 'auth.invalidTokenResponse',
    detail: { missing },
  });
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
  failures?: NetworkFailures,
): Promise<AcquiredToken & { result: AuthenticationResult }> {
  try {
    const result = usableResult(await call());
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
        authorityHost: identity.authorityHost,
        sandbox: identity.sandbox,
        networkFailure: failures?.take(),
      });
    log.warn('token request failed', { profile: identity.profile, scope, code: translated.code, error });
    throw translated;
  }
}
