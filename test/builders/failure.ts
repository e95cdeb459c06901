// The typed error an action failed with; the test fails if it succeeded or threw something untyped.
import { strict as assert } from 'node:assert';
import { LifeCockpitError } from '../../src/core/errors';

export async function failure(promise: Promise<unknown>, what = 'the action'): Promise<LifeCockpitError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LifeCockpitError, `expected a LifeCockpitError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${what} to fail`);
}
