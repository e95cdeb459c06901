// Which Stripe mode the signed-in profile charges in, where the practitioner looks: a status-bar item and
// the Sessions view's description say TEST MODE for a test-mode profile (the sandbox's too), a live one says
// LIVE; signed out, neither claims anything.
import * as vscode from 'vscode';
import type { AuthService, AuthState } from '../core/auth';
import { Disposable } from './lifecycle';
import { stripeModeView } from './paymentText';

export class PaymentStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('lifeCockpit.stripeMode', vscode.StatusBarAlignment.Left, 99),
  );

  constructor(
    private readonly auth: AuthService,
    private readonly sessionsView?: Pick<vscode.TreeView<unknown>, 'description'>,
  ) {
    super();
    this.item.name = 'Life Cockpit Stripe Mode';
    this.item.command = 'lifeCockpit.setStripeKeys';
    this.register(auth.onDidChangeState((state) => this.render(state)));
    this.render(auth.state);
  }

  render(state: AuthState): void {
    const view = stripeModeView(state, this.auth.activeProfile);
    if (this.sessionsView) this.sessionsView.description = view?.viewDescription;
    void vscode.commands.executeCommand(
      'setContext',
      'lifeCockpit.stripeTestMode',
      view?.viewDescription === 'Stripe TEST MODE',
    );
    if (!view) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip);
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, '') };
    this.item.show();
  }
}
