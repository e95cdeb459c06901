// A Dataverse row source for loader tests: answers every query with the rows it was given and records
// what was asked, so a test can check the query text and that a refused query never left the process.
import type { RowSource } from '../../src/core/sessions';

export interface RecordedQuery {
  entitySet: string;
  options: Parameters<RowSource['query']>[1];
}

export class RecordingRowSource implements RowSource {
  readonly queries: RecordedQuery[] = [];

  constructor(private readonly rows: Record<string, unknown>[] = []) {}

  async *query(entitySet: string, options: RecordedQuery['options']): AsyncIterable<Record<string, unknown>> {
    this.queries.push({ entitySet, options });
    for (const row of this.rows) yield row;
  }
}
