// Dataverse's error bodies mapped to the core's typed errors, with messages a person can act on.
import assert from 'node:assert/strict';
import { dataverseError, DataverseThrottledError } from '../../../src/core/dataverse/errors';
import {
  AuthenticationError,
  ConflictError,
  ExternalServiceError,
  NotFoundError,
  TransientError,
  ValidationError,
} from '../../../src/core/errors';

const body = (code: string, message: string) => ({ error: { code, message } });

describe('dataverse error mapping', () => {
  it('maps 400 to a validation error carrying the service message and code', () => {
    const e = dataverseError(400, body('0x80044331', 'A validation error occurred.'), {
      operation: 'creating a row in tasks',
    });
    assert.ok(e instanceof ValidationError);
    assert.equal(e.code, 'dataverse.0x80044331');
    assert.match(e.message, /creating a row in tasks: A validation error occurred\./);
    assert.equal(e.retriable, false);
  });

  it('maps 401 and 403 to authentication errors, naming a missing privilege', () => {
    assert.ok(dataverseError(401, undefined, { operation: 'x' }) instanceof AuthenticationError);
    const e = dataverseError(
      403,
      body(
        '0x80040220',
        "Principal user (Id=abc, type=8, roleCount=1, privilegeCount=1) is missing prvReadContact privilege (Id=def) on OTC=2 for entity 'contact'.",
      ),
      { operation: 'querying contacts' },
    );
    assert.ok(e instanceof AuthenticationError);
    assert.match(e.message, /lacks the prvReadContact privilege/);
    assert.match(
      dataverseError(403, body('', 'Principal user (Id=a, roleCount=0)'), { operation: 'x' }).message,
      /no security role/,
    );
  });

  it('maps 404 to not found', () => {
    const e = dataverseError(404, body('0x80040217', 'contact With Id = 1 Does Not Exist'), {
      operation: 'reading contacts(1)',
    });
    assert.ok(e instanceof NotFoundError);
  });

  it('maps 412 to a conflict saying who changed the row and when, when known', () => {
    const plain = dataverseError(
      412,
      body('', "The version of the existing record doesn't match the RowVersion property provided."),
      { operation: 'updating contacts(1)' },
    );
    assert.ok(plain instanceof ConflictError);
    assert.match(plain.message, /changed by someone else since you read it/);
    const told = dataverseError(412, body('0x80060882', ''), {
      operation: 'updating contacts(1)',
      changedBy: 'Dr. Morgan',
      changedOn: '2025-03-01T09:00:00Z',
    });
    assert.match(told.message, /changed by Dr\. Morgan at 2025-03-01T09:00:00Z since you read it/);
    const duplicate = dataverseError(412, body('0x80040237', 'A record with matching key values already exists.'), {
      operation: 'upserting',
    });
    assert.equal(duplicate.code, 'dataverse.duplicateRecord');
  });

  it('maps 429 to a retriable transient error that carries Retry-After', () => {
    const e = dataverseError(
      429,
      body('0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'),
      { operation: 'querying contacts', retryAfterMs: 2000 },
    );
    assert.ok(e instanceof DataverseThrottledError);
    assert.equal(e.retryAfterMs, 2000);
    assert.equal(e.retriable, true);
    assert.match(e.message, /Try again in 2 s/);
  });

  it('maps 5xx to external service errors, retriable only for gateway and availability failures', () => {
    // 503 is Dataverse busy, not broken: transient (exit 12), as README maps it.
    const unavailable = dataverseError(503, undefined, { operation: 'x' });
    assert.ok(unavailable instanceof TransientError);
    assert.equal(unavailable.retriable, true);
    const gateway = dataverseError(502, undefined, { operation: 'x' });
    assert.ok(gateway instanceof ExternalServiceError);
    assert.equal(gateway.retriable, true);
    assert.equal(dataverseError(500, body('0x80040216', 'boom'), { operation: 'x' }).retriable, false);
  });
});
