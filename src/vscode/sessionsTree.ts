// The Sessions view: maps the sessions store to tree items. getChildren never calls the network;
// context values (`session.<status>.<payment>`) drive the menus in package.json. Needs Attention says what
// clients owe in all (outstandingPayments), so the money side is visible without opening every row.
import * as vscode from 'vscode';
import { systemClock, type Clock } from '../core/clock';
import { groupedPerMinute } from './groupedPerMinute';
import { Disposable } from './lifecycle';
import { offlineMessage } from './offlineMessage';
import { sessionItemView } from './sessionItem';
import {
  groupSessions,
  outstandingPayments,
  SESSION_GROUP_ORDER,
  SESSION_GROUP_TITLES,
  sessionsInWindow,
  type NeedsAttention,
  type Session,
  type SessionGroupName,
} from '../core/sessions';
import type { DataStore } from '../core/store';
import { money } from '../core/stripe';

/** What attended sessions still owe, for the Needs Attention row. */
export interface OwedTotal {
  totalCents: number;
  sessions: number;
  currency: string;
}

type Node =
  | { kind: 'group'; name: SessionGroupName; count: number; owed?: OwedTotal }
  | { kind: 'session'; session: Session; reason?: NeedsAttention['reason']; reasons?: NeedsAttention['reasons'] }
  | { kind: 'message'; text: string; icon: string; tooltip?: string };

export class SessionsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly emitter = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly groups: (data: Session[]) => ReturnType<typeof groupSessions>;

  constructor(
    private readonly store: DataStore<Session[]>,
    private readonly clock: Clock = systemClock,
    /** The fees' currency (settings payments.currency). */
    private readonly currency: () => string = () => 'eur',
  ) {
    super();
    // The store reads further back for the dashboard; the tree keeps to the sessions of SESSION_WINDOW.
    this.groups = groupedPerMinute((data, now) => groupSessions(sessionsInWindow(data, now), now), clock);
    this.register(store.onDidChange(() => this.emitter.fire(undefined)));
  }

  getChildren(node?: Node): Node[] {
    const { data, error, offlineSince, loading } = this.store.current;
    if (!node) {
      const top: Node[] = [];
      if (offlineSince) top.push(offlineMessage(offlineSince, this.store.current.fetchedAt, error?.message));
      if (!data) {
        // Nothing fetched and nothing under way (signed out): an empty tree lets the welcome view show.
        if (error) top.push({ kind: 'message', text: error.message, icon: 'error' });
        else if (loading) top.push({ kind: 'message', text: 'Loading sessions…', icon: 'loading~spin' });
        return top;
      }
      const groups = this.groups(data);
      const now = new Date(this.clock.now());
      const owed = outstandingPayments(sessionsInWindow(data, now), now);
      const owedTotal = { totalCents: owed.totalCents, sessions: owed.sessions.length, currency: this.currency() };
      return [
        ...top,
        ...SESSION_GROUP_ORDER.map((name) => ({
          kind: 'group' as const,
          name,
          count: groups[name].length,
          ...(name === 'needsAttention' && owed.totalCents > 0 ? { owed: owedTotal } : {}),
        })),
      ];
    }
    if (node.kind !== 'group' || !data) return [];
    const groups = this.groups(data);
    if (node.name === 'needsAttention')
      return groups.needsAttention.map(({ session, reason, reasons }) => ({
        kind: 'session',
        session,
        reason,
        reasons,
      }));
    return groups[node.name].map((session) => ({ kind: 'session', session }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.contextValue = 'message';
      if (node.tooltip) item.tooltip = node.tooltip;
      return item;
    }
    if (node.kind === 'group') {
      const expanded = node.name === 'today' || node.name === 'needsAttention';
      const item = new vscode.TreeItem(
        SESSION_GROUP_TITLES[node.name],
        node.count === 0
          ? vscode.TreeItemCollapsibleState.None
          : expanded
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `group.${node.name}`;
      item.description = groupDescription(node.count, node.owed);
      if (node.owed) item.tooltip = owedTooltip(node.owed);
      item.contextValue = `group.${node.name}`;
      return item;
    }
    const view = sessionItemView(node.session, node.reasons ? { reasons: node.reasons } : {});
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.reason ?? 'session'}.${node.session.id}`;
    item.description = view.description;
    item.iconPath = new vscode.ThemeIcon(view.icon, view.iconColor ? new vscode.ThemeColor(view.iconColor) : undefined);
    item.contextValue = view.contextValue;
    item.tooltip = new vscode.MarkdownString(view.tooltip);
    return item;
  }
}

export type SessionNode = Node;

/** "3 · 270.00 EUR owed": a group's count, and for Needs Attention what clients owe in all. */
export function groupDescription(count: number, owed: OwedTotal | undefined): string {
  return owed ? `${count} · ${money(owed.totalCents, owed.currency)} owed` : String(count);
}

function owedTooltip(owed: OwedTotal): string {
  const sessions = owed.sessions === 1 ? '1 attended session' : `${owed.sessions} attended sessions`;
  return `${money(owed.totalCents, owed.currency)} owed for ${sessions} not paid yet (not charged, invoiced or failed).`;
}
