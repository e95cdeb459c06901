// Grouping 10,000 sessions for the Sessions tree (groupSessions: Today, This Week, Later, Needs Attention, Past),
// against a trivial baseline in the same process: one pass that only drops each session into a bucket by its
// start, with no attention rules and no sorting, the least any grouping must do. Both warm up, then run
// interleaved; medians are compared. The sessions span what loadSessions loads (30 days back, 60 ahead), with
// a real practice's mix of outcomes: once in shuffled order (the sorts' harder case, which the target is judged
// on) and once ordered by start, as loadSessions returns them. Nothing fails on timing.
import { performance } from 'node:perf_hooks';
import { groupSessions, type Session, type SessionStatus } from '../src/core/sessions';
import { aSession } from '../test/builders/sessionBuilder';
import { median } from './stats';

const SESSIONS = 10_000;
const WARM_UP = 50;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS_SESSIONS ?? 101));
const DAY = 86_400_000;
const NOW = new Date('2026-12-02T09:30:00Z');
/** Berlin in winter: the practice's local day, as the tree groups by it. */
const OFFSET_MINUTES = 60;
const TARGET_MS = 50;

/** A small seeded generator (mulberry32), so every run groups the same sessions. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function practiceSessions(count: number): Session[] {
  const random = seeded(15);
  const sessions = Array.from({ length: count }, () => {
    const quarterHours = Math.floor(random() * 90 * 96) - 30 * 96;
    const start = new Date(Math.floor(NOW.getTime() / DAY) * DAY + quarterHours * 15 * 60_000);
    const session = aSession().at(start).build();
    if (start.getTime() >= NOW.getTime()) return session;
    // Past sessions as a practice leaves them: mostly attended (some unpaid), some no-shows, a few forgotten.
    const roll = random();
    const status: SessionStatus =
      roll < 0.7 ? 'attended' : roll < 0.85 ? 'noShow' : roll < 0.9 ? 'canceled' : 'scheduled';
    const payment = status === 'attended' ? (random() < 0.3 ? 'unpaid' : 'paid') : 'none';
    // Notes are read for attended sessions only; most have one, the rest need attention.
    const hasNote = status === 'attended' ? random() < 0.8 : undefined;
    return { ...session, status, payment, hasNote } satisfies Session;
  });
  for (let i = sessions.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sessions[i], sessions[j]] = [sessions[j], sessions[i]];
  }
  return sessions;
}

/** The baseline: every session read once and pushed into one of five buckets by its start. */
function bucketByStart(sessions: readonly Session[], now: Date, utcOffsetMinutes: number): Session[][] {
  const offset = utcOffsetMinutes * 60_000;
  const startOfToday = Math.floor((now.getTime() + offset) / DAY) * DAY - offset;
  const buckets: Session[][] = [[], [], [], [], []];
  for (const s of sessions) {
    const day = Math.floor((s.start.getTime() - startOfToday) / DAY);
    buckets[day < -30 ? 4 : day < 0 ? 3 : day === 0 ? 0 : day < 7 ? 1 : 2].push(s);
  }
  return buckets;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A result the optimiser cannot drop: how many sessions were placed. */
let placed = 0;

function timed(work: () => number): number {
  const start = performance.now();
  placed += work();
  return performance.now() - start;
}

function main(): void {
  const sessions = practiceSessions(SESSIONS);
  const grouped = (): number => {
    const groups = groupSessions(sessions, NOW, OFFSET_MINUTES);
    return groups.today.length + groups.thisWeek.length + groups.later.length + groups.past.length;
  };
  const ordered = [...sessions].sort((a, b) => a.start.getTime() - b.start.getTime());
  const groupedAsLoaded = (): number => {
    const groups = groupSessions(ordered, NOW, OFFSET_MINUTES);
    return groups.today.length + groups.thisWeek.length + groups.later.length + groups.past.length;
  };
  const baseline = (): number => bucketByStart(sessions, NOW, OFFSET_MINUTES).reduce((n, b) => n + b.length, 0);

  for (let i = 0; i < WARM_UP; i++) {
    grouped();
    groupedAsLoaded();
    baseline();
  }
  const groupedMs: number[] = [];
  const asLoadedMs: number[] = [];
  const baselineMs: number[] = [];
  const sides: Array<[() => number, number[]]> = [
    [grouped, groupedMs],
    [groupedAsLoaded, asLoadedMs],
    [baseline, baselineMs],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with another side, so none always runs first or after the others' garbage.
    for (let k = 0; k < sides.length; k++) {
      const [work, times] = sides[(round + k) % sides.length];
      global.gc?.();
      times.push(timed(work));
    }
  }
  const groupedMedian = median(groupedMs);
  const baselineMedian = median(baselineMs);
  const holds = groupedMedian < TARGET_MS;
  console.log(
    `${SESSIONS.toLocaleString('en')} sessions (shuffled, 30 days back to 60 ahead); ${ROUNDS} rounds after ${WARM_UP} warm-up runs, interleaved`,
  );
  console.log(
    `    one pass into buckets : median ${baselineMedian.toFixed(2)} ms (p95 ${percentile(baselineMs, 95).toFixed(2)})`,
  );
  console.log(
    `    groupSessions         : median ${groupedMedian.toFixed(2)} ms (p95 ${percentile(groupedMs, 95).toFixed(2)}, max ${Math.max(...groupedMs).toFixed(2)})   (target < ${TARGET_MS} ms: ${holds ? 'holds' : 'MISSED'})`,
  );
  console.log(`    groupSessions/baseline: ${(groupedMedian / baselineMedian).toFixed(1)}×`);
  const asLoadedMedian = median(asLoadedMs);
  console.log(
    `    as loaded (by start)  : median ${asLoadedMedian.toFixed(2)} ms (p95 ${percentile(asLoadedMs, 95).toFixed(2)}), ${(asLoadedMedian / baselineMedian).toFixed(1)}× the baseline${placed > 0 ? '' : ' (nothing placed)'}`,
  );
  console.log(`targets: ${holds ? 1 : 0} of 1 hold${holds ? '' : '; missed: grouping 10,000 sessions'}`);
}

main();
