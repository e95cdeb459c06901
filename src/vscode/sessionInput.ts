// What a practitioner types when creating or moving a session: a day and a time in their own time zone,
// a duration in minutes, a fee. Checked here, at the edge, with messages a person can act on; no vscode
// import, so the parsing is unit-tested.
import { z } from 'zod';

const DAY = 86_400_000;

/** Offers for the date quick pick: today and the next six days, as `YYYY-MM-DD` in local time. */
export function nextDays(now: Date, count = 7, locale?: string): { label: string; description: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(now.getTime() + i * DAY);
    return {
      label: localDate(day),
      description:
        i === 0
          ? 'today'
          : i === 1
            ? 'tomorrow'
            : day.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'short' }),
    };
  });
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{1,2})[:.](\d{2})$/;

/** `2026-12-03` and `14:30` in the host's time zone; an error message, or the start. */
export function parseStart(date: string, time: string, now: Date): Date | string {
  const d = DATE.exec(date.trim());
  if (!d) return 'A date like 2026-12-03, please.';
  const t = TIME.exec(time.trim());
  if (!t) return 'A time like 14:30, please.';
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59) return `${time.trim()} is not a time of day.`;
  const start = new Date(year, month - 1, day, hour, minute);
  if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== day)
    return `${date.trim()} is not a day in the calendar.`;
  if (start.getTime() < now.getTime() - 24 * 3_600_000) return 'That is more than a day ago: pick a time to come.';
  return start;
}

/** The message for a time the input box should refuse, or undefined when it is fine. */
export function checkTime(time: string): string | undefined {
  const t = TIME.exec(time.trim());
  if (!t) return 'A time like 14:30, please.';
  return Number(t[1]) > 23 || Number(t[2]) > 59 ? `${time.trim()} is not a time of day.` : undefined;
}

const minutes = z.coerce
  .number({ message: 'A number of minutes, please.' })
  .int('Whole minutes, please.')
  .min(5, 'At least 5 minutes.')
  .max(600, 'At most 600 minutes.');

export function parseDuration(text: string): number | string {
  const parsed = minutes.safeParse(text.trim() === '' ? Number.NaN : text.trim());
  return parsed.success ? parsed.data : (parsed.error.issues[0]?.message ?? 'A number of minutes, please.');
}

/** A fee like `90`, `90.50` or `90,50`; empty means no fee. Returns the amount, undefined, or an error message. */
export function parseFee(text: string): { amount: number | undefined } | string {
  const t = text.trim().replace(',', '.');
  if (t === '') return { amount: undefined };
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(t)) return 'An amount like 90 or 90.50, please.';
  return { amount: Number(t) };
}
