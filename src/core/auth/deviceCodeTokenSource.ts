// The token source for signing in as the practitioner's own Microsoft account: msal-node's
// PublicClientApplication with the device-code flow (the user opens a URL and types a code), then
// silent renewal for the cached account through its refresh token. Same authority, network client
// and SecretStore-backed cache as the app sign-in (msalTokenSource.ts).
import { PublicClientApplication, type AccountInfo, type AuthenticationResult } from '@azure/msal-node';
import type { Logger } from '../log';
import { AuthenticationError, type LifeCockpitError } from '../errors';
import {
  acquireLogged,
  msalConfiguration,
  NetworkFailures,
  type AppIdentity,
  type SecretStore,
} from './msalTokenSource';
import type { ICachePlugin, INetworkModule } from '@azure/msal-node';
import type { AcquiredToken, TokenSource } from './tokenProvider';

export interface DeviceCodeTokenSourceOptions {
  identity: AppIdentity;
  /** Shown to the user: the verification URL and the code to type there. */
  prompt: (message: string) => void;
  networkClient?: INetworkModule;
  cacheStore?: SecretStore;
  cachePlugin?: ICachePlugin;
  log: Logger;
}

export class DeviceCodeTokenSource implements TokenSource {
  private readonly app: PublicClientApplication;
  private account: AccountInfo | undefined;
  private readonly failures = new NetworkFailures();

  constructor(private readonly options: DeviceCodeTokenSourceOptions) {
    this.app = new PublicClientApplication(
      msalConfiguration(options.identity, {
        networkClient: this.failures.wrap(options.networkClient),
        cacheStore: options.cacheStore,
        cachePlugin: options.cachePlugin,
        log: options.log,
      }),
    );
  }

  async acquire(scope: string, options: { forceRefresh: boolean; signal?: AbortSignal }): Promise<AcquiredToken> {
    options.signal?.throwIfAborted();
    this.failures.take();
    const acquired = await acquireLogged(
      this.options.identity,
      this.options.log,
      scope,
      async () => (await this.silent(scope, options.forceRefresh)) ?? (await this.interactive(scope, options.signal)),
      translateDeviceCodeError,
      this.failures,
    );
    this.account = acquired.result.account ?? this.account;
    return { accessToken: acquired.accessToken, expiresOn: acquired.expiresOn };
  }

  /** The cached account's token (renewed with its refresh token); undefined when a user must sign in. */
  private async silent(scope: string, forceRefresh: boolean): Promise<AuthenticationResult | null | undefined> {
    const account = this.account ?? (await this.app.getTokenCache().getAllAccounts())[0];
    if (!account) return undefined;
    try {
      return await this.app.acquireTokenSilent({ account, scopes: [scope], forceRefresh });
    } catch (error) {
      // interaction_required and friends: the refresh token no longer works, so ask the user again.
      this.options.log.info('silent sign-in failed; asking for a device code', {
        profile: this.options.identity.profile,
        errorCode: (error as { errorCode?: string }).errorCode,
      });
      return undefined;
    }
  }

  private async interactive(scope: string, signal?: AbortSignal): Promise<AuthenticationResult | null> {
    const request = {
      scopes: [scope],
      cancel: false,
      deviceCodeCallback: (response: { message: string }) => this.options.prompt(response.message),
    };
    // msal polls until `cancel` is set; an aborted signal sets it.
    const onAbort = (): void => void (request.cancel = true);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.app.acquireTokenByDeviceCode(request);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * msal reports the device-code poll's terminal answers as `post_request_failed: <error>` (the OAuth
 * error name, no AADSTS text) and its own expiry check as `device_code_expired`.
 */
export function translateDeviceCodeError(error: unknown): LifeCockpitError | undefined {
  const e = error as { errorCode?: string; message?: string } | undefined;
  const text = `${e?.errorCode ?? ''} ${e?.message ?? ''}`;
  if (/authorization_declined|access_denied/.test(text)) {
    return new AuthenticationError('The sign-in was declined in the browser. Run sign-in again and approve it.', {
      code: 'auth.deviceCodeDeclined',
      cause: error,
    });
  }
  if (/expired_token|device_code_expired/.test(text)) {
    return new AuthenticationError(
      'The sign-in code expired before it was entered (codes last 15 minutes). Run sign-in again.',
      { code: 'auth.deviceCodeExpired', cause: error },
    );
  }
  if (/device_code_polling_cancelled/.test(text)) {
    return new AuthenticationError('The sign-in was cancelled.', { code: 'auth.deviceCodeCancelled', cause: error });
  }
  return undefined;
}
