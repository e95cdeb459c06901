// How the client behaves when Dataverse pushes back, with the sandbox's fault injection: 429s are retried
// after the Retry-After the service sent and given up at the policy's bound (then a typed, retriable error),
// and repeated 503s open the breaker, which fails fast and closes again once a probe succeeds. The HTTP
// layer's clock is a recording fake, so the waits are checked without waiting.
import assert from 'node:assert/strict';
import { exitCodeFor, TransientError } from '../../../src/core/errors';
import { DataverseThrottledError, type DataverseClient } from '../../../src/core/dataverse';
import type { Clock } from '../../../src/core/http';
import { startHarness, type Harness } from './harness';

/** Real time plus whatever the HTTP layer slept; sleeping returns at once and is recorded. */
class RecordingClock implements Clock {
  offset = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.offset += ms;
    return Promise.resolve();
  }
}

describe('DataverseClient under throttling and outages', function () {
  this.timeout(30_000);
  let h: Harness;
  let dv: DataverseClient;
  const clock = new RecordingClock();

  before(async () => {
    h = await startHarness({
      seed: 'dataverse-resilience-test',
      clients: 5,
      clock,
      dataverse: {
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, maxTotalMs: 60_000 },
        breaker: { failureThreshold: 3, halfOpenAfterMs: 1_000 },
      },
    });
    dv = h.client();
  });

  afterEach(() => {
    h.sandbox.faults.clear();
    clock.sleeps.length = 0;
  });

  after(async () => {
    await h?.stop();
  });

  it('retries a throttled query after the Retry-After Dataverse sent, then succeeds', async () => {
    h.sandbox.faults.add({ service: 'dataverse', kind: 'throttle', rate: 1, value: 1, limit: 2 });
    h.mark();
    const rows = await dv.list('contacts', { select: ['contactid'] });
    assert.ok(rows.length >= 5);
    assert.deepEqual(clock.sleeps, [1000, 1000]);
    assert.deepEqual(
      h.dataverseRequests().map((r) => r.status),
      [429, 429, 200],
    );
  });

  it('gives up at the attempt bound with a retriable error that carries Retry-After', async () => {
    h.sandbox.faults.add({ service: 'dataverse', kind: 'throttle', rate: 1, value: 2 });
    h.mark();
    const error = await dv.count('contacts').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof DataverseThrottledError, String(error));
    assert.equal(error.retryAfterMs, 2000);
    assert.equal(error.retriable, true);
    assert.equal(h.dataverseRequests().length, 3, 'three attempts, no more');
    assert.deepEqual(clock.sleeps, [2000, 2000]);
  });

  it('opens the breaker after repeated 503s, fails fast while open, and closes after a good probe', async () => {
    h.sandbox.faults.add({ service: 'dataverse', kind: 'error503', rate: 1, limit: 3 });
    h.mark();
    // The policy retries 503s: one call makes three attempts, the breaker's threshold.
    // A 503 that outlasts the retries is transient (exit 12): the service is busy, not broken.
    await assert.rejects(dv.count('contacts'), TransientError);
    assert.equal(h.http.breakerState('dataverse'), 'open');
    const fast = await dv.count('contacts').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(fast instanceof TransientError && fast.code === 'http.circuitOpen', String(fast));
    assert.equal(h.dataverseRequests().length, 3, 'the open breaker sent nothing');
    clock.offset += 1_000;
    assert.ok((await dv.count('contacts')) >= 5);
    assert.equal(h.http.breakerState('dataverse'), 'closed');
  });

  it('creates every row exactly once while POSTs are throttled and answered 503', async () => {
    clock.offset += 60_000; // past any breaker an earlier test opened
    h.sandbox.faults.add({ service: 'dataverse', kind: 'throttle', rate: 0.2, value: 1, route: '^POST ' });
    h.sandbox.faults.add({ service: 'dataverse', kind: 'error503', rate: 0.1, value: 1, route: '^POST ' });
    const marker = `Throttled${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await dv.create('contacts', { lastname: marker, firstname: `n${i}` }));
    h.sandbox.faults.clear();
    assert.equal(new Set(ids).size, 20);
    const rows = await dv.list('contacts', { select: ['contactid'], filter: `lastname eq '${marker}'` });
    assert.equal(rows.length, 20);
    assert.ok(clock.sleeps.length > 0, 'some creates were throttled and retried');
  });

  it('reports a 503 that outlasts the retries as transient, carrying the exit code of a busy service', async () => {
    clock.offset += 60_000; // past any breaker an earlier test opened
    h.sandbox.faults.add({ service: 'dataverse', kind: 'error503', rate: 1, value: 1, route: '^POST ' });
    const error = await dv.create('contacts', { lastname: 'Busy' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof TransientError, String(error));
    assert.notEqual(error.code, 'http.circuitOpen');
    assert.match(error.message, /Dataverse is unavailable/);
    assert.equal(exitCodeFor(error), 12);
  });
});
