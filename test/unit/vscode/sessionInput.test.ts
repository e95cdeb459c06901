// New Session and Reschedule refuse what is not a day, a time, a duration or a fee, with a message a
// person can act on, before anything reaches Dataverse.
import { strict as assert } from 'node:assert';
import { checkTime, nextDays, parseDuration, parseFee, parseStart } from '../../../src/vscode/sessionInput';

const now = new Date(2026, 10, 25, 9, 0); // 25 Nov 2026, 09:00 local

describe('sessionInput', () => {
  it('reads a local day and time', () => {
    const start = parseStart('2026-11-26', '14:30', now);
    assert.ok(start instanceof Date);
    assert.equal(start.getDate(), 26);
    assert.equal(start.getHours(), 14);
    assert.equal(start.getMinutes(), 30);
    assert.ok(parseStart('2026-11-26', '9.05', now) instanceof Date, 'a dot works as well as a colon');
  });

  it('refuses days that do not exist, times that are not times, and the past', () => {
    assert.match(String(parseStart('2026-02-30', '10:00', now)), /not a day/);
    assert.match(String(parseStart('26.11.2026', '10:00', now)), /date like/);
    assert.match(String(parseStart('2026-11-26', '25:00', now)), /not a time/);
    assert.match(String(parseStart('2026-11-01', '10:00', now)), /more than a day ago/);
    assert.equal(checkTime('10:00'), undefined);
    assert.match(String(checkTime('10')), /time like/);
  });

  it('reads durations in whole minutes within bounds', () => {
    assert.equal(parseDuration('50'), 50);
    assert.match(String(parseDuration('abc')), /number of minutes/);
    assert.match(String(parseDuration('')), /number of minutes/);
    assert.match(String(parseDuration('2')), /At least 5/);
    assert.match(String(parseDuration('12.5')), /Whole minutes/);
  });

  it('reads fees with a dot or a comma, and none when empty', () => {
    assert.deepEqual(parseFee('90'), { amount: 90 });
    assert.deepEqual(parseFee('90,50'), { amount: 90.5 });
    assert.deepEqual(parseFee(''), { amount: undefined });
    assert.match(String(parseFee('-5')), /amount like/);
    assert.match(String(parseFee('1e9')), /amount like/);
  });

  it('offers today and the next days as dates', () => {
    const days = nextDays(now, 3);
    assert.deepEqual(
      days.map((d) => d.label),
      ['2026-11-25', '2026-11-26', '2026-11-27'],
    );
    assert.equal(days[0]?.description, 'today');
    assert.equal(days[1]?.description, 'tomorrow');
  });
});
