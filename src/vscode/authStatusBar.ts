// The one status-bar item that always tells the truth about sign-in: profile and state, a live
// profile unmistakable, a credential about to expire flagged, and a click that offers what fits.
import * as vscode from 'vscode';
import type { AuthService, AuthState } from '../core/auth';
import { systemClock, type Clock } from '../core/clock';
import { Disposable } from './lifecycle';

const EXPIRY_WARNING_DAYS = 30;

export class AuthStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('lifeCockpit.auth', vscode.StatusBarAlignment.Left, 100),
  );

  constructor(
    auth: AuthService,
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this.item.name = 'Life Cockpit Sign-in';
    this.item.command = 'lifeCockpit.showAccountActions';
    this.register(auth.onDidChangeState((state) => this.render(state)));
    this.render(auth.state);
    this.item.show();
  }

  render(state: AuthState): void {
    const view = describeState(state, new Date(this.clock.now()));
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip, true);
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, '') };
  }
}

export interface StatusView {
  text: string;
  tooltip: string;
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

export function describeState(state: AuthState, now: Date): StatusView {
  switch (state.kind) {
    case 'signedOut':
      return {
        text: '$(account) Life Cockpit: signed out',
        tooltip: `**Signed out**${state.profile ? ` of profile ${state.profile}` : ''}.${state.reason ? `\n\n${state.reason}` : ''}\n\n[Sign In](command:lifeCockpit.signIn) · [Start Sandbox](command:lifeCockpit.startSandbox)`,
      };
    case 'signingIn':
      return {
        text: `$(sync~spin) Life Cockpit: signing in to ${state.profile}…`,
        tooltip: `Signing in to profile ${state.profile}…`,
      };
    case 'signedIn':
    case 'refreshFailing': {
      const { identity } = state;
      const days = identity.credentialExpiresOn
        ? Math.floor((identity.credentialExpiresOn.getTime() - now.getTime()) / 86_400_000)
        : undefined;
      const icon =
        state.profileKind === 'live' ? '$(flame)' : state.profileKind === 'sandbox' ? '$(beaker)' : '$(pass-filled)';
      const live = state.profileKind === 'live' ? ' LIVE' : '';
      let text = `${icon} Life Cockpit: ${state.profile}${live}`;
      let background: StatusView['background'] =
        state.profileKind === 'live' ? 'statusBarItem.warningBackground' : undefined;
      const lines = [
        `**Signed in** to profile **${state.profile}** (${state.profileKind})`,
        '',
        `Tenant: ${identity.tenantId}`,
        `App: ${identity.appName ?? ''} (${identity.clientId})`,
        `Roles: ${identity.roles.length ? identity.roles.join(', ') : 'none'}`,
      ];
      if (days !== undefined)
        lines.push(`Credential expires: ${identity.credentialExpiresOn?.toISOString().slice(0, 10)} (${days} days)`);
      if (days !== undefined && days <= EXPIRY_WARNING_DAYS) {
        text += days < 0 ? ' (credential expired)' : ` (credential expires in ${days} d)`;
        background = 'statusBarItem.warningBackground';
      }
      if (state.kind === 'refreshFailing') {
        text = `$(warning) Life Cockpit: ${state.profile} (token refresh failing)`;
        background = 'statusBarItem.errorBackground';
        lines.push('', `**Token refresh failing** since ${state.since.toLocaleTimeString()}: ${state.message}`);
      }
      lines.push(
        '',
        '[Test Connection](command:lifeCockpit.testConnection) · [Switch Profile](command:lifeCockpit.switchProfile) · [Sign Out](command:lifeCockpit.signOut)',
      );
      return { text, tooltip: lines.join('  \n'), background };
    }
  }
}
