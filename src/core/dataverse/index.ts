// Public surface of the Dataverse module: the typed Web API client, its filter builder and errors.
export { DataverseClient, bind, MAX_PAGE_SIZE, type TableRef } from './client';
export type { DataverseClientOptions } from './transport';
export { API_VERSION, FORMATTED_VALUE } from './transport';
export { MAX_BATCH_OPERATIONS, planBatches } from './batch';
export { buildBatch, parseBatchResponse, entityIdOf } from './batchFormat';
export { dataverseError, DataverseThrottledError, missingPrivilege } from './errors';
export * as filters from './filter';
export { Filter, guid, date, normalizeGuid, isGuid } from './filter';
export { batchOps } from './batchOps';
export { dataverseRecordUrl } from './recordUrl';
export type * from './types';
