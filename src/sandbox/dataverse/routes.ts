// Routes one decoded Web API call (top-level or inside a $batch) to its handler: WhoAmI, $metadata,
// EntityDefinitions, and entity sets with an optional key and property segment. Handlers throw
// DataverseError; errorResponse turns any failure into Dataverse's error body.

import { jsonResponse, type ApiContext, type ApiRequest, type ApiResponse } from './apiTypes';
import { csdlDocument } from './csdl';
import { DataverseError, errorBody, resourceNotFound, badQuery } from './errors';
import { handleMetadata } from './metadataRoutes';
import type { Preferences } from './prefer';
import {
  createRecord,
  deleteRecord,
  patchRecord,
  putProperty,
  queryCollection,
  readProperty,
  readRecord,
} from './records';
import { MAX_PAGE_SIZE } from './queryEngine';
import { normalizeGuid } from './wireValues';

const DETAIL_ANNOTATION = 'Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus';

function methodNotAllowed(method: string, resource: string): DataverseError {
  return new DataverseError(
    405,
    '0x80060888',
    `The HTTP method '${method}' is not allowed for the resource '${resource}'.`,
  );
}

function whoAmI(ctx: ApiContext): ApiResponse {
  return jsonResponse(200, {
    '@odata.context': `${ctx.apiBase}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: ctx.caller.businessUnitId,
    UserId: ctx.caller.userId,
    OrganizationId: ctx.organizationId,
  });
}

/** `GET …/contacts/$count`: the row count as plain text, capped at 5000 like `$count=true`. */
function countRows(ctx: ApiContext, entitySet: string): ApiResponse {
  const table = ctx.schema.tableBySet(entitySet);
  if (!table) throw resourceNotFound(entitySet);
  const count = Math.min(ctx.store.rows(table.logicalName).byId.size, MAX_PAGE_SIZE);
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(count) };
}

export function dispatch(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const { method, resource } = request;
  if (resource === 'WhoAmI' || resource === 'WhoAmI()') {
    if (method !== 'GET') throw methodNotAllowed(method, resource);
    return whoAmI(ctx);
  }
  if (resource === '$metadata') {
    return { status: 200, headers: { 'Content-Type': 'application/xml' }, body: csdlDocument(ctx.schema) };
  }
  if (resource.startsWith('EntityDefinitions')) return handleMetadata(ctx, request);
  const countMatch = /^([A-Za-z0-9_]+)\/\$count$/.exec(resource);
  if (countMatch && method === 'GET') return countRows(ctx, countMatch[1]);
  const match = /^([A-Za-z0-9_]+)(?:\(([^)]*)\))?(?:\/([A-Za-z0-9_]+))?$/.exec(resource);
  const table = match ? ctx.schema.tableBySet(match[1]) : undefined;
  if (!match || !table) throw resourceNotFound(resource.split(/[(/]/)[0]);
  if (match[2] === undefined) {
    if (match[3] !== undefined) throw resourceNotFound(match[3]);
    if (method === 'GET') return queryCollection(ctx, table, request);
    if (method === 'POST') return createRecord(ctx, table, request);
    throw methodNotAllowed(method, resource);
  }
  const key = match[2].replace(new RegExp(`^${table.primaryId}=`), '');
  const id = normalizeGuid(key);
  if (!id || key.startsWith('{')) throw badQuery(`Bad Request - Error in query syntax.`);
  if (match[3] !== undefined) {
    if (method === 'GET') return readProperty(ctx, table, id, match[3], request);
    if (method === 'PUT') return putProperty(ctx, table, id, match[3], request);
    throw methodNotAllowed(method, resource);
  }
  if (method === 'GET') return readRecord(ctx, table, id, request);
  if (method === 'PATCH') return patchRecord(ctx, table, id, request);
  if (method === 'DELETE') return deleteRecord(ctx, table, id, request);
  throw methodNotAllowed(method, resource);
}

/** Any failure as Dataverse answers it; unexpected exceptions become a 500 with the generic code. */
export function errorResponse(error: unknown, prefs: Preferences | undefined): ApiResponse {
  const failure =
    error instanceof DataverseError
      ? error
      : new DataverseError(
          500,
          '0x80040216',
          `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`,
        );
  const withDetails = prefs?.annotations?.allows(DETAIL_ANNOTATION) ?? false;
  return jsonResponse(failure.status, errorBody(failure, withDetails), failure.headers);
}
