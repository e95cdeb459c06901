// `lc dv …`: the Dataverse Web API from the terminal — who am I, tables and their columns, queries (one
// page, or every row streamed as NDJSON with --all --json), reads, and confirmed writes and notes.
import { Command } from 'commander';
import { z } from 'zod';
import { ConfigurationError } from '../../core/config';
import type { DataverseClient, QueryOptions, Row, TableInfo } from '../../core/dataverse';
import { ValidationError } from '../../core/errors';
import { actorOfState } from '../../core/auth';
import { auditEffect, type EffectResult } from '../../core/log';
import { confirmEffect, verb, type VerbContext } from '../action';
import { connect, type Connection } from '../connect';
import { commaList, parsedBy, parseFlags, positiveInteger } from '../flags';
import type { CliOutput } from '../output';

/** Rows a page when the user does not say: small enough to show, large enough to be useful. */
const DEFAULT_PAGE_SIZE = 50;
/**
 * Rows a page for --all. A page is parsed whole (JSON.parse of its text), and 5,000 wide rows came to
 * tens of megabytes at once, so a capped heap ran out mid-stream; 1,000 keeps the peak near a fifth of
 * that for four more round trips per 5,000 rows. --page-size still takes up to 5,000.
 */
const STREAM_PAGE_SIZE = 1000;
/** Human output shows at most this many columns of a row, each cut to CELL_WIDTH. */
const MAX_COLUMNS = 6;
const CELL_WIDTH = 28;

/** Runs with the active profile's Dataverse client, signed in; the connection is closed after. */
export async function withClient<T>(
  ctx: VerbContext,
  run: (dv: DataverseClient, connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connect(ctx.runtime);
  try {
    const { profile, dataverse } = connection;
    if (!dataverse) {
      throw new ConfigurationError(`Profile ${profile.name} has no Dataverse environment: set LC_DATAVERSE_URL.`);
    }
    return await run(dataverse, connection);
  } finally {
    await connection.close();
  }
}

/** A write: signed in, then run once and audited once (who, profile, what, which record, outcome). */
function withAuditedWrite<T>(
  ctx: VerbContext,
  effect: { action: string; target: string },
  run: (dv: DataverseClient) => Promise<T>,
  made?: (value: T) => EffectResult,
): Promise<T> {
  return withClient(ctx, (dv, connection) => {
    const actor = actorOfState(connection.auth.state, connection.profile);
    const who = { actor: actor, profile: connection.profile.name };
    return auditEffect(ctx.runtime.hub.audit(), { ...who, ...effect }, () => run(dv), made);
  });
}

const columnList = parsedBy(commaList);
const count = parsedBy(positiveInteger);

function jsonObject(text: string): Row {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`--data is not JSON: ${(error as Error).message}`, {
      code: 'cli.invalidJson',
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('--data must be a JSON object of column values, like {"lastname":"Doe"}.', {
      code: 'cli.invalidJson',
    });
  }
  return value as Row;
}

function cell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > CELL_WIDTH ? `${text.slice(0, CELL_WIDTH - 1)}…` : text.padEnd(CELL_WIDTH);
}

function columnsOf(row: Row, select: string[] | undefined): string[] {
  return (select ?? Object.keys(row).filter((k) => !k.includes('@'))).slice(0, MAX_COLUMNS);
}

function tableLine(values: unknown[]): string {
  return values.map(cell).join(' ').trimEnd();
}

function renderTable(info: TableInfo): string {
  const head = `${info.logicalName} (${info.entitySet})${info.displayName ? ` "${info.displayName}"` : ''}, id ${info.primaryId}`;
  const lines = info.columns.map((c) => {
    const choices = c.choices ? `  ${c.choices.map((o) => `${o.value}=${o.label}`).join(', ')}` : '';
    const required = c.requiredLevel === 'None' ? '' : ` ${c.requiredLevel}`;
    return `  ${c.logicalName.padEnd(30)} ${c.type.padEnd(16)}${required}${choices}`;
  });
  return [head, ...lines].join('\n');
}

/** `lc dv query`'s flags as commander hands them over (each already parsed by its zod parser above). */
const queryFlags = z.object({
  select: z.array(z.string()).optional(),
  filter: z.string().optional(),
  orderBy: z.string().optional(),
  top: z.number().int().min(1).optional(),
  all: z.boolean().optional(),
  pageSize: z.number().int().min(1).max(5000, 'expected at most 5000 rows a page').optional(),
});
type QueryFlags = z.infer<typeof queryFlags>;

async function runQuery(
  out: CliOutput,
  dv: DataverseClient,
  entitySet: string,
  flags: QueryFlags,
  signal: AbortSignal,
): Promise<void> {
  const options: QueryOptions = {
    select: flags.select,
    filter: flags.filter,
    orderBy: flags.orderBy,
    top: flags.top,
    pageSize: flags.pageSize ?? (flags.all ? STREAM_PAGE_SIZE : Math.min(flags.top ?? DEFAULT_PAGE_SIZE, 5000)),
    signal,
  };
  if (flags.all) await streamAll(out, dv, entitySet, options, flags.select);
  else await firstPage(out, dv, entitySet, options, flags.select);
}

/** Every row, one a line as it arrives: nothing is collected, so any number of rows fits. */
async function streamAll(
  out: CliOutput,
  dv: DataverseClient,
  entitySet: string,
  options: QueryOptions,
  select?: string[],
): Promise<void> {
  let columns: string[] | undefined;
  let count = 0;
  for await (const row of dv.query(entitySet, options)) {
    count++;
    if (out.json) {
      await out.ndjson(row);
      continue;
    }
    if (!columns) {
      columns = columnsOf(row, select);
      await out.line(tableLine(columns));
    }
    await out.line(tableLine(columns.map((c) => row[c])));
  }
  if (!out.json) out.note(`${count} row(s)`);
}

async function firstPage(
  out: CliOutput,
  dv: DataverseClient,
  entitySet: string,
  options: QueryOptions,
  select?: string[],
): Promise<void> {
  const rows: Row[] = [];
  let more = false;
  const pages = dv.query(entitySet, { ...options, onPage: (p) => (more = p.hasMore) });
  for await (const row of pages) {
    rows.push(row);
    if (rows.length === options.pageSize) break; // one page only: leaving the loop ends the generator
  }
  // With --top the service may still offer a nextLink, but the rows asked for are all here.
  if (options.top !== undefined && rows.length >= options.top) more = false;
  out.result({ value: rows, more }, () => {
    if (rows.length === 0) return 'No rows.';
    const columns = columnsOf(rows[0], select);
    const lines = [tableLine(columns), ...rows.map((row) => tableLine(columns.map((c) => row[c])))];
    if (more) lines.push(`… more rows: use --all, or narrow with --filter / --top`);
    return lines.join('\n');
  });
}

function readCommands(dv: Command): void {
  dv.command('whoami')
    .description('Who the app is in Dataverse (WhoAmI)')
    .action(
      verb(async (ctx) => {
        const who = await withClient(ctx, (client) => client.whoAmI());
        ctx.out.result(
          who,
          () => `user ${who.UserId}\nbusiness unit ${who.BusinessUnitId}\norganization ${who.OrganizationId}`,
        );
      }),
    );
  dv.command('tables')
    .description('List the tables of the environment')
    .action(
      verb(async (ctx) => {
        const tables = await withClient(ctx, (client) => client.listTables());
        ctx.out.result(tables, () =>
          tables
            .map((t) => `${t.logicalName.padEnd(32)} ${t.entitySet.padEnd(34)} ${t.displayName ?? ''}`.trimEnd())
            .join('\n'),
        );
      }),
    );
  dv.command('table <logicalName>')
    .description('Describe a table: columns, types, required level and choice values')
    .action(
      verb(async (ctx, logicalName: string) => {
        const info = await withClient(ctx, (client) => client.getTable(logicalName));
        ctx.out.result(info, () => renderTable(info));
      }),
    );
  dv.command('query <entitySet>')
    .description('Query rows: the first page, or every row with --all (NDJSON with --json)')
    .option('--select <columns>', 'columns to return, comma-separated', columnList)
    .option('--filter <odata>', 'an OData $filter expression')
    .option('--order-by <odata>', 'an OData $orderby expression')
    .option('--top <n>', 'at most this many rows', count)
    .option('--all', 'follow every page')
    .option('--page-size <n>', 'rows a page (at most 5000)', count)
    .action(
      verb(async (ctx, entitySet: string) => {
        const flags = parseFlags(queryFlags, ctx.options);
        await withClient(ctx, (client) => runQuery(ctx.out, client, entitySet, flags, ctx.signal));
      }),
    );
  dv.command('get <entitySet> <id>')
    .description('Read one row with its ETag')
    .option('--select <columns>', 'columns to return, comma-separated', columnList)
    .action(
      verb(async (ctx, entitySet: string, id: string) => {
        const { select } = parseFlags(z.object({ select: z.array(z.string()).optional() }), ctx.options);
        const fetched = await withClient(ctx, (client) => client.get(entitySet, id, { select }));
        ctx.out.result(fetched, () =>
          [
            `etag ${fetched.etag ?? '(none)'}`,
            ...Object.entries(fetched.row)
              .filter(([k]) => !k.startsWith('@'))
              .map(([k, v]) => `${k.padEnd(32)} ${cell(v).trimEnd()}`),
          ].join('\n'),
        );
      }),
    );
}

function writeCommands(dv: Command): void {
  dv.command('create <entitySet>')
    .description('Create a row')
    .requiredOption('--data <json>', 'the column values as a JSON object')
    .action(
      verb(async (ctx, entitySet: string) => {
        const body = jsonObject(String(ctx.options.data));
        await confirmEffect(ctx, `Create a row in ${entitySet}`);
        const id = await withAuditedWrite(
          ctx,
          { action: 'dataverse.create', target: entitySet },
          (client) => client.create(entitySet, body),
          (created) => ({ target: `${entitySet}(${created})` }),
        );
        ctx.out.result({ id }, () => `created ${entitySet}(${id})`);
      }),
    );
  dv.command('update <entitySet> <id>')
    .description('Change columns of a row (with --if-match, only if nobody changed it since you read it)')
    .requiredOption('--data <json>', 'the column values as a JSON object')
    .option('--if-match <etag>', 'the ETag read with the row')
    .action(
      verb(async (ctx, entitySet: string, id: string) => {
        const body = jsonObject(String(ctx.options.data));
        const ifMatch = ctx.options.ifMatch as string | undefined;
        await confirmEffect(ctx, `Update ${entitySet}(${id})`);
        await withAuditedWrite(ctx, { action: 'dataverse.update', target: `${entitySet}(${id})` }, (client) =>
          client.update(entitySet, id, body, { ifMatch }),
        );
        ctx.out.result({ id, updated: true }, () => `updated ${entitySet}(${id})`);
      }),
    );
  dv.command('delete <entitySet> <id>')
    .description('Delete a row')
    .option('--if-match <etag>', 'the ETag read with the row')
    .action(
      verb(async (ctx, entitySet: string, id: string) => {
        const ifMatch = ctx.options.ifMatch as string | undefined;
        await confirmEffect(ctx, `Delete ${entitySet}(${id})`, 'This cannot be undone.');
        await withAuditedWrite(ctx, { action: 'dataverse.delete', target: `${entitySet}(${id})` }, (client) =>
          client.delete(entitySet, id, { ifMatch }),
        );
        ctx.out.result({ id, deleted: true }, () => `deleted ${entitySet}(${id})`);
      }),
    );
  dv.command('note <entitySet> <id>')
    .description('Attach a note to a row')
    .requiredOption('--subject <text>', 'the note title')
    .requiredOption('--text <text>', 'the note body')
    .action(
      verb(async (ctx, entitySet: string, id: string) => {
        const note = { subject: String(ctx.options.subject), text: String(ctx.options.text) };
        await confirmEffect(ctx, `Add the note "${note.subject}" to ${entitySet}(${id})`);
        const noteId = await withAuditedWrite(
          ctx,
          { action: 'dataverse.note', target: `${entitySet}(${id})` },
          (client) => client.addNote(entitySet, id, note),
          (created) => ({ detail: { noteId: created } }),
        );
        ctx.out.result({ id: noteId }, () => `added note ${noteId}`);
      }),
    );
}

export function dvCommand(): Command {
  const dv = new Command('dv').description('Dataverse: tables, queries, rows and notes');
  readCommands(dv);
  writeCommands(dv);
  return dv;
}
