// The timer offers each newly due reminder once: not again on the next tick, again only when it left
// Due Now and came back, and a profile switch starts afresh.
import { strict as assert } from 'node:assert';
import { NewlyDue } from '../../../src/vscode/newlyDue';
import { aReminder } from '../../builders/sessionBuilder';

const at = (iso: string) => new Date(iso);

describe('NewlyDue', () => {
  it('offers reminders as they fall due, each once', () => {
    const watch = new NewlyDue();
    const first = aReminder().approved().at('2026-11-25T10:00:00Z').build();
    const second = aReminder().approved().at('2026-11-25T10:05:00Z').build();
    const draft = aReminder().at('2026-11-25T09:00:00Z').build();
    const all = [first, second, draft];
    assert.deepEqual(
      watch.notice(all, at('2026-11-25T10:01:00Z')).map((r) => r.id),
      [first.id],
    );
    assert.deepEqual(watch.notice(all, at('2026-11-25T10:02:00Z')), [], 'not again on the next tick');
    assert.deepEqual(
      watch.notice(all, at('2026-11-25T10:06:00Z')).map((r) => r.id),
      [second.id],
    );
  });

  it('offers a reminder again when it left Due Now and came back', () => {
    const watch = new NewlyDue();
    const r = aReminder().approved().at('2026-11-25T10:00:00Z').build();
    const now = at('2026-11-25T10:01:00Z');
    assert.equal(watch.notice([r], now).length, 1);
    assert.equal(watch.notice([{ ...r, status: 'failed' }], now).length, 0);
    assert.equal(watch.notice([r], now).length, 1, 'retried: due again');
  });

  it('starts afresh after a reset and offers nothing while there is no data', () => {
    const watch = new NewlyDue();
    const r = aReminder().approved().at('2026-11-25T10:00:00Z').build();
    const now = at('2026-11-25T10:01:00Z');
    assert.equal(watch.notice([r], now).length, 1);
    assert.deepEqual(watch.notice(undefined, now), []);
    watch.reset();
    assert.equal(watch.notice([r], now).length, 1);
  });
});
