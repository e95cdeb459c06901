// retryAfterMs reads how long a throttled service asked us to wait from the typed errors our clients throw.
import { strict as assert } from 'node:assert';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { ExternalServiceError, TransientError } from '../../../../src/core/errors';
import { translateGraphError } from '../../../../src/core/graph';
import { retryAfterMs } from '../../../../src/core/reminders';
import { clockReading } from '../../../builders/fakeClock';

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const clock = clockReading(() => NOW);

/** What the Graph SDK throws for a non-2xx answer: its status, body code and the answer's headers. */
function graphAnswer(status: number, headers: Record<string, string>): GraphError {
  const error = new GraphError(status, 'Application is over its MailboxConcurrency limit.');
  error.code = status === 429 ? 'ApplicationThrottled' : 'ServiceUnavailable';
  error.headers = new Headers(headers);
  return error;
}

describe('retryAfterMs', () => {
  it("keeps a throttled Graph answer's Retry-After through the Graph error translation", () => {
    const error = translateGraphError(graphAnswer(429, { 'Retry-After': '2.128' }), 'sending a reminder');
    assert.ok(error instanceof TransientError);
    // In detail, so the log line and a message-log row can say it too, not only the cause.
    assert.equal(error.detail?.retryAfter, '2.128');
    assert.equal(retryAfterMs(error, clock), 2_128);
  });

  it("reads a 503's Retry-After given as an HTTP-date against the injected clock", () => {
    const error = translateGraphError(
      graphAnswer(503, { 'retry-after': new Date(NOW + 45_000).toUTCString() }),
      'creating a draft',
    );
    assert.equal(retryAfterMs(error, clock), 45_000);
  });

  it('reads a wait already parsed into detail (Dataverse) or carried raw (Entra, a $batch item)', () => {
    assert.equal(
      retryAfterMs(new TransientError('throttled', { code: 'dataverse.429', detail: { retryAfterMs: 7_000 } }), clock),
      7_000,
    );
    assert.equal(
      retryAfterMs(
        new TransientError('throttled', { code: 'graph.unavailable', detail: { retryAfter: '0.249' } }),
        clock,
      ),
      249,
    );
    assert.equal(
      retryAfterMs(
        new TransientError('throttled', { code: 'graph.unavailable', detail: { headers: { 'Retry-After': '3' } } }),
        clock,
      ),
      3_000,
    );
  });

  it('follows the cause chain to the answer that carried the header', () => {
    const wrapped = new ExternalServiceError('sending failed', {
      code: 'reminders.sendFailed',
      cause: graphAnswer(429, { 'retry-after': '5' }),
    });
    assert.equal(retryAfterMs(wrapped, clock), 5_000);
  });

  it('is undefined when nothing says how long to wait, or the value cannot be read', () => {
    assert.equal(retryAfterMs(translateGraphError(graphAnswer(503, {}), 'sending'), clock), undefined);
    assert.equal(
      retryAfterMs(new TransientError('x', { code: 'graph.unavailable', detail: { retryAfter: 'soon' } }), clock),
      undefined,
    );
    assert.equal(retryAfterMs(new Error('plain'), clock), undefined);
    assert.equal(retryAfterMs('a string', clock), undefined);
    assert.equal(retryAfterMs(undefined, clock), undefined);
  });

  it('stops on a cause that points back at itself', () => {
    const looping = new Error('loop') as Error & { cause?: unknown };
    looping.cause = looping;
    assert.equal(retryAfterMs(looping, clock), undefined);
  });
});
