// Trees ask for their groups once for the root and again for every expanded group; grouping is pure
// in (data, time), so it is computed once per data snapshot and minute instead of on every call.
import type { Clock } from '../core/clock';

export function groupedPerMinute<T, G>(group: (data: T, now: Date) => G, clock: Clock): (data: T) => G {
  let last: { data: T; minute: number; groups: G } | undefined;
  return (data) => {
    const at = new Date(clock.now());
    const minute = Math.floor(at.getTime() / 60_000);
    if (!last || last.data !== data || last.minute !== minute) last = { data, minute, groups: group(data, at) };
    return last.groups;
  };
}
