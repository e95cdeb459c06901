// Signs in as the user's own Microsoft account through VS Code's built-in Microsoft authentication
// provider, so a practitioner without an app registration can still read their calendar and send mail
// as themselves. It only knows Microsoft's own clouds, so other authorities (the sandbox) sign users in
// with the device code instead. Cursor has not always shipped the provider (editor-compat §3): then
// getSession fails with a message saying so, shown to the user.
//
// When it may show UI: `createIfNone` only on an explicit Sign In; refresh and restore ask with `silent`
// (the provider renews its sessions itself); `forceNewSession` only after a 401 that a fresh silent token
// did not fix. The `authentication` API is injected (vscode.authentication in the editor, a fake in tests).
import {
  isMicrosoftLoginHost,
  NO_SILENT_SESSION,
  readClaims,
  type AcquireOptions,
  type AcquiredToken,
  type TokenSource,
} from '../core/auth';
import { systemClock, type Clock } from '../core/clock';
import type { Profile } from '../core/config';
import { AuthenticationError, CancelledError } from '../core/errors';

/** VS Code's provider only knows Microsoft's clouds: other authorities (the sandbox) use the device code. */
export function usesMicrosoftAccountProvider(profile: Profile): boolean {
  return profile.authKind === 'user' && isMicrosoftLoginHost(new URL(profile.authorityHost).hostname);
}

/** The subset of vscode.AuthenticationGetSessionOptions this source uses. */
export interface SessionRequestOptions {
  createIfNone?: boolean;
  silent?: boolean;
  forceNewSession?: boolean | { detail?: string };
}

/** The part of `vscode.authentication` this source needs. */
export interface AuthenticationApi {
  getSession(
    providerId: string,
    scopes: readonly string[],
    options?: SessionRequestOptions,
  ): PromiseLike<{ accessToken: string } | undefined>;
}

/** Without `exp`/`iat` claims, assume the provider's usual hour, less a margin. */
const UNKNOWN_LIFETIME_MS = 50 * 60_000;

export class MicrosoftAccountTokenSource implements TokenSource {
  /** The token last handed out per scope, and whether it came from a silent retry after a 401. */
  private readonly handedOut = new Map<string, { token: string; afterRejection: boolean }>();

  constructor(
    private readonly profile: Profile,
    private readonly authentication: AuthenticationApi,
    private readonly clock: Clock = systemClock,
  ) {}

  async acquire(scope: string, options: AcquireOptions): Promise<AcquiredToken> {
    options.signal?.throwIfAborted();
    const last = this.handedOut.get(scope);
    if (options.rejected) {
      // A fresh silent token may fix the 401 (the provider renewed its session); only if it does not — the
      // silent answer is the refused token itself, or was refused after an earlier 401 — force a new session.
      if (!last?.afterRejection) {
        const silent = await this.session(scope, { silent: true });
        if (silent && silent.accessToken !== last?.token) return this.handOut(scope, silent.accessToken, true);
      }
      const renewed = await this.session(scope, {
        forceNewSession: { detail: 'Microsoft refused the current sign-in. Sign in again to continue.' },
      });
      return this.handOut(scope, this.required(renewed).accessToken, false);
    }
    const session = await this.session(scope, options.interactive ? { createIfNone: true } : { silent: true });
    if (!session)
      throw new AuthenticationError(
        'VS Code has no Microsoft sign-in for this profile. Run "Life Cockpit: Sign In" to sign in.',
        { code: NO_SILENT_SESSION },
      );
    return this.handOut(scope, session.accessToken, false);
  }

  private async session(scope: string, request: SessionRequestOptions): Promise<{ accessToken: string } | undefined> {
    // The provider takes scopes per resource; `.default` asks for what the user consented to. The tenant
    // rides along as VS Code's VSCODE_TENANT pseudo-scope.
    const scopes = [scope, ...(this.profile.tenantId ? [`VSCODE_TENANT:${this.profile.tenantId}`] : [])];
    try {
      return await this.authentication.getSession('microsoft', scopes, request);
    } catch (error) {
      if (/cancel/i.test(String(error))) throw new CancelledError('Microsoft sign-in cancelled.');
      throw new AuthenticationError(`Microsoft sign-in failed: ${(error as Error).message}`, {
        code: 'auth.microsoftAccount',
        cause: error,
      });
    }
  }

  private required<T>(session: T | undefined): T {
    if (!session) throw new CancelledError('Microsoft sign-in cancelled.');
    return session;
  }

  private handOut(scope: string, accessToken: string, afterRejection: boolean): AcquiredToken {
    this.handedOut.set(scope, { token: accessToken, afterRejection });
    return { accessToken, expiresOn: this.expiresOn(accessToken) };
  }

  /**
   * The token's lifetime (exp − iat) counted from our own clock, not its `exp` read against it: a local clock
   * that runs ahead would otherwise see every token as about to expire and ask again on every call.
   */
  private expiresOn(accessToken: string): Date {
    const { exp, iat } = readClaims(accessToken);
    if (typeof exp === 'number' && typeof iat === 'number' && exp > iat)
      return new Date(this.clock.now() + (exp - iat) * 1000);
    return new Date(typeof exp === 'number' ? exp * 1000 : this.clock.now() + UNKNOWN_LIFETIME_MS);
  }
}
