// The Webhook Inbox tree maps the receiver's inbox to rows, newest first, each with the context value the
// menus match and a click that shows the payload only where one was kept; a burst of changes refreshes it
// once, not once per request.
import { strict as assert } from 'node:assert';
import type { InboxEntry } from '../../../src/core/webhooks';
import type * as TreeModule from '../../../src/vscode/webhookInboxTree';
import type { EditorWebhookReceiver } from '../../../src/vscode/webhookReceiver';
import { loadWithVscode } from './vscodeStandIn';

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
  iconPath?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

class EventEmitter<T> {
  private readonly listeners: Array<(value: T) => void> = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {}
}

const { WebhookInboxTree } = loadWithVscode<typeof TreeModule>('../../../src/vscode/webhookInboxTree', {
  TreeItem,
  EventEmitter,
  TreeItemCollapsibleState: { None: 0 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
});

function anEntry(id: string, at: number, overrides: Partial<InboxEntry> = {}): InboxEntry {
  return {
    id,
    at,
    route: 'stripe',
    verification: 'verified',
    status: 200,
    bytes: 100,
    eventId: `evt_${id}`,
    eventType: 'invoice.paid',
    hasPayload: true,
    outcome: 'applied',
    outcomeDetail: undefined,
    outcomeAt: undefined,
    forwards: [],
    ...overrides,
  };
}

function fakeReceiver(entries: InboxEntry[]) {
  const listeners: Array<() => void> = [];
  const receiver = {
    state: { kind: 'stopped', profile: 'alpha' },
    entries: () => [...entries].sort((a, b) => b.at - a.at),
    onDidChange: (listener: () => void) => {
      listeners.push(listener);
      return { dispose: () => undefined };
    },
  };
  return { receiver: receiver as unknown as EditorWebhookReceiver, change: () => listeners.forEach((l) => l()) };
}

describe('WebhookInboxTree', () => {
  it('lists the requests newest first, with context values, and a payload click only where one was kept', () => {
    const { receiver } = fakeReceiver([
      anEntry('wh_1', 1000),
      anEntry('wh_3', 3000, { verification: 'badSignature', hasPayload: false, outcome: undefined, status: 400 }),
      anEntry('wh_2', 2000, { outcome: undefined }),
    ]);
    const tree = new WebhookInboxTree(receiver, 0);
    const rows = tree.getChildren().map((node) => tree.getTreeItem(node) as unknown as TreeItem);
    assert.deepEqual(
      rows.map((r) => [r.id, r.contextValue]),
      [
        ['wh_3', 'webhook.badSignature.none'],
        ['wh_2', 'webhook.verified.pending'],
        ['wh_1', 'webhook.verified.applied'],
      ],
    );
    assert.equal(rows[0]?.command, undefined, 'a refused request has no payload to show');
    assert.equal(rows[1]?.command?.command, 'lifeCockpit.showWebhookPayload');
    tree.dispose();
  });

  it('refreshes once for a burst of changes', async () => {
    const { receiver, change } = fakeReceiver([]);
    const tree = new WebhookInboxTree(receiver, 20);
    let fired = 0;
    const first = new Promise<void>((resolve) =>
      tree.onDidChangeTreeData(() => {
        fired += 1;
        resolve();
      }),
    );
    for (let i = 0; i < 100; i += 1) change();
    assert.equal(fired, 0, 'nothing fires during the burst');
    await first;
    assert.equal(fired, 1, 'the whole burst is one refresh');
    tree.dispose();
  });
});
