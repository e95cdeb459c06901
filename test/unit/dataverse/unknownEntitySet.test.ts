// A mistyped entity set is the user's input: the 404 for an unknown segment maps to a validation error, and
// the hint names the nearest entity sets (a table's logical name leads to its set).
import assert from 'node:assert/strict';
import { dataverseError } from '../../../src/core/dataverse/errors';
import { nearestEntitySets } from '../../../src/core/dataverse/unknownEntitySet';
import type { TableSummary } from '../../../src/core/dataverse';
import { NotFoundError, ValidationError } from '../../../src/core/errors';

const table = (logicalName: string, entitySet: string): TableSummary => ({
  logicalName,
  entitySet,
  displayName: undefined,
  primaryId: `${logicalName}id`,
  primaryName: undefined,
  isCustom: false,
});

const TABLES = [
  table('contact', 'contacts'),
  table('account', 'accounts'),
  table('appointment', 'appointments'),
  table('annotation', 'annotations'),
  table('cre92_scheduledmessage', 'cre92_scheduledmessages'),
];

describe('unknown entity sets', () => {
  it('maps a 404 for an unknown segment to a validation error, and a missing row to not found', () => {
    const unknown = dataverseError(
      404,
      { error: { code: '0x8006088a', message: "Resource not found for the segment 'contact'." } },
      { operation: 'querying contact' },
    );
    assert.ok(unknown instanceof ValidationError);
    const missing = dataverseError(
      404,
      { error: { code: '0x80040217', message: 'contact With Id = 1 Does Not Exist' } },
      { operation: 'reading contacts(1)' },
    );
    assert.ok(missing instanceof NotFoundError);
  });

  it('suggests the entity set of a logical name first, then sets a few edits away', () => {
    assert.deepEqual(nearestEntitySets('contact', TABLES)[0], 'contacts');
    assert.deepEqual(nearestEntitySets('acounts', TABLES), ['accounts']);
    assert.deepEqual(nearestEntitySets('cre92_scheduledmesages', TABLES), ['cre92_scheduledmessages']);
    assert.deepEqual(nearestEntitySets('zzzzzzzz', TABLES), []);
  });
});
