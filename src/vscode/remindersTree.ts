// The Reminders view: maps the reminders store to groups (Due Now, Needs a Check, Needs Approval,
// Scheduled, Failed, Sent); the Due Now count is the view's badge. getChildren never calls the network.
import * as vscode from 'vscode';
import { systemClock, type Clock } from '../core/clock';
import type { Profile } from '../core/config';
import { groupedPerMinute } from './groupedPerMinute';
import { Disposable } from './lifecycle';
import { offlineMessage } from './offlineMessage';
import { reminderItemView } from './reminderItem';
import {
  groupReminders,
  REMINDER_GROUP_TITLES,
  REMINDER_VIEW_GROUP_ORDER,
  type Reminder,
  type ReminderGroupName,
} from '../core/reminders';
import type { DataStore } from '../core/store';

type Node =
  | { kind: 'group'; name: ReminderGroupName; count: number }
  | { kind: 'reminder'; reminder: Reminder }
  | { kind: 'message'; text: string; icon: string; tooltip?: string };

export class RemindersTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly emitter = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private view: vscode.TreeView<Node> | undefined;
  private readonly groups: (data: Reminder[]) => ReturnType<typeof groupReminders>;

  constructor(
    private readonly store: DataStore<Reminder[]>,
    private readonly clock: Clock = systemClock,
    /** How the signed-in profile sends e-mail, which a row's tooltip names. */
    private readonly mailChannel: () => Profile['mailChannel'] | undefined = () => undefined,
  ) {
    super();
    this.groups = groupedPerMinute(groupReminders, clock);
    this.register(
      store.onDidChange(() => {
        this.emitter.fire(undefined);
        this.updateBadge();
      }),
    );
  }

  attach(view: vscode.TreeView<Node>): void {
    this.view = view;
    this.updateBadge();
  }

  /** Redraws rows and badge: what is due moves with the clock, not only with the data. */
  redraw(): void {
    this.emitter.fire(undefined);
    this.updateBadge();
  }

  getChildren(node?: Node): Node[] {
    const { data, error, loading, offlineSince, fetchedAt } = this.store.current;
    if (!node) {
      // Nothing fetched and nothing under way (signed out): an empty tree lets the welcome view show.
      if (!data && !error && !loading) return [];
      if (!data)
        return [
          { kind: 'message', text: error?.message ?? 'Loading reminders…', icon: error ? 'error' : 'loading~spin' },
        ];
      const groups = this.groups(data);
      const top: Node[] = offlineSince ? [offlineMessage(offlineSince, fetchedAt, error?.message)] : [];
      return [
        ...top,
        ...REMINDER_VIEW_GROUP_ORDER.map((name) => ({ kind: 'group' as const, name, count: groups[name].length })),
      ];
    }
    if (node.kind !== 'group' || !data) return [];
    return this.groups(data)[node.name].map((reminder) => ({ kind: 'reminder' as const, reminder }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.contextValue = 'message';
      if (node.tooltip) item.tooltip = node.tooltip;
      return item;
    }
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(
        REMINDER_GROUP_TITLES[node.name],
        node.count === 0
          ? vscode.TreeItemCollapsibleState.None
          : node.name === 'dueNow'
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `reminders.${node.name}`;
      item.description = String(node.count);
      item.contextValue = `group.${node.name}`;
      return item;
    }
    const view = reminderItemView(node.reminder, new Date(this.clock.now()), { mailChannel: this.mailChannel() });
    const item = new vscode.TreeItem(view.label);
    item.id = `reminder.${node.reminder.id}`;
    item.description = view.description;
    item.iconPath = new vscode.ThemeIcon(view.icon);
    item.contextValue = view.contextValue;
    item.tooltip = new vscode.MarkdownString(view.tooltip);
    return item;
  }

  private updateBadge(): void {
    if (!this.view) return;
    const data = this.store.current.data;
    const due = data ? this.groups(data).dueNow.length : 0;
    this.view.badge = due > 0 ? { value: due, tooltip: `${due} reminder(s) due now` } : undefined;
  }
}

export type ReminderNode = Node;
