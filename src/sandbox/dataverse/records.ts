// Entity-set and record routes: query a collection (paged, with nextLink), read one record or one
// property (If-None-Match → 304), create (204 + OData-EntityId, or 201 with return=representation),
// update and upsert with PATCH (If-Match / If-None-Match as perform-conditional-operations documents),
// and delete. Every write bumps versionnumber and modifiedon and records who made it.

import { jsonResponse, emptyResponse, type ApiContext, type ApiRequest, type ApiResponse } from './apiTypes';
import { badPayload, DataverseError, recordNotFound, resourceNotFound } from './errors';
import { deriveColumns, readPayload, reconcileState } from './payload';
import { encodeSkipTokenForUrl, readSkipToken, writeSkipToken } from './pagingCookie';
import { MAX_PAGE_SIZE } from './queryEngine';
import { parseQueryOptions, type QueryPlan } from './queryOptions';
import { contextFragment, etagOf, serializeRow } from './serialize';
import { isLookupType, type Row, type TableDef } from './schema';
import { formatDateTime } from './wireValues';
import { APPOINTMENT_STATE, APPOINTMENT_STATUS, DEFAULT_TABLES } from '../../core/practice';

const TOTAL_COUNT = 'Microsoft.Dynamics.CRM.totalrecordcount';
const TOTAL_COUNT_EXCEEDED = 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded';

function appliedPreferences(ctx: ApiContext, extra: string[] = []): Record<string, string> {
  const applied = [...extra];
  if (ctx.prefs.annotationsText !== undefined) applied.push(`odata.include-annotations="${ctx.prefs.annotationsText}"`);
  return applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {};
}

function entityUrl(ctx: ApiContext, table: TableDef, id: string): string {
  return `${ctx.apiBase}/${table.entitySet}(${id})`;
}

/** Query values re-encoded for a nextLink, keeping OData punctuation readable as the service does. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%(24|2C|28|29|27|3A|40|2F)/g, (escape) => decodeURIComponent(escape));
}

function nextLink(ctx: ApiContext, table: TableDef, query: URLSearchParams, skipToken: string): string {
  const parts: string[] = [];
  for (const [key, value] of query) {
    if (key !== '$skiptoken') parts.push(`${key}=${encodeQueryValue(value)}`);
  }
  parts.push(`$skiptoken=${encodeSkipTokenForUrl(skipToken)}`);
  return `${ctx.apiBase}/${table.entitySet}?${parts.join('&')}`;
}

export function queryCollection(ctx: ApiContext, table: TableDef, request: ApiRequest): ApiResponse {
  const plan = parseQueryOptions(table, request.query, ctx.store);
  const requested = ctx.prefs.maxPageSize;
  const pageSize = requested && requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
  const cookie = plan.skipToken ? readSkipToken(plan.skipToken) : undefined;
  const page = ctx.engine.run(ctx.store.rows(table.logicalName), plan, pageSize, cookie);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.apiBase}/$metadata#${contextFragment(table.entitySet, plan)}`,
  };
  if (page.count !== undefined) {
    body['@odata.count'] = Math.min(page.count, MAX_PAGE_SIZE);
    if (ctx.prefs.annotations?.allows(TOTAL_COUNT)) body[`@${TOTAL_COUNT}`] = Math.min(page.count, MAX_PAGE_SIZE);
    if (ctx.prefs.annotations?.allows(TOTAL_COUNT_EXCEEDED))
      body[`@${TOTAL_COUNT_EXCEEDED}`] = page.count > MAX_PAGE_SIZE;
  }
  const options = { select: plan.select, expand: plan.expand, annotations: ctx.prefs.annotations };
  body.value = page.rows.map((row) => serializeRow(table, row, options, ctx.store));
  if (page.next) body['@odata.nextLink'] = nextLink(ctx, table, request.query, writeSkipToken(page.next));
  const applied = requested !== undefined ? [`odata.maxpagesize=${pageSize}`] : [];
  return jsonResponse(200, body, appliedPreferences(ctx, applied));
}

function singleRecordBody(
  ctx: ApiContext,
  table: TableDef,
  row: Row,
  plan: Pick<QueryPlan, 'select' | 'expand'>,
): Record<string, unknown> {
  return {
    '@odata.context': `${ctx.apiBase}/$metadata#${contextFragment(table.entitySet, plan)}/$entity`,
    ...serializeRow(table, row, { ...plan, annotations: ctx.prefs.annotations }, ctx.store),
  };
}

/** `If-None-Match: null` is what the docs tell clients to send to defeat caching: it means "no condition". */
function conditionHeader(request: ApiRequest, name: 'if-match' | 'if-none-match'): string | undefined {
  const value = request.headers[name]?.trim();
  return value === undefined || value === '' || value === 'null' ? undefined : value;
}

export function readRecord(ctx: ApiContext, table: TableDef, id: string, request: ApiRequest): ApiResponse {
  const row = existingRow(ctx, table, id);
  const ifNoneMatch = conditionHeader(request, 'if-none-match');
  if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch === etagOf(row))) return emptyResponse(304);
  const plan = parseQueryOptions(table, request.query, ctx.store);
  return jsonResponse(200, singleRecordBody(ctx, table, row, plan), appliedPreferences(ctx));
}

export function readProperty(
  ctx: ApiContext,
  table: TableDef,
  id: string,
  property: string,
  request: ApiRequest,
): ApiResponse {
  const row = existingRow(ctx, table, id);
  const nav = table.navigations.get(property);
  if (nav) {
    const ref = row[nav.column] as { id: string; table: string } | null;
    const target = ref && ref.table === nav.target ? ctx.store.rows(nav.target).get(ref.id) : undefined;
    if (!target) return emptyResponse(204);
    const targetTable = ctx.store.rows(nav.target).def;
    return jsonResponse(
      200,
      singleRecordBody(ctx, targetTable, target, parseQueryOptions(targetTable, request.query, ctx.store)),
    );
  }
  const column = table.columns.get(/^_(.+)_value$/.exec(property)?.[1] ?? property);
  if (!column) throw resourceNotFound(property);
  const raw = row[column.logicalName] ?? null;
  const value = isLookupType(column.type) ? ((raw as { id: string } | null)?.id ?? null) : raw;
  if (value === null) return emptyResponse(204);
  return jsonResponse(200, {
    '@odata.context': `${ctx.apiBase}/$metadata#${table.entitySet}(${id})/${property}`,
    value,
  });
}

function parseBody(table: TableDef, text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch (error) {
    throw badPayload(table.entitySet, `Invalid JSON. ${(error as Error).message}`);
  }
}

function defaultState(table: TableDef): { statecode?: number; statuscode?: number } {
  if (!table.columns.has('statecode')) return {};
  // A new appointment is a booked session: Scheduled / Busy.
  if (table.logicalName === DEFAULT_TABLES.session.logicalName) {
    return { statecode: APPOINTMENT_STATE.scheduled, statuscode: APPOINTMENT_STATUS.busy };
  }
  return { statecode: 0, statuscode: 1 };
}

function auditOnCreate(ctx: ApiContext, table: TableDef, row: Row): void {
  const now = formatDateTime(ctx.now());
  const user = { id: ctx.caller.userId, table: 'systemuser' };
  const delegate =
    ctx.caller.userId !== ctx.caller.realUserId ? { id: ctx.caller.realUserId, table: 'systemuser' } : null;
  Object.assign(row, { createdon: now, modifiedon: now, createdby: user, modifiedby: user });
  Object.assign(row, {
    createdonbehalfby: delegate,
    modifiedonbehalfby: delegate,
    versionnumber: ctx.store.nextVersion(),
  });
  if (table.columns.has('ownerid') && !row.ownerid) row.ownerid = user;
  if (table.columns.has('owningbusinessunit'))
    row.owningbusinessunit = { id: ctx.caller.businessUnitId, table: 'businessunit' };
}

function auditOnUpdate(ctx: ApiContext, row: Row): void {
  row.modifiedon = formatDateTime(ctx.now());
  row.modifiedby = { id: ctx.caller.userId, table: 'systemuser' };
  row.modifiedonbehalfby =
    ctx.caller.userId !== ctx.caller.realUserId ? { id: ctx.caller.realUserId, table: 'systemuser' } : null;
  row.versionnumber = ctx.store.nextVersion();
}

function insertRow(ctx: ApiContext, table: TableDef, id: string, changes: Row): Row {
  const row: Row = {};
  for (const column of table.columnOrder) row[column.logicalName] = null;
  Object.assign(row, defaultState(table), table.columns.has('isdocument') ? { isdocument: false } : {}, changes);
  row[table.primaryId] = id;
  reconcileState(table, row, changes);
  deriveColumns(table, row);
  auditOnCreate(ctx, table, row);
  ctx.store.put(table.logicalName, row);
  ctx.store.recordChange({
    at: row.createdon as string,
    table: table.logicalName,
    id,
    operation: 'create',
    by: ctx.caller.userId,
  });
  return row;
}

function updateRow(ctx: ApiContext, table: TableDef, existing: Row, changes: Row): Row {
  const row: Row = { ...existing, ...changes };
  row[table.primaryId] = existing[table.primaryId];
  reconcileState(table, row, changes);
  deriveColumns(table, row);
  auditOnUpdate(ctx, row);
  ctx.store.put(table.logicalName, row);
  const id = row[table.primaryId] as string;
  ctx.store.recordChange({
    at: row.modifiedon as string,
    table: table.logicalName,
    id,
    operation: 'update',
    by: ctx.caller.userId,
  });
  return row;
}

function writeResponse(ctx: ApiContext, table: TableDef, row: Row, created: boolean, request: ApiRequest): ApiResponse {
  const url = entityUrl(ctx, table, row[table.primaryId] as string);
  if (ctx.prefs.returnRepresentation) {
    const plan = parseQueryOptions(table, request.query, ctx.store);
    const body = singleRecordBody(ctx, table, row, plan);
    return {
      ...jsonResponse(created ? 201 : 200, body, appliedPreferences(ctx, ['return=representation'])),
      entityUrl: url,
    };
  }
  return { ...emptyResponse(204, { 'OData-EntityId': url }), entityUrl: url };
}

const DUPLICATE = (): DataverseError =>
  new DataverseError(412, '0x80040237', 'A record with matching key values already exists.');

export function createRecord(ctx: ApiContext, table: TableDef, request: ApiRequest): ApiResponse {
  const body = parseBody(table, request.body);
  const changes = readPayload(table, body, ctx);
  const requestedId = changes[table.primaryId];
  const rows = ctx.store.rows(table.logicalName);
  let id: string;
  if (typeof requestedId === 'string') {
    id = requestedId;
    if (rows.get(id)) throw DUPLICATE();
  } else {
    // A seeded PRNG restarts with the sandbox while imported rows persist: draw until the id is free.
    do id = ctx.newId();
    while (rows.get(id));
  }
  return writeResponse(ctx, table, insertRow(ctx, table, id, changes), true, request);
}

function checkIfMatch(table: TableDef, id: string, existing: Row | undefined, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  if (!existing) throw recordNotFound(table.logicalName, id);
  if (ifMatch !== '*' && ifMatch !== etagOf(existing)) {
    // ConcurrencyVersionMismatch (-2147088254)
    throw new DataverseError(
      412,
      '0x80060882',
      "The version of the existing record doesn't match the RowVersion property provided.",
    );
  }
}

/** PATCH is an upsert unless If-Match forbids creating; `If-None-Match: *` forbids updating. */
export function patchRecord(ctx: ApiContext, table: TableDef, id: string, request: ApiRequest): ApiResponse {
  const existing = ctx.store.rows(table.logicalName).get(id);
  if (conditionHeader(request, 'if-none-match') === '*' && existing) throw DUPLICATE();
  checkIfMatch(table, id, existing, conditionHeader(request, 'if-match'));
  const changes = readPayload(table, parseBody(table, request.body), ctx);
  delete changes[table.primaryId];
  const row = existing ? updateRow(ctx, table, existing, changes) : insertRow(ctx, table, id, changes);
  return writeResponse(ctx, table, row, !existing, request);
}

/** `PUT …/contacts(id)/lastname` with `{"value": …}` sets one column. */
export function putProperty(
  ctx: ApiContext,
  table: TableDef,
  id: string,
  property: string,
  request: ApiRequest,
): ApiResponse {
  const existing = existingRow(ctx, table, id);
  const body = parseBody(table, request.body) as { value?: unknown };
  const changes = readPayload(table, { [property]: body?.value ?? null }, ctx);
  updateRow(ctx, table, existing, changes);
  return emptyResponse(204);
}

export function deleteRecord(ctx: ApiContext, table: TableDef, id: string, request: ApiRequest): ApiResponse {
  const existing = existingRow(ctx, table, id);
  checkIfMatch(table, id, existing, conditionHeader(request, 'if-match'));
  ctx.store.remove(table.logicalName, id);
  ctx.store.recordChange({
    at: formatDateTime(ctx.now()),
    table: table.logicalName,
    id,
    operation: 'delete',
    by: ctx.caller.userId,
  });
  return emptyResponse(204);
}

/** The row with this id, or Dataverse's 404 for it. */
function existingRow(ctx: ApiContext, table: TableDef, id: string): Row {
  const row = ctx.store.rows(table.logicalName).get(id);
  if (!row) throw recordNotFound(table.logicalName, id);
  return row;
}
