// The data store keeps the last good data of one profile session: a load that started before a profile
// switch or a sign-out must never land in it, and the next profile's load must run, not join the old one.
import { strict as assert } from 'node:assert';
import { DataStore } from '../../../src/core/store';

/** A promise the test settles when it chooses. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('DataStore across profile sessions', () => {
  it('drops the old profile’s late result after a switch and runs the new profile’s load', async () => {
    const store = new DataStore<string[]>();
    const oldLoad = deferred<string[]>();
    const oldRefresh = store.refresh(() => oldLoad.promise);

    store.clear(); // the profile switches while the old load is still running
    const newLoad = deferred<string[]>();
    let newLoadRan = false;
    const newRefresh = store.refresh(() => {
      newLoadRan = true;
      return newLoad.promise;
    });

    assert.equal(newLoadRan, true, 'the new profile’s load runs instead of joining the old one');
    newLoad.resolve(['new client']);
    await newRefresh;
    oldLoad.resolve(['old client']);
    await oldRefresh;
    assert.deepEqual(store.current.data, ['new client']);
    assert.equal(store.current.loading, false);
  });

  it('shows nothing of the old profile after a sign-out, even when its load finishes later', async () => {
    const store = new DataStore<string[]>();
    const seen: Array<string[] | undefined> = [];
    store.onDidChange((snapshot) => seen.push(snapshot.data));
    const oldLoad = deferred<string[]>();
    const oldRefresh = store.refresh(() => oldLoad.promise);

    store.clear(); // signed out
    oldLoad.resolve(['old client']);
    await oldRefresh;

    assert.equal(store.current.data, undefined);
    assert.equal(store.current.loading, false);
    assert.ok(!seen.some((data) => data?.includes('old client')), 'no listener ever saw the old data');
  });

  it('ignores an old load’s failure after a switch', async () => {
    const store = new DataStore<string[]>();
    const oldLoad = deferred<string[]>();
    const oldRefresh = store.refresh(() => oldLoad.promise);
    store.clear();
    oldLoad.reject(new Error('the old tenant is unreachable'));
    await oldRefresh;
    assert.equal(store.current.error, undefined);
  });

  it('aborts the old load’s signal when the session ends', async () => {
    const store = new DataStore<string[]>();
    let signal: AbortSignal | undefined;
    const oldRefresh = store.refresh(
      (s) =>
        new Promise<string[]>((_resolve, reject) => {
          signal = s;
          s.addEventListener('abort', () => reject(s.reason));
        }),
    );
    store.clear();
    await oldRefresh;
    assert.equal(signal?.aborted, true);
    assert.equal(store.current.error, undefined, 'an aborted old load leaves no error behind');
  });

  it('still shares one load between callers of the same session', async () => {
    const store = new DataStore<number>();
    let loads = 0;
    const load = deferred<number>();
    const first = store.refresh(() => (loads++, load.promise));
    const second = store.refresh(() => (loads++, load.promise));
    load.resolve(7);
    await Promise.all([first, second]);
    assert.equal(loads, 1);
    assert.equal(store.current.data, 7);
  });
});
