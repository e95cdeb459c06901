// Signs in as the user's own Microsoft account through VS Code's built-in Microsoft authentication
// provider, so a practitioner without an app registration can still read their calendar and send mail
// as themselves. It only knows Microsoft's own clouds, so other authorities (the sandbox) sign users in
// with the device code instead. Cursor has not always shipped the provider (editor-compat §3): then
// getSession fails with a message saying so, shown to the user.
import * as vscode from 'vscode';
import { isMicrosoftLoginHost, readClaims, type AcquiredToken, type TokenSource } from '../core/auth';
import type { Profile } from '../core/config';
import { AuthenticationError, CancelledError } from '../core/errors';

/** VS Code's provider only knows Microsoft's clouds: other authorities (the sandbox) use the device code. */
export function usesMicrosoftAccountProvider(profile: Profile): boolean {
  return profile.authKind === 'user' && isMicrosoftLoginHost(new URL(profile.authorityHost).hostname);
}

export class MicrosoftAccountTokenSource implements TokenSource {
  constructor(private readonly profile: Profile) {}

  async acquire(scope: string, options: { forceRefresh: boolean; signal?: AbortSignal }): Promise<AcquiredToken> {
    options.signal?.throwIfAborted();
    // The provider takes scopes per resource; `.default` asks for what the user consented to. The tenant
    // rides along as VS Code's VSCODE_TENANT pseudo-scope.
    const scopes = [scope, ...(this.profile.tenantId ? [`VSCODE_TENANT:${this.profile.tenantId}`] : [])];
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await vscode.authentication.getSession(
        'microsoft',
        scopes,
        options.forceRefresh ? { forceNewSession: true } : { createIfNone: true },
      );
    } catch (error) {
      if (/cancel/i.test(String(error))) throw new CancelledError('Microsoft sign-in cancelled.');
      throw new AuthenticationError(`Microsoft sign-in failed: ${(error as Error).message}`, {
        code: 'auth.microsoftAccount',
        cause: error,
      });
    }
    if (!session) throw new CancelledError('Microsoft sign-in cancelled.');
    const exp = readClaims(session.accessToken).exp;
    return { accessToken: session.accessToken, expiresOn: new Date(exp ? exp * 1000 : Date.now() + 50 * 60_000) };
  }
}
