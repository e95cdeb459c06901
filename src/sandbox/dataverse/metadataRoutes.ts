// The metadata routes: EntityDefinitions (collection, by LogicalName or MetadataId) with $select,
// $filter and $expand=Attributes(…), their Attributes (optionally cast to a derived type such as
// Microsoft.Dynamics.CRM.PicklistAttributeMetadata) with $expand=OptionSet/GlobalOptionSet.

import { jsonResponse, type ApiContext, type ApiRequest, type ApiResponse } from './apiTypes';
import { badQuery, DataverseError, resourceNotFound, unknownProperty } from './errors';
import { parseFilter } from './filter';
import { compileFilter, type Predicate } from './filterCompile';
import { attributeMetadata, entityMetadata, metadataTypeOf, optionSetMetadata } from './metadataModel';
import { splitTopLevel } from './queryOptions';
import type { ColumnDef, TableDef } from './schema';
import { normalizeGuid } from './wireValues';

type Item = Record<string, unknown>;

interface ItemOptions {
  select?: string[];
  filter?: Predicate<Item>;
  expand: { name: string; options: ItemOptions }[];
}

function edmOfSample(value: unknown): string {
  if (typeof value === 'boolean') return 'Edm.Boolean';
  if (typeof value === 'number') return 'Edm.Int32';
  return 'Edm.String';
}

/** $filter over metadata objects: property types come from a sample item. */
function compileItemFilter(text: string, sample: Item, typeName: string): Predicate<Item> {
  return compileFilter(parseFilter(text), (path) => {
    if (!(path in sample)) throw unknownProperty(path, typeName);
    return { edmType: edmOfSample(sample[path]), get: (item) => item[path] ?? null };
  });
}

function readItemOptions(
  entries: [string, string][],
  sample: Item,
  typeName: string,
  navigations: string[],
): ItemOptions {
  const options: ItemOptions = { expand: [] };
  for (const [key, value] of entries) {
    if (key === '$select') {
      options.select = value.split(',').map((name) => name.trim());
      for (const name of options.select) if (!(name in sample)) throw unknownProperty(name, typeName);
    } else if (key === '$filter') options.filter = compileItemFilter(value, sample, typeName);
    else if (key === '$expand') {
      for (const item of splitTopLevel(value, ',')) {
        const match = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(item);
        if (!match || !navigations.includes(match[1])) throw unknownProperty(match?.[1] ?? item, typeName);
        const nested = (match[2] ? splitTopLevel(match[2], ';') : []).map((part): [string, string] => {
          const eq = part.indexOf('=');
          return [part.slice(0, eq), part.slice(eq + 1)];
        });
        options.expand.push({ name: match[1], options: { expand: [], ...nestedOptions(nested) } });
      }
    } else if (key.startsWith('$')) throw badQuery(`The query parameter ${key} is not supported`);
  }
  return options;
}

/** Nested options are checked when applied (their item type depends on the navigation). */
function nestedOptions(entries: [string, string][]): { select?: string[]; filterText?: string } {
  const out: { select?: string[]; filterText?: string } = {};
  for (const [key, value] of entries) {
    if (key === '$select') out.select = value.split(',').map((name) => name.trim());
    else if (key === '$filter') out.filterText = value;
  }
  return out;
}

function project(item: Item, select: string[] | undefined): Item {
  if (!select) return item;
  const out: Item = {};
  if (item['@odata.type']) out['@odata.type'] = item['@odata.type'];
  for (const name of select) out[name] = item[name];
  out.MetadataId = item.MetadataId;
  return out;
}

function attributeItems(table: TableDef, cast: string | undefined): { column: ColumnDef; item: Item }[] {
  return table.columnOrder
    .filter((column) => !cast || metadataTypeOf(column) === cast)
    .map((column) => ({ column, item: attributeMetadata(table, column) }));
}

function renderAttribute(table: TableDef, column: ColumnDef, item: Item, options: ItemOptions): Item {
  const out = project(item, options.select);
  for (const expand of options.expand) {
    if (expand.name === 'OptionSet') out.OptionSet = optionSetMetadata(table, column);
    if (expand.name === 'GlobalOptionSet') out.GlobalOptionSet = null;
  }
  return out;
}

function renderEntity(table: TableDef, options: ItemOptions): Item {
  const out = project(entityMetadata(table), options.select);
  for (const expand of options.expand) {
    const nested = expand.options as ItemOptions & { filterText?: string };
    const items = attributeItems(table, undefined);
    const filter = nested.filterText
      ? compileItemFilter(nested.filterText, items[0].item, 'AttributeMetadata')
      : undefined;
    for (const name of nested.select ?? [])
      if (!(name in items[0].item)) throw unknownProperty(name, 'AttributeMetadata');
    out.Attributes = items
      .filter(({ item }) => !filter || filter(item))
      .map(({ item }) => project(item, nested.select));
  }
  return out;
}

function findTable(ctx: ApiContext, key: string): TableDef {
  const byName = /^LogicalName='([^']*)'$/.exec(key);
  const id = normalizeGuid(key);
  const table = byName
    ? ctx.schema.table(byName[1])
    : id
      ? ctx.schema.tables.find((t) => t.metadataId === id)
      : undefined;
  if (!table) throw new DataverseError(404, '0x80040217', `Could not find entity with name '${byName?.[1] ?? key}'.`);
  return table;
}

function findColumn(table: TableDef, key: string): ColumnDef {
  const byName = /^LogicalName='([^']*)'$/.exec(key);
  const column = byName ? table.columns.get(byName[1]) : undefined;
  if (!column) throw resourceNotFound(`Attributes(${key})`);
  return column;
}

const CAST = /^Microsoft\.Dynamics\.CRM\.([A-Za-z]+AttributeMetadata)$/;

export function handleMetadata(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const segments = request.resource.split('/');
  const entityMatch = /^EntityDefinitions(?:\((.*)\))?$/.exec(segments[0]);
  if (!entityMatch || request.method !== 'GET') throw resourceNotFound(segments[0]);
  const entries = [...request.query.entries()];
  const base = `${ctx.apiBase}/$metadata#EntityDefinitions`;
  if (entityMatch[1] === undefined) {
    if (segments.length > 1) throw resourceNotFound(segments[1]);
    const sample = entityMetadata(ctx.schema.tables[0]);
    const options = readItemOptions(entries, sample, 'EntityMetadata', ['Attributes']);
    const tables = ctx.schema.tables.filter((t) => !options.filter || options.filter(entityMetadata(t)));
    return jsonResponse(200, { '@odata.context': base, value: tables.map((t) => renderEntity(t, options)) });
  }
  const table = findTable(ctx, entityMatch[1]);
  if (segments.length === 1) {
    const options = readItemOptions(entries, entityMetadata(table), 'EntityMetadata', ['Attributes']);
    return jsonResponse(200, { '@odata.context': `${base}/$entity`, ...renderEntity(table, options) });
  }
  return handleAttributes(table, segments.slice(1), entries, `${base}('${table.logicalName}')`);
}

function handleAttributes(table: TableDef, segments: string[], entries: [string, string][], base: string): ApiResponse {
  const attrMatch = /^Attributes(?:\((.*)\))?$/.exec(segments[0]);
  if (!attrMatch) throw resourceNotFound(segments[0]);
  const castSegment = segments[1];
  const cast = castSegment === undefined ? undefined : CAST.exec(castSegment)?.[1];
  if (castSegment !== undefined && !cast) throw resourceNotFound(castSegment);
  if (segments.length > 2) throw resourceNotFound(segments[2]);
  const items = attributeItems(table, cast);
  const sample = items[0]?.item ?? attributeMetadata(table, table.columnOrder[0]);
  const typeName = cast ?? 'AttributeMetadata';
  const context = `${base}/Attributes${cast ? `/Microsoft.Dynamics.CRM.${cast}` : ''}`;
  if (attrMatch[1] === undefined) {
    const options = readItemOptions(entries, sample, typeName, ['OptionSet', 'GlobalOptionSet']);
    const value = items
      .filter(({ item }) => !options.filter || options.filter(item))
      .map(({ column, item }) => renderAttribute(table, column, item, options));
    return jsonResponse(200, { '@odata.context': context, value });
  }
  const column = findColumn(table, attrMatch[1]);
  if (cast && metadataTypeOf(column) !== cast) throw resourceNotFound(castSegment);
  const item = attributeMetadata(table, column);
  const options = readItemOptions(entries, item, typeName, ['OptionSet', 'GlobalOptionSet']);
  return jsonResponse(200, {
    '@odata.context': `${context}/$entity`,
    ...renderAttribute(table, column, item, options),
  });
}
