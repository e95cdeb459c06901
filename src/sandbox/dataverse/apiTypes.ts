// The request and response shapes inside the Dataverse service: one decoded Web API call (a top-level
// request or one part of a $batch) and the context every route handler receives.

import type { Preferences } from './prefer';
import type { QueryEngine } from './queryEngine';
import type { Schema } from './schema';
import type { Store } from './store';

export interface Caller {
  /** The systemuser the request acts as (the impersonated user, when impersonating). */
  userId: string;
  /** The systemuser the token belongs to. */
  realUserId: string;
  businessUnitId: string;
}

export interface ApiRequest {
  method: string;
  /** The decoded path below `/api/data/v9.2/`, e.g. `contacts(…)` or `EntityDefinitions(LogicalName='contact')`. */
  resource: string;
  query: URLSearchParams;
  /** Header names lowercase. */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text (or other text, with its content-type in headers). */
  body?: string;
  /** The written record's URL (never sent): lets a $batch Content-ID refer to it even without OData-EntityId. */
  entityUrl?: string;
}

export interface ApiContext {
  store: Store;
  schema: Schema;
  engine: QueryEngine;
  /** `https://localhost:PORT/dataverse/api/data/v9.2` */
  apiBase: string;
  caller: Caller;
  organizationId: string;
  prefs: Preferences;
  newId(): string;
  now(): number;
  /** Batch Content-ID references in scope for this request. */
  references?: Map<string, string>;
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers };
}
