// The Webhook Inbox view: every request the receiver stored for the active profile, newest first, read
// from the receiver (its inbox in memory while it runs, the file's listing while stopped); getChildren
// never touches the network or the disk. A burst of requests refreshes the view a few times a second,
// not once per request. Context values (`webhook.<verification>.<outcome>`) drive the menus.
import * as vscode from 'vscode';
import type { InboxEntry } from '../core/webhooks';
import { Disposable } from './lifecycle';
import { webhookItemView } from './webhookInboxItem';
import type { EditorWebhookReceiver, ReceiverState } from './webhookReceiver';
import { WebhookStatusBar } from './webhookStatusBar';

export interface WebhookNode {
  kind: 'request';
  entry: InboxEntry;
}

/** How often, at most, a stream of changes refreshes the view. */
const REFRESH_AT_MOST_EVERY_MS = 250;

export class WebhookInboxTree extends Disposable implements vscode.TreeDataProvider<WebhookNode> {
  private readonly emitter = this.register(new vscode.EventEmitter<WebhookNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private view: vscode.TreeView<WebhookNode> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly receiver: EditorWebhookReceiver,
    private readonly throttleMs = REFRESH_AT_MOST_EVERY_MS,
  ) {
    super();
    this.register(receiver.onDidChange(() => this.changed()));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** Shows the receiver's state as the view's description. */
  attach(view: vscode.TreeView<WebhookNode>): void {
    this.view = view;
    this.describe();
  }

  getChildren(node?: WebhookNode): WebhookNode[] {
    if (node) return [];
    return this.receiver.entries().map((entry) => ({ kind: 'request', entry }));
  }

  getTreeItem(node: WebhookNode): vscode.TreeItem {
    const view = webhookItemView(node.entry);
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.entry.id;
    item.description = view.description;
    item.tooltip = view.tooltip;
    item.iconPath = new vscode.ThemeIcon(view.icon);
    item.contextValue = view.contextValue;
    if (node.entry.hasPayload)
      item.command = { command: 'lifeCockpit.showWebhookPayload', title: 'Show Payload', arguments: [node] };
    return item;
  }

  /** The first change of a burst refreshes after throttleMs, with every change of the burst in it. */
  private changed(): void {
    this.describe();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire(undefined);
    }, this.throttleMs);
  }

  private describe(): void {
    if (this.view) this.view.description = describeReceiver(this.receiver.state);
  }
}

/** The view's one-line description of the receiver. */
export function describeReceiver(state: ReceiverState): string {
  switch (state.kind) {
    case 'listening':
      return `listening on ${state.url.replace(/^http:\/\//, '')}`;
    case 'starting':
      return 'starting…';
    case 'stopping':
      return 'stopping…';
    case 'failed':
      return 'failed to start';
    case 'stopped':
      return 'stopped';
  }
}

/** The Webhook Inbox view and the receiver's status-bar item, owned by the caller's subscriptions. */
export function registerWebhookViews(receiver: EditorWebhookReceiver): vscode.Disposable[] {
  const tree = new WebhookInboxTree(receiver);
  const view = vscode.window.createTreeView('lifeCockpit.webhookInbox', { treeDataProvider: tree });
  tree.attach(view);
  return [tree, view, new WebhookStatusBar(receiver)];
}
