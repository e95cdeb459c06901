// Calendar days, weeks and months as the practitioner lives them: an instant falls on the local date of a
// named time zone (IANA, via Intl), not on UTC's. Dates are keys ('2026-11-30'); stepping from one to the
// next is calendar arithmetic on the key, so a week across a daylight-saving change still has seven days.

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date (YYYY-MM-DD) `instant` falls on in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    dateFormatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function keyTime(key: string): number {
  return Date.parse(`${key}T00:00:00Z`);
}

export function addDays(key: string, days: number): string {
  return new Date(keyTime(key) + days * DAY).toISOString().slice(0, 10);
}

/** The Monday of the week `key` lies in. */
export function weekStart(key: string): string {
  const weekday = (new Date(keyTime(key)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(key, -weekday);
}

/** YYYY-MM of a date key. */
export function monthOf(key: string): string {
  return key.slice(0, 7);
}

/** The month `months` before (negative) or after YYYY-MM. */
export function addMonths(month: string, months: number): string {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const dayLabel = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});
const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "Mon 30 Nov". */
export function labelOfDay(key: string): string {
  return dayLabel.format(new Date(keyTime(key))).replace(',', '');
}

/** "Week of 30 Nov". */
export function labelOfWeek(monday: string): string {
  return `Week of ${shortDay.format(new Date(keyTime(monday)))}`;
}

/** "November 2026". */
export function labelOfMonth(month: string): string {
  return monthLabel.format(new Date(keyTime(`${month}-01`)));
}
