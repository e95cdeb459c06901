// The status-bar item of the webhook receiver: listening on port N, stopped, or failed (with why), and
// a click that starts a stopped or failed receiver and stops a listening one.
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { EditorWebhookReceiver, ReceiverState } from './webhookReceiver';

export class WebhookStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('lifeCockpit.webhookReceiver', vscode.StatusBarAlignment.Left, 99),
  );

  constructor(private readonly receiver: EditorWebhookReceiver) {
    super();
    this.item.name = 'Life Cockpit Webhook Receiver';
    this.item.command = 'lifeCockpit.toggleWebhookReceiver';
    this.register(receiver.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  private render(): void {
    const view = webhookStatusView(this.receiver.state);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, '') };
    void vscode.commands.executeCommand('setContext', 'lifeCockpit.webhookReceiverRunning', view.running);
  }
}

export interface WebhookStatusView {
  text: string;
  /** Plain text. */
  tooltip: string;
  error: boolean;
  running: boolean;
}

export function webhookStatusView(state: ReceiverState): WebhookStatusView {
  switch (state.kind) {
    case 'listening':
      return {
        text: `$(radio-tower) Webhooks: listening on port ${state.port}`,
        tooltip: `The webhook receiver of profile ${state.profile} listens on ${state.url} (/stripe, /graph, /flows/<name>).\nClick to stop it.`,
        error: false,
        running: true,
      };
    case 'starting':
      return {
        text: '$(sync~spin) Webhooks: starting…',
        tooltip: `Starting the webhook receiver of profile ${state.profile}…`,
        error: false,
        running: true,
      };
    case 'stopping':
      return {
        text: '$(sync~spin) Webhooks: stopping…',
        tooltip: 'Stopping the webhook receiver once the events being handled are done…',
        error: false,
        running: true,
      };
    case 'failed':
      return {
        text: '$(error) Webhooks: failed',
        tooltip: `${state.message}\nClick to try again.`,
        error: true,
        running: false,
      };
    case 'stopped':
      return {
        text: '$(circle-slash) Webhooks: stopped',
        tooltip: 'The webhook receiver is stopped. Click to start it.',
        error: false,
        running: false,
      };
  }
}
