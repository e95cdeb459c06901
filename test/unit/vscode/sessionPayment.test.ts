// The Sessions view shows payment state: a row's icon color, description and tooltip say where the money
// stands, its context value lets Charge show only on chargeable rows and Refund only on paid ones, and
// Needs Attention says what clients owe in all.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeClock } from '../../builders/fakeClock';
import { DataStore } from '../../../src/core/store';
import type { Session } from '../../../src/core/sessions';
import { isChargeable, sessionItemView } from '../../../src/vscode/sessionItem';
import { aSession } from '../../builders/sessionBuilder';
import { loadWithVscode } from './vscodeStandIn';

type Tree = typeof import('../../../src/vscode/sessionsTree');

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const rowMenus = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' };

function rowsShowing(command: string, values: readonly string[]): string[] {
  const clauses = rowMenus.filter((e) => e.command === command && e.when.includes('view == lifeCockpit.sessions'));
  assert.ok(clauses.length > 0, `${command} is in no context menu of the Sessions view`);
  return values.filter((value) =>
    clauses.some((c) => new RegExp(/viewItem =~ \/(.+?)\//.exec(c.when)?.[1] as string).test(value)),
  );
}

const STATUSES: Session['status'][] = ['scheduled', 'attended', 'noShow', 'canceled'];
const PAYMENTS: Session['payment'][] = ['none', 'unpaid', 'invoiced', 'paid', 'failed', 'refunded'];

function everyRow(): Session[] {
  const rows: Session[] = [];
  for (const status of STATUSES)
    for (const payment of PAYMENTS)
      for (const fee of [9000, undefined]) rows.push({ ...aSession().fee(fee).build(), status, payment });
  return rows;
}

describe('payment state in the Sessions view', () => {
  it('offers Charge Session exactly on attended rows with a fee that are not invoiced, paid or refunded', () => {
    const rows = everyRow();
    const values = rows.map((s) => sessionItemView(s, berlin).contextValue);
    const expected = rows.filter(isChargeable).map((s) => sessionItemView(s, berlin).contextValue);
    assert.deepEqual(rowsShowing('lifeCockpit.chargeSession', values).sort(), [...new Set(expected)].sort());
    assert.deepEqual([...new Set(expected)].sort(), [
      'session.attended.failed',
      'session.attended.none',
      'session.attended.unpaid',
    ]);
    assert.ok(!rowsShowing('lifeCockpit.chargeSession', ['session.attended.unpaid.noFee']).length);
  });

  it('offers Refund Session on paid rows only, and the Stripe actions only where Stripe has something', () => {
    const values = [...new Set(everyRow().map((s) => sessionItemView(s, berlin).contextValue))];
    const refund = rowsShowing('lifeCockpit.refundSession', values);
    assert.ok(refund.length > 0);
    assert.ok(
      refund.every((v) => /^session\.\w+\.paid(\.noFee)?$/.test(v)),
      refund.join(', '),
    );
    const dashboard = rowsShowing('lifeCockpit.openInStripeDashboard', values);
    assert.ok(
      dashboard.every((v) => /\.(invoiced|failed|paid|refunded)(\.noFee)?$/.test(v)),
      dashboard.join(', '),
    );
    assert.ok(!dashboard.some((v) => /\.(none|unpaid)(\.|$)/.test(v)));
  });

  it('keeps the context value of a row with a fee as it was, and marks a row without one', () => {
    assert.equal(
      sessionItemView(aSession().attended().unpaid().build(), berlin).contextValue,
      'session.attended.unpaid',
    );
    assert.equal(
      sessionItemView(aSession().attended().unpaid().fee(undefined).build(), berlin).contextValue,
      'session.attended.unpaid.noFee',
    );
  });

  it('tints the icon by payment and says in the tooltip what to do next', () => {
    const invoiced = sessionItemView(aSession().attended().payment('invoiced').build(), berlin);
    assert.equal(invoiced.iconColor, 'charts.blue');
    assert.match(invoiced.description, /invoiced 90\.00$/);
    assert.match(invoiced.tooltip, /waiting for the client to pay/);
    assert.equal(sessionItemView(aSession().attended().paid().build(), berlin).iconColor, 'charts.green');
    assert.equal(sessionItemView(aSession().attended().payment('failed').build(), berlin).iconColor, 'charts.red');
    const unpaid = sessionItemView(aSession().attended().unpaid().build(), berlin);
    assert.match(unpaid.tooltip, /Charge Session sends the client a Stripe invoice/);
    assert.equal(sessionItemView(aSession().canceled().build(), berlin).iconColor, undefined);
  });
});

describe('Needs Attention in the Sessions tree', () => {
  class TreeItem {
    description?: string;
    tooltip?: unknown;
    id?: string;
    contextValue?: string;
    iconPath?: unknown;
    constructor(
      public label: string,
      public collapsibleState: number,
    ) {}
  }
  class EventEmitter {
    event = () => ({ dispose: () => undefined });
    fire(): void {}
    dispose(): void {}
  }
  class ThemeIcon {
    constructor(
      public id: string,
      public color?: unknown,
    ) {}
  }
  class ThemeColor {
    constructor(public id: string) {}
  }
  class MarkdownString {
    constructor(public value: string) {}
  }
  const standIn = {
    TreeItem,
    EventEmitter,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  };
  const { SessionsTree, groupDescription } = loadWithVscode<Tree>('../../../src/vscode/sessionsTree', standIn);
  const now = Date.parse('2026-11-25T12:00:00Z');

  async function treeOf(sessions: Session[], currency = 'eur') {
    const clock = new FakeClock(false, now);
    const store = new DataStore<Session[]>(clock);
    await store.refresh(async () => sessions);
    const tree = new SessionsTree(store, clock, () => currency);
    const group = tree.getChildren().find((n) => n.kind === 'group' && n.name === 'needsAttention');
    assert.ok(group);
    return { tree, item: tree.getTreeItem(group) as unknown as TreeItem };
  }

  it('says what attended sessions owe in all, unpaid, invoiced and failed alike, in the fees’ currency', async () => {
    const { item } = await treeOf(
      [
        aSession().at('2026-11-20T10:00:00Z').attended().unpaid().build(),
        aSession().at('2026-11-21T10:00:00Z').attended().payment('invoiced').fee(12050).build(),
        aSession().at('2026-11-22T10:00:00Z').attended().paid().build(),
        aSession().at('2026-11-30T10:00:00Z').build(),
      ],
      'chf',
    );
    assert.equal(item.description, '1 · 210.50 CHF owed');
    assert.match(String(item.tooltip), /210\.50 CHF owed for 2 attended sessions/);
  });

  it('keeps to the last 30 days when the store holds the dashboard’s 14 weeks', async () => {
    const { tree, item } = await treeOf([
      aSession().at('2026-11-20T10:00:00Z').attended().unpaid().build(),
      aSession().at('2026-10-10T10:00:00Z').attended().unpaid().fee(5000).build(),
      aSession().at('2026-09-20T10:00:00Z').build(),
    ]);
    assert.equal(item.description, '1 · 90.00 EUR owed');
    const counts = Object.fromEntries(
      tree.getChildren().flatMap((n) => (n.kind === 'group' ? [[n.name, n.count]] : [])),
    ) as Record<string, number>;
    assert.deepEqual(counts, { today: 0, thisWeek: 0, later: 0, needsAttention: 1, past: 1 });
  });

  it('shows only the count when nothing is owed', async () => {
    const { item } = await treeOf([aSession().at('2026-11-22T10:00:00Z').attended().paid().build()]);
    assert.equal(item.description, '0');
    assert.equal(groupDescription(3, undefined), '3');
  });

  it('tints a session row’s icon by its payment', async () => {
    const { tree } = await treeOf([aSession().at('2026-11-20T10:00:00Z').attended().unpaid().build()]);
    const [group] = tree.getChildren().filter((n) => n.kind === 'group' && n.name === 'needsAttention');
    const [row] = tree.getChildren(group);
    assert.ok(row);
    const icon = (tree.getTreeItem(row) as unknown as TreeItem).iconPath as ThemeIcon;
    assert.equal(icon.id, 'pass');
    assert.equal((icon.color as ThemeColor).id, 'charts.yellow');
  });
});
