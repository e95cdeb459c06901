// Fault rules: the spec syntax, deterministic selection under the seed, routes, limits, and the
// service-specific bodies a throttled request gets.
import { strict as assert } from 'node:assert';
import { LifeCockpitError } from '../../../src/core/errors';
import { FaultInjector, parseFaultSpec } from '../../../src/sandbox/faults';
import { createPrng } from '../../../src/sandbox/prng';
import { notFound, throttled, type ErrorContext } from '../../../src/sandbox/serviceErrors';
import type { FaultRule, ServiceName } from '../../../src/sandbox/types';

function decisions(seed: string, rules: FaultRule[], count: number, service: ServiceName = 'graph'): string[] {
  const injector = new FaultInjector(createPrng(seed), rules);
  return Array.from({ length: count }, () => injector.plan(service, 'GET', '/v1.0/me').terminal?.kind ?? '-');
}

describe('sandbox faults', () => {
  describe('parseFaultSpec', () => {
    it('reads service, kind, rate, value, limit and route', () => {
      assert.deepEqual(parseFaultSpec('graph:throttle:0.1:2'), {
        service: 'graph',
        kind: 'throttle',
        rate: 0.1,
        value: 2,
      });
      assert.deepEqual(parseFaultSpec('*:latency:1:200'), { kind: 'latency', rate: 1, value: 200 });
      assert.deepEqual(parseFaultSpec('graph:429:1:1:3@^POST /v1.0/users/.+/sendMail'), {
        service: 'graph',
        kind: 'throttle',
        rate: 1,
        value: 1,
        limit: 3,
        route: '^POST /v1.0/users/.+/sendMail',
      });
      assert.deepEqual(parseFaultSpec('dataverse:503:0.05'), { service: 'dataverse', kind: 'error503', rate: 0.05 });
    });

    for (const bad of [
      'graph:throttle',
      'mail:throttle:1',
      'graph:explode:1',
      'graph:throttle:2',
      'graph:throttle:x',
      'graph:drop:1::0',
      'graph:drop:1@(',
    ]) {
      it(`rejects "${bad}" as a validation error`, () => {
        assert.throws(
          () => parseFaultSpec(bad),
          (e: unknown) => e instanceof LifeCockpitError && e.errorClass === 'validation',
        );
      });
    }
  });

  it('chooses the same requests for the same seed, and others for another seed', () => {
    const rules: FaultRule[] = [{ kind: 'throttle', rate: 0.3 }];
    const first = decisions('s1', rules, 200);
    assert.deepEqual(decisions('s1', rules, 200), first);
    assert.notDeepEqual(decisions('s2', rules, 200), first);
    const hits = first.filter((d) => d === 'throttle').length;
    assert.ok(hits > 30 && hits < 90, `${hits} of 200 near the 30 % rate`);
  });

  it('applies rate 1 to every matching request and rate 0 to none', () => {
    assert.ok(decisions('s', [{ kind: 'error500', rate: 1 }], 20).every((d) => d === 'error500'));
    assert.ok(decisions('s', [{ kind: 'error500', rate: 0 }], 20).every((d) => d === '-'));
  });

  it('honours service, route and limit', () => {
    const injector = new FaultInjector(createPrng('x'), [
      { service: 'graph', route: '^POST /v1.0/users/.+/sendMail$', kind: 'throttle', rate: 1, limit: 2 },
    ]);
    assert.equal(injector.plan('dataverse', 'POST', '/v1.0/users/a/sendMail').terminal, undefined);
    assert.equal(injector.plan('graph', 'GET', '/v1.0/users/a').terminal, undefined);
    assert.equal(injector.plan('graph', 'POST', '/v1.0/users/a/sendMail').terminal?.kind, 'throttle');
    assert.equal(injector.plan('graph', 'POST', '/v1.0/users/b/sendMail').terminal?.kind, 'throttle');
    assert.equal(injector.plan('graph', 'POST', '/v1.0/users/c/sendMail').terminal, undefined, 'limit of 2 reached');
    assert.equal(injector.list()[0]?.hits, 2);
  });

  it('adds latency on top of a terminal fault and never faults the inspector', () => {
    const injector = new FaultInjector(createPrng('x'), [
      { kind: 'latency', rate: 1, value: 100 },
      { kind: 'latency', rate: 1, value: 50 },
      { kind: 'error503', rate: 1 },
    ]);
    const plan = injector.plan('stripe', 'GET', '/v1/customers');
    assert.equal(plan.latencyMs, 150);
    assert.equal(plan.terminal?.kind, 'error503');
    assert.deepEqual(injector.plan('inspector', 'GET', '/inspect'), { latencyMs: 0, fired: [] });
    injector.clear();
    assert.equal(injector.plan('stripe', 'GET', '/v1/customers').terminal, undefined);
  });

  describe('bodies in each service’s own shape', () => {
    const ctx = (service: ServiceName): ErrorContext => ({
      service,
      requestId: 'r-1',
      now: Date.parse('2026-11-25T10:00:00Z'),
      method: 'GET',
      path: '/x/y',
    });

    it('Graph: 429 TooManyRequests with Retry-After and an innerError date without zone', () => {
      const r = throttled(ctx('graph'), 2);
      const body = r.body as { error: { code: string; innerError: { date: string; status: string } } };
      assert.equal(r.status, 429);
      assert.equal(r.headers?.['Retry-After'], '2');
      assert.equal(body.error.code, 'TooManyRequests');
      assert.equal(body.error.innerError.date, '2026-11-25T10:00:00');
      assert.equal(body.error.innerError.status, '429');
    });

    it('Dataverse: 429 with the service-protection code 0x80072322', () => {
      const r = throttled(ctx('dataverse'), 5);
      assert.equal(r.headers?.['Retry-After'], '5');
      assert.equal((r.body as { error: { code: string } }).error.code, '0x80072322');
    });

    it('Stripe: 429 rate_limit error', () => {
      const r = throttled(ctx('stripe'), 1);
      assert.deepEqual((r.body as { error: { type: string; code: string } }).error.code, 'rate_limit');
      assert.equal(r.status, 429);
    });

    it('404s name the missing segment in each shape', () => {
      assert.equal((notFound(ctx('dataverse')).body as { error: { code: string } }).error.code, '0x80060888');
      assert.match(
        (notFound(ctx('stripe')).body as { error: { message: string } }).error.message,
        /^Unrecognized request URL \(GET: \/x\/y\)/,
      );
      assert.equal(notFound(ctx('graph')).status, 404);
    });
  });
});
