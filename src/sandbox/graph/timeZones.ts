// Outlook's dateTimeTimeZone: `{dateTime: "2024-05-06T09:00:00.0000000", timeZone: "UTC"}`. Reads
// input written in UTC, an IANA zone or a common Windows zone name, and writes instants in the zone a
// `Prefer: outlook.timezone="…"` header asks for (UTC without one).

/** The Windows zone names clients most often send, mapped to IANA. */
const WINDOWS_ZONES: Record<string, string> = {
  utc: 'UTC',
  'coordinated universal time': 'UTC',
  'gmt standard time': 'Europe/London',
  'w. europe standard time': 'Europe/Berlin',
  'central europe standard time': 'Europe/Budapest',
  'central european standard time': 'Europe/Warsaw',
  'romance standard time': 'Europe/Paris',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kiev',
  'gtb standard time': 'Europe/Bucharest',
  'eastern standard time': 'America/New_York',
  'central standard time': 'America/Chicago',
  'mountain standard time': 'America/Denver',
  'pacific standard time': 'America/Los_Angeles',
  'tokyo standard time': 'Asia/Tokyo',
  'aus eastern standard time': 'Australia/Sydney',
};

/** The IANA zone for a Windows or IANA name; undefined when unknown. */
export function ianaZone(name: string): string | undefined {
  const trimmed = name.trim();
  const mapped = WINDOWS_ZONES[trimmed.toLowerCase()];
  if (mapped) return mapped;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: trimmed });
    return trimmed;
  } catch {
    return undefined;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockIn(ms: number, zone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Outlook writes seven fractional digits and no offset. */
export function formatInZone(ms: number, zoneName: string): string {
  const zone = ianaZone(zoneName) ?? 'UTC';
  const fraction = pad(new Date(ms).getUTCMilliseconds(), 3) + '0000';
  const clock = wallClockIn(ms, zone);
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}T${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)}.${fraction}`;
}

/** The instant a wall-clock dateTime names in a zone; NaN when unreadable. */
export function instantOf(dateTime: string, zoneName: string | undefined): number {
  const text = dateTime.trim();
  if (/(Z|[+-]\d{2}:\d{2})$/i.test(text)) return Date.parse(text);
  const asUtc = Date.parse(`${text}Z`);
  if (Number.isNaN(asUtc)) return NaN;
  const zone = zoneName ? ianaZone(zoneName) : 'UTC';
  if (!zone || zone === 'UTC') return asUtc;
  // Two passes of "guess, see what the zone shows, correct" settle every offset but DST gaps.
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass++) {
    const shown = wallClockIn(guess, zone);
    const shownAsUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second);
    guess += asUtc - shownAsUtc;
  }
  return guess;
}

/** The zone named by `Prefer: outlook.timezone="…"`, if any. */
export function preferredTimeZone(prefer: string | undefined): string | undefined {
  if (!prefer) return undefined;
  const match = /outlook\.timezone\s*=\s*"([^"]+)"/i.exec(prefer);
  return match?.[1];
}
