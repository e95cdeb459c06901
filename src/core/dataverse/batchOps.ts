// Builders for `$batch` operations, so callers write `batchOps.update('contacts', id, {...})` instead of
// assembling paths and If-Match headers by hand. Paths are checked like the client's own.
import { collectionPath, recordPath } from './queryText';
import type { BatchOperation, Row } from './types';

export const batchOps = {
  create(entitySet: string, body: Row): BatchOperation {
    return { method: 'POST', path: collectionPath(entitySet, ''), body };
  },
  /** `If-Match: *` unless an ETag is given: an update must not turn into an upsert. */
  update(entitySet: string, id: string, body: Row, ifMatch = '*'): BatchOperation {
    return { method: 'PATCH', path: recordPath(entitySet, id), body, headers: { 'If-Match': ifMatch } };
  },
  upsert(entitySet: string, id: string, body: Row): BatchOperation {
    return { method: 'PATCH', path: recordPath(entitySet, id), body };
  },
  delete(entitySet: string, id: string, ifMatch?: string): BatchOperation {
    return {
      method: 'DELETE',
      path: recordPath(entitySet, id),
      ...(ifMatch ? { headers: { 'If-Match': ifMatch } } : {}),
    };
  },
  get(entitySet: string, id: string): BatchOperation {
    return { method: 'GET', path: recordPath(entitySet, id) };
  },
};
