// Dataverse in the editor: a tree of tables (expandable to columns) read from stores, and the
// Query Table / Open Record / Add Note flows. Long queries show paging progress and can be
// cancelled: the editor's token becomes the AbortSignal the HTTP layer honours.
import * as vscode from 'vscode';
import { isGuid, type TableSummary } from '../core/dataverse';
import { CancelledError } from '../core/errors';
import { actorOfState } from '../core/auth';
import { auditEffect } from '../core/log';
import { confirmEffect } from './confirmEffect';
import { Disposable } from './lifecycle';
import type { DataverseClients, ProfileSession } from './profileSession';
import type { EditorServices } from './services';

type Node =
  | { kind: 'table'; table: TableSummary }
  | { kind: 'column'; table: string; name: string; type: string; detail: string }
  | { kind: 'message'; text: string };

/** Rows a results document holds at most; the count line says when more matched. */
const DOCUMENT_ROW_LIMIT = 20_000;

/**
 * Maps the session's table and column stores to tree items. getChildren never calls the network: a
 * table's columns load when the view expands it (attach), and one listener per store serves every refresh.
 */
export class DataverseTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly emitter = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly session: ProfileSession) {
    super();
    this.register(session.tables.onDidChange(() => this.emitter.fire(undefined)));
    this.register(session.onDidChangeColumns(() => this.emitter.fire(undefined)));
  }

  /** Loads a table's columns when the view expands it. */
  attach(view: vscode.TreeView<Node>): void {
    this.register(
      view.onDidExpandElement(({ element }) => {
        if (element.kind === 'table') void this.session.loadColumns(element.table.logicalName);
      }),
    );
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const { data, error, loading } = this.session.tables.current;
      // Nothing fetched and nothing under way (signed out): an empty tree lets the welcome view show.
      if (!data && !error && !loading) return [];
      if (!data) return [{ kind: 'message', text: error?.message ?? 'Loading tables…' }];
      return [...data]
        .sort((a, b) => a.logicalName.localeCompare(b.logicalName))
        .map((table) => ({ kind: 'table', table }));
    }
    if (node.kind !== 'table') return [];
    const { data, error } = this.session.columns(node.table.logicalName)?.current ?? {};
    if (!data) return [{ kind: 'message', text: error?.message ?? 'Loading columns…' }];
    return data.columns.map((c) => ({
      kind: 'column',
      table: node.table.logicalName,
      name: c.logicalName,
      type: c.type,
      detail: [
        c.type,
        c.requiredLevel !== 'None' ? c.requiredLevel : '',
        c.choices ? c.choices.map((o) => `${o.value}=${o.label}`).join(', ') : '',
      ]
        .filter(Boolean)
        .join(' · '),
    }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'table') {
      const item = new vscode.TreeItem(
        node.table.displayName ?? node.table.logicalName,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `table.${node.table.logicalName}`;
      item.description = node.table.entitySet;
      item.iconPath = new vscode.ThemeIcon('table');
      item.contextValue = 'dataverse.table';
      item.tooltip = `${node.table.logicalName} (${node.table.entitySet})`;
      return item;
    }
    const item = new vscode.TreeItem(node.name);
    item.id = `column.${node.table}.${node.name}`;
    item.description = node.detail;
    item.iconPath = new vscode.ThemeIcon('symbol-field');
    item.contextValue = 'dataverse.column';
    return item;
  }
}

export type DataverseNode = Node;

async function pickTable(s: EditorServices, c: DataverseClients, node?: unknown): Promise<TableSummary> {
  const given = node as DataverseNode | undefined;
  if (given?.kind === 'table') return given.table;
  const tables = s.session.tables.current.data ?? (await c.dataverse.listTables());
  const pick = await vscode.window.showQuickPick(
    tables.map((t) => ({ label: t.displayName ?? t.logicalName, description: t.entitySet, table: t })),
    { title: 'Dataverse table', matchOnDescription: true },
  );
  if (!pick) throw new CancelledError();
  return pick.table;
}

export async function queryTable(s: EditorServices, c: DataverseClients, node?: unknown): Promise<void> {
  const dv = c.dataverse;
  const table = await pickTable(s, c, node);
  const info = await dv.getTable(table.logicalName);
  const columnPicks = await vscode.window.showQuickPick(
    info.columns.map((c) => ({ label: c.logicalName, description: c.type, picked: c.isPrimaryId || c.isPrimaryName })),
    { title: `Columns of ${table.logicalName}`, canPickMany: true },
  );
  if (!columnPicks) throw new CancelledError();
  const filter = await vscode.window.showInputBox({
    title: `Filter on ${table.entitySet} (OData $filter, optional)`,
    placeHolder: `e.g. ${info.primaryName ?? 'name'} ne null`,
    ignoreFocusOut: true,
  });
  if (filter === undefined) throw new CancelledError();
  const format = await vscode.window.showQuickPick(['JSON', 'CSV'], { title: 'Results as' });
  if (!format) throw new CancelledError();
  const select = columnPicks.map((c) => c.label);
  const rows: Array<Record<string, unknown>> = [];
  let total: number | undefined;
  let matched = 0;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Querying ${table.entitySet}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        for await (const row of dv.query(table.entitySet, {
          select,
          filter: filter.trim() || undefined,
          count: true,
          pageSize: 1000,
          signal: controller.signal,
          onPage: (page) => {
            total ??= page.totalCount;
            progress.report({
              message: `page ${page.pageNumber}, ${matched + page.rowCount} rows${total !== undefined ? ` of ${total}${total >= 5000 ? '+' : ''}` : ''}`,
            });
          },
        })) {
          matched++;
          if (rows.length < DOCUMENT_ROW_LIMIT) rows.push(row);
        }
      } finally {
        cancel.dispose();
      }
    },
  );
  s.log.info('query ran', { table: table.entitySet, rows: matched, columns: select.length });
  const header = `${matched} row(s) from ${table.entitySet}${filter.trim() ? ` where ${filter.trim()}` : ''}${matched > rows.length ? ` (first ${rows.length} shown)` : ''}`;
  if (format === 'CSV') await s.documents.show(`${table.entitySet}.csv`, toCsv(select, rows, header));
  else
    await s.documents.show(
      `${table.entitySet}.json`,
      JSON.stringify({ count: matched, table: table.entitySet, filter: filter.trim() || null, rows }, null, 2),
      'json',
    );
}

export function toCsv(
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, unknown>>,
  comment?: string,
): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))];
  return (comment ? `# ${comment}\n` : '') + lines.join('\n') + '\n';
}

async function askRecordId(table: TableSummary): Promise<string> {
  const id = await vscode.window.showInputBox({
    title: `Id of the ${table.logicalName} record`,
    validateInput: (v) => (isGuid(v.trim()) ? undefined : 'A GUID such as 7d577253-3ef0-4a0a-bb7f-8335c2596e70'),
    ignoreFocusOut: true,
  });
  if (!id) throw new CancelledError();
  return id.trim();
}

export async function openRecord(s: EditorServices, c: DataverseClients, node?: unknown): Promise<void> {
  const dv = c.dataverse;
  const table = await pickTable(s, c, node);
  const id = await askRecordId(table);
  const [record, notes] = await Promise.all([dv.get(table.entitySet, id, { formatted: true }), dv.listNotes(id)]);
  await s.documents.show(
    `${table.logicalName}(${id}).json`,
    JSON.stringify({ etag: record.etag, record: record.row, notes }, null, 2),
    'json',
  );
}

export async function addNoteToRecord(s: EditorServices, c: DataverseClients, node?: unknown): Promise<void> {
  const dv = c.dataverse;
  const table = await pickTable(s, c, node);
  const id = await askRecordId(table);
  const subject = await vscode.window.showInputBox({
    title: 'Note subject',
    validateInput: (v) => (v.trim() ? undefined : 'A subject, please.'),
    ignoreFocusOut: true,
  });
  if (!subject) throw new CancelledError();
  const text = await vscode.window.showInputBox({ title: 'Note text', ignoreFocusOut: true });
  if (text === undefined) throw new CancelledError();
  await confirmEffect(c.profile, `Add a note to ${table.logicalName} ${id}`);
  await auditEffect(
    s.hub.audit(),
    {
      actor: actorOfState(s.auth.state, c.profile),
      profile: c.profile.name,
      action: 'dataverse.note',
      target: `${table.entitySet}(${id})`,
    },
    () => dv.addNote(table, id, { subject: subject.trim(), text }),
    (created) => ({ detail: { noteId: created } }),
  );
  void vscode.window.showInformationMessage(`Note added to ${table.logicalName} ${id}.`);
}
