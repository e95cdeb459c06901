// The failure notice's id (issue 18, item 3): derived from the mailbox, the kind of failure and the UTC day,
// so every run and instance that meets the same failure the same day names the same row, and a new day or
// another kind names another.
import { strict as assert } from 'node:assert';
import { failureDay, failureNoticeId, isFailureNotice } from '../../../src/core/worker';

describe('Failure notice ids', () => {
  const morning = new Date('2026-12-02T06:59:00Z');
  const evening = new Date('2026-12-02T23:59:59Z');
  const nextDay = new Date('2026-12-03T00:00:00Z');

  it('are the same for one mailbox, kind and UTC day, whatever the case of the address or the hour', () => {
    assert.equal(failureDay(morning), '2026-12-02');
    assert.equal(
      failureNoticeId('Dr.Morgan@Contoso.test', 'runFailed', morning),
      failureNoticeId('dr.morgan@contoso.test ', 'runFailed', evening),
    );
    assert.match(failureNoticeId('a@b.test', 'runFailed', morning), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
  });

  it('differ by day, by kind and by mailbox', () => {
    const ids = new Set([
      failureNoticeId('a@b.test', 'runFailed', morning),
      failureNoticeId('a@b.test', 'runFailed', nextDay),
      failureNoticeId('a@b.test', 'reminderFailed', morning),
      failureNoticeId('c@b.test', 'runFailed', morning),
    ]);
    assert.equal(ids.size, 4);
  });

  it('recognise the day’s notices, so a failed notice does not cause another', () => {
    assert.ok(
      isFailureNotice(failureNoticeId('a@b.test', 'reminderFailed', morning).toUpperCase(), 'a@b.test', evening),
    );
    assert.ok(!isFailureNotice(failureNoticeId('a@b.test', 'reminderFailed', morning), 'a@b.test', nextDay));
  });
});
