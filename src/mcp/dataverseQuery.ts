// dataverse_query: a plain, read-only, row-capped query on one table of the practice mapping, and nothing
// else. Another table, a path or key segment, query options smuggled into the filter ($expand, $apply),
// navigation through lookups into other tables, lambda operators and fetchXml are refused before any
// request is made; what is left is one GET of at most 100 rows, its values percent-encoded by the client.
import { filters, type DataverseClient, type Row } from '../core/dataverse';
import { PolicyError, ValidationError } from '../core/errors';
import type { TableMapping, TableNames } from '../core/practice';

export const DEFAULT_QUERY_ROWS = 20;
export const MAX_QUERY_ROWS = 100;

export interface AgentQuery {
  table: string;
  select?: string[] | undefined;
  filter?: string | undefined;
  orderBy?: string | undefined;
  top?: number | undefined;
}

/** The entity sets of the practice mapping: the only tables the agent may read. */
export function practiceTables(tables: TableMapping): TableNames[] {
  return [tables.client, tables.session, tables.scheduledMessage, tables.messageLog, tables.note];
}

/** The table named by entity set or logical name, when the practice mapping has it; a PolicyError otherwise. */
export function practiceTable(tables: TableMapping, name: string): TableNames {
  const wanted = name.trim().toLowerCase();
  const table = practiceTables(tables).find(
    (t) => t.entitySet.toLowerCase() === wanted || t.logicalName.toLowerCase() === wanted,
  );
  if (table) return table;
  throw new PolicyError(
    `dataverse_query reads only the practice's tables (${practiceTables(tables)
      .map((t) => t.entitySet)
      .join(', ')}), not "${name}". Nothing was read.`,
    { code: 'mcp.tableNotAllowed', detail: { table: name } },
  );
}

/** Text outside the filter's string literals (`'it''s'` counts as one literal), where operators live. */
function outsideLiterals(filter: string): string {
  return filter.replace(/'(?:[^']|'')*'/g, "''");
}

const NOT_PLAIN: Array<[RegExp, string]> = [
  [/\$/, 'query options inside the filter ($expand, $apply, …)'],
  [/\//, 'navigation through lookups into other tables'],
  [/\b(any|all)\s*\(/i, 'lambda operators (any, all)'],
  [/\bMicrosoft\.Dynamics\.CRM\./i, 'Dataverse query functions'],
  [/[?&#;]/, 'URL separators'],
];

/** Refuses a filter that is not a plain condition on the table's own columns. */
export function checkPlainFilter(filter: string): string {
  const text = filter.trim();
  if (text === '')
    throw new ValidationError('filter is empty: leave it out to read the first rows.', { code: 'mcp.emptyFilter' });
  if ((text.match(/'/g) ?? []).length % 2 !== 0) {
    throw new ValidationError("filter has an unclosed string literal (quote ' as '').", { code: 'mcp.invalidFilter' });
  }
  const operators = outsideLiterals(text);
  for (const [pattern, what] of NOT_PLAIN) {
    if (pattern.test(operators)) {
      throw new PolicyError(
        `dataverse_query takes a plain condition on the table's own columns; ${what} are not allowed. Nothing was read.`,
        { code: 'mcp.queryNotPlain' },
      );
    }
  }
  return text;
}

const ORDER_BY = /^\s*[A-Za-z_][A-Za-z0-9_]*(\s+(asc|desc))?(\s*,\s*[A-Za-z_][A-Za-z0-9_]*(\s+(asc|desc))?)*\s*$/i;

export async function runAgentQuery(
  dv: DataverseClient,
  tables: TableMapping,
  query: AgentQuery,
  signal?: AbortSignal,
): Promise<{ table: string; rows: Row[]; more: boolean }> {
  const table = practiceTable(tables, query.table);
  const select = query.select?.map((c) => filters.checkColumn(c.trim()));
  const filter = query.filter === undefined ? undefined : checkPlainFilter(query.filter);
  if (query.orderBy !== undefined && !ORDER_BY.test(query.orderBy)) {
    throw new ValidationError(
      `orderBy: expected columns with asc or desc, such as "createdon desc", not "${query.orderBy}".`,
      {
        code: 'mcp.invalidOrderBy',
      },
    );
  }
  const top = Math.min(query.top ?? DEFAULT_QUERY_ROWS, MAX_QUERY_ROWS);
  const rows: Row[] = [];
  let more = false;
  // One more row than asked for says whether more match, without a count query.
  for await (const row of dv.query(table.entitySet, {
    ...(select ? { select } : {}),
    ...(filter ? { filter } : {}),
    ...(query.orderBy ? { orderBy: query.orderBy.trim() } : {}),
    top: top + 1,
    pageSize: top + 1,
    ...(signal ? { signal } : {}),
  })) {
    if (rows.length === top) {
      more = true;
      break;
    }
    rows.push(withoutODataNoise(row));
  }
  return { table: table.entitySet, rows, more };
}

/** The row's columns, with the ETag and context annotations left out (formatted values stay). */
function withoutODataNoise(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !key.startsWith('@odata.')));
}
