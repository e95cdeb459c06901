// The shapes the Dataverse client speaks in: rows, query options, what a read returns with its ETag,
// table metadata as a person needs it (columns, types, required level, choices), and batch operations.
import type { Filter } from './filter';

/** One row as the Web API returns it: column values plus `@odata.etag` and annotations. */
export type Row = Record<string, unknown>;

export interface PageInfo {
  /** 1 for the first page. */
  pageNumber: number;
  rowCount: number;
  /** `@odata.count` (capped at 5000 by Dataverse) when `count: true` was asked for; first page only. */
  totalCount?: number;
  hasMore: boolean;
}

export interface QueryOptions {
  select?: readonly string[];
  /** Built with the filter builder (values escaped) or, for a person typing OData, a raw string. */
  filter?: Filter | string;
  orderBy?: string | readonly string[];
  top?: number;
  expand?: string | readonly string[];
  count?: boolean;
  /** Rows a page (Prefer: odata.maxpagesize, at most 5000). */
  pageSize?: number;
  /** Ask for `@OData.Community.Display.V1.FormattedValue` annotations (choice labels, lookup names). */
  formatted?: boolean;
  signal?: AbortSignal;
  onPage?: (page: PageInfo) => void;
}

export interface GetOptions {
  select?: readonly string[];
  expand?: string | readonly string[];
  formatted?: boolean;
  signal?: AbortSignal;
}

export interface Fetched {
  row: Row;
  /** The row's weak ETag (`W/"12345"`), for `update(…, { ifMatch })`. */
  etag: string | undefined;
}

export interface WriteOptions {
  /** The ETag read with the row: the write fails with ConflictError when the row changed since. */
  ifMatch?: string;
  signal?: AbortSignal;
}

export interface ChoiceOption {
  value: number;
  label: string;
}

export interface ColumnInfo {
  logicalName: string;
  displayName: string | undefined;
  /** AttributeType: String, Memo, Picklist, Lookup, DateTime, Money… */
  type: string;
  /** None, SystemRequired, ApplicationRequired, Recommended. */
  requiredLevel: string;
  isPrimaryId: boolean;
  isPrimaryName: boolean;
  /** Choice, state and status columns: their values and labels. */
  choices?: ChoiceOption[];
}

export interface TableSummary {
  logicalName: string;
  entitySet: string;
  displayName: string | undefined;
  primaryId: string;
  primaryName: string | undefined;
  isCustom: boolean;
}

export interface TableInfo extends TableSummary {
  columns: ColumnInfo[];
}

/** WhoAmI's answer, with the Web API's own property names (use-web-api-functions). */
export interface WhoAmI {
  UserId: string;
  BusinessUnitId: string;
  OrganizationId: string;
}

export interface Note {
  id: string;
  subject: string | null;
  text: string | null;
  createdOn: string | null;
}

export type BatchMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface BatchOperation {
  method: BatchMethod;
  /** Relative to the API root: `contacts`, `contacts(<id>)`. */
  path: string;
  body?: Row;
  headers?: Record<string, string>;
}

export interface BatchOperationResult {
  /** Position of the operation in the list given to `batch`. */
  index: number;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** The id of a created row (from OData-EntityId). */
  entityId?: string;
  /** Set when this operation failed, or when its change set was rolled back by another's failure. */
  error?: Error;
}

export interface BatchOptions {
  /** Prefer: odata.continue-on-error: later change sets still run after one fails (each stays atomic). */
  continueOnError?: boolean;
  signal?: AbortSignal;
}
