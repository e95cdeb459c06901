// The Sessions view: maps the sessions store to tree items. getChildren never calls the network;
// context values (`session.<status>.<payment>`) drive the menus in package.json.
import * as vscode from 'vscode';
import { systemClock, type Clock } from '../core/clock';
import { groupedPerMinute } from './groupedPerMinute';
import { Disposable } from './lifecycle';
import {
  groupSessions,
  SESSION_GROUP_ORDER,
  SESSION_GROUP_TITLES,
  type NeedsAttention,
  type Session,
  type SessionGroupName,
} from '../core/sessions';
import type { DataStore } from '../core/store';

const STATUS_ICONS: Record<Session['status'], string> = {
  scheduled: 'calendar',
  attended: 'pass',
  noShow: 'circle-slash',
  canceled: 'close',
};

type Node =
  | { kind: 'group'; name: SessionGroupName; count: number }
  | { kind: 'session'; session: Session; reason?: NeedsAttention['reason'] }
  | { kind: 'message'; text: string; icon: string };

export class SessionsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly emitter = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly groups: (data: Session[]) => ReturnType<typeof groupSessions>;

  constructor(
    private readonly store: DataStore<Session[]>,
    clock: Clock = systemClock,
  ) {
    super();
    this.groups = groupedPerMinute(groupSessions, clock);
    this.register(store.onDidChange(() => this.emitter.fire(undefined)));
  }

  getChildren(node?: Node): Node[] {
    const { data, error, offlineSince, loading } = this.store.current;
    if (!node) {
      const top: Node[] = [];
      if (offlineSince)
        top.push({
          kind: 'message',
          text: `Offline since ${offlineSince.toLocaleTimeString()}: showing the last good data`,
          icon: 'cloud-offline',
        });
      if (!data) {
        // Nothing fetched and nothing under way (signed out): an empty tree lets the welcome view show.
        if (error) top.push({ kind: 'message', text: error.message, icon: 'error' });
        else if (loading) top.push({ kind: 'message', text: 'Loading sessions…', icon: 'loading~spin' });
        return top;
      }
      const groups = this.groups(data);
      return [
        ...top,
        ...SESSION_GROUP_ORDER.map((name) => ({ kind: 'group' as const, name, count: groups[name].length })),
      ];
    }
    if (node.kind !== 'group' || !data) return [];
    const groups = this.groups(data);
    if (node.name === 'needsAttention')
      return groups.needsAttention.map(({ session, reason }) => ({ kind: 'session', session, reason }));
    return groups[node.name].map((session) => ({ kind: 'session', session }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.contextValue = 'message';
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
      item.description = String(node.count);
      item.contextValue = `group.${node.name}`;
      return item;
    }
    const s = node.session;
    const when = s.start.toLocaleString(undefined, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    const item = new vscode.TreeItem(`${s.clientName ?? s.subject}`, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.reason ?? 'session'}.${s.id}`;
    item.description = `${when}${node.reason === 'unpaid' ? ' · unpaid' : node.reason === 'stillScheduled' ? ' · still scheduled' : s.payment !== 'none' ? ` · ${s.payment}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(STATUS_ICONS[s.status]);
    item.contextValue = `session.${s.status}.${s.payment}`;
    item.tooltip = sessionTooltip(s);
    return item;
  }
}

function sessionTooltip(s: Session): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(s.subject)}**\n\n`);
  md.appendMarkdown(`- Client: ${escape(s.clientName ?? 'unknown')}\n`);
  md.appendMarkdown(`- When: ${s.start.toLocaleString()} – ${s.end.toLocaleTimeString()}\n`);
  md.appendMarkdown(
    `- Status: ${s.status}\n- Payment: ${s.payment}${s.feeCents !== undefined ? ` (${(s.feeCents / 100).toFixed(2)})` : ''}\n`,
  );
  if (s.location) md.appendMarkdown(`- Where: ${escape(s.location)}\n`);
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export type SessionNode = Node;
