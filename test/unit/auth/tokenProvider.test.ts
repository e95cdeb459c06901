// Token caching rules: one request for any number of concurrent callers, refresh before expiry
// (not after), and a 401 drops the token once.
import { strict as assert } from 'node:assert';
import { TokenProvider, type AcquiredToken, type TokenSource } from '../../../src/core/auth';
import { CancelledError } from '../../../src/core/errors';
import { clockReading } from '../../builders/fakeClock';

const GRAPH = { name: 'graph', scope: 'https://graph.microsoft.com/.default' };

class FakeSource implements TokenSource {
  calls: Array<{ scope: string; forceRefresh: boolean }> = [];
  constructor(
    private readonly clock: { now: number },
    private readonly lifetimeMs: number,
  ) {}
  async acquire(scope: string, options: { forceRefresh: boolean }): Promise<AcquiredToken> {
    this.calls.push({ scope, forceRefresh: options.forceRefresh });
    await new Promise((resolve) => setImmediate(resolve));
    return { accessToken: `token-${this.calls.length}`, expiresOn: new Date(this.clock.now + this.lifetimeMs) };
  }
}

describe('TokenProvider', () => {
  it('makes exactly one token request for 1,000 concurrent callers within a token’s life', async () => {
    const clock = { now: 1_000_000 };
    const source = new FakeSource(clock, 3_600_000);
    const provider = new TokenProvider(source, { clock: clockReading(() => clock.now) });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => provider.getToken(GRAPH)));
    assert.equal(source.calls.length, 1);
    assert.equal(provider.tokenRequests, 1);
    assert.ok(tokens.every((t) => t === 'token-1'));
    clock.now += 30 * 60_000;
    await Promise.all(Array.from({ length: 1000 }, () => provider.getToken(GRAPH)));
    assert.equal(source.calls.length, 1, 'still cached half-way through its life');
  });

  it('refreshes before expiry, bypassing msal’s cache', async () => {
    const clock = { now: 0 };
    const source = new FakeSource(clock, 3_600_000);
    const provider = new TokenProvider(source, { clock: clockReading(() => clock.now), refreshMarginMs: 5 * 60_000 });
    assert.equal(await provider.getToken(GRAPH), 'token-1');
    clock.now = 3_600_000 - 5 * 60_000 - 1;
    assert.equal(await provider.getToken(GRAPH), 'token-1', 'not yet within the margin');
    clock.now += 2;
    assert.equal(await provider.getToken(GRAPH), 'token-2', 'refreshed inside the margin, before expiry');
    assert.deepEqual(source.calls[1], { scope: GRAPH.scope, forceRefresh: true });
  });

  it('uses a fifth of a short token’s life as the margin', async () => {
    const clock = { now: 0 };
    const source = new FakeSource(clock, 10_000);
    const provider = new TokenProvider(source, { clock: clockReading(() => clock.now) });
    await provider.getToken(GRAPH);
    clock.now = 7_999;
    await provider.getToken(GRAPH);
    assert.equal(source.calls.length, 1);
    clock.now = 8_000;
    await provider.getToken(GRAPH);
    assert.equal(source.calls.length, 2);
  });

  it('drops a token rejected with 401 once, and ignores a stale rejection', async () => {
    const clock = { now: 0 };
    const source = new FakeSource(clock, 3_600_000);
    const provider = new TokenProvider(source, { clock: clockReading(() => clock.now) });
    const first = await provider.getToken(GRAPH);
    provider.invalidate(GRAPH, first);
    const second = await provider.getToken(GRAPH);
    assert.equal(second, 'token-2');
    assert.equal(source.calls[1].forceRefresh, true);
    provider.invalidate(GRAPH, first); // a late 401 for the old token must not drop the new one
    assert.equal(await provider.getToken(GRAPH), 'token-2');
    assert.equal(source.calls.length, 2);
  });

  it('lets the next caller retry after a failed request', async () => {
    let fail = true;
    const provider = new TokenProvider({
      acquire: async () => {
        if (fail) throw new Error('boom');
        return { accessToken: 'ok', expiresOn: new Date(Date.now() + 3_600_000) };
      },
    });
    await assert.rejects(provider.getToken(GRAPH), /boom/);
    fail = false;
    assert.equal(await provider.getToken(GRAPH), 'ok');
  });

  describe('cancellation', () => {
    /** A sign-in that takes until the test releases it (a device code the user has not typed yet). */
    class PendingSource implements TokenSource {
      signals: AbortSignal[] = [];
      private releases: Array<() => void> = [];
      async acquire(_scope: string, options: { forceRefresh: boolean; signal?: AbortSignal }): Promise<AcquiredToken> {
        const signal = options.signal;
        if (signal) this.signals.push(signal);
        await new Promise<void>((resolve, reject) => {
          this.releases.push(resolve);
          signal?.addEventListener('abort', () => reject(new CancelledError('The sign-in was cancelled.')), {
            once: true,
          });
        });
        return { accessToken: `token-${this.signals.length}`, expiresOn: new Date(Date.now() + 3_600_000) };
      }
      release(): void {
        this.releases.splice(0).forEach((release) => release());
      }
    }

    it('lets one caller stop waiting without cancelling the fetch the others wait on', async () => {
      const source = new PendingSource();
      const provider = new TokenProvider(source);
      const impatient = new AbortController();
      const first = provider.getToken(GRAPH, impatient.signal);
      const second = provider.getToken(GRAPH);
      impatient.abort();
      await assert.rejects(first, CancelledError);
      assert.equal(source.signals[0]?.aborted, false, 'the shared sign-in goes on');
      source.release();
      assert.equal(await second, 'token-1');
      assert.equal(source.signals.length, 1, 'one fetch for both');
    });

    it('stops the shared fetch only when every caller has stopped waiting, and starts afresh after', async () => {
      const source = new PendingSource();
      const provider = new TokenProvider(source);
      const a = new AbortController();
      const b = new AbortController();
      const first = provider.getToken(GRAPH, a.signal);
      const second = provider.getToken(GRAPH, b.signal);
      a.abort();
      await assert.rejects(first, CancelledError);
      assert.equal(source.signals[0]?.aborted, false);
      b.abort();
      await assert.rejects(second, CancelledError);
      assert.equal(source.signals[0]?.aborted, true, 'nobody waits: the device-code poll stops');
      const third = provider.getToken(GRAPH);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(source.signals.length, 2, 'a new caller gets a new fetch, not the cancelled one');
      source.release();
      assert.equal(await third, 'token-2');
    });

    it('rejects at once for a caller whose signal was already aborted, without starting a fetch', async () => {
      const source = new PendingSource();
      const provider = new TokenProvider(source);
      await assert.rejects(provider.getToken(GRAPH, AbortSignal.abort()), CancelledError);
      assert.equal(source.signals.length, 0);
    });
  });
});
