// Sending due reminders at each mailbox's real pace (issue 15): a sandbox seeded with 1,000 approved reminders
// due now across 20 practitioners' mailboxes, Exchange's minute running X times faster, and 10 % of Graph
// requests answered 429 or 503 with Retry-After. sendDueReminders runs as `lc reminders send` builds it (the
// CLI's runtime and connection), with one difference: its pacer reads a clock whose minute is the sandbox's
// scaled minute, as the sandbox's sending rate does. Measured against the floor the rate sets: a mailbox may
// submit 30 in any sliding minute, so its 50 need at least one full (scaled) minute between the first and the
// 31st. Over-rate submissions are counted from the sandbox's submission timeline. The baseline in the same run
// is the same sender with no rate (a pacer allowing a million a minute, still 4 at once): how long the work
// itself takes on this machine, and proof that the over-rate count sees a sender that ignores the rate. Each
// round starts a fresh sandbox (its due reminders are spent by the run); paced and unpaced rounds alternate,
// which goes first switching each round; medians over the rounds. Nothing fails on timing.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '../src/cli/connect';
import { createCliRuntime } from '../src/cli/runtime';
import { sleepAbortably, systemClock, type Clock } from '../src/core/clock';
import { resolveTables } from '../src/core/practice';
import { createMailboxPacer, PACING_WINDOW_MS, sendDueReminders, type SendReport } from '../src/core/reminders';
import { startSandboxProcess } from './sandboxProcess';
import { median } from './stats';

const DUE_REMINDERS = Number(process.env.BENCH_DUE_REMINDERS ?? 1000);
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 20);
/** How many times faster Exchange's minute runs, in the sandbox and in the pacer's clock alike. */
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 1);
const ROUNDS = Math.max(1, Number(process.env.BENCH_SEND_ROUNDS ?? 3));
/** Skips the unpaced baseline: for comparing two versions of the sender in alternating runs. */
const PACED_ONLY = process.env.BENCH_PACED_ONLY === '1';
/** Exchange Online's limits, as the settings default them. */
const PER_MINUTE = 30;
const CONCURRENCY = 4;
const MAX_ATTEMPTS = 5;
/** The baseline's pacer: the rate never binds. */
const UNPACED_PER_MINUTE = 1_000_000;
/** 10 % of Graph requests: half throttled (429), half unavailable (503), each with Retry-After in seconds. */
const FAULTS = ['graph:throttle:0.05:1', 'graph:error503:0.05:1'];

const TARGETS = {
  timeRatio: { text: 'total/floor ≤ 1.15', holds: (ratio: number) => ratio <= 1.15 },
  overRate: { text: 'zero', holds: (count: number) => count === 0 },
} as const;

/** Exchange's clock in the sandbox: its minute lasts 60 s / scale of real time. */
function exchangeClock(scale: number): Clock {
  const epoch = systemClock.now();
  return {
    now: () => epoch + (systemClock.now() - epoch) * scale,
    sleep: (ms, signal) => sleepAbortably(ms / scale, signal),
  };
}

interface InspectedMailbox {
  mail: string;
  submissions: { total: number; overRate: number; timeline: Array<{ acceptedAt: string; overRate: boolean }> };
}

interface Round {
  paced: boolean;
  ms: number;
  floorMs: number;
  /** From the first submission the sandbox accepted to the last. */
  acceptedSpanMs: number;
  submissions: number;
  overRate: number;
  /** Recounted from the timeline's acceptance times, as a check on the sandbox's own flag. */
  overRateRecounted: number;
  throttled: number;
  /**
   * When the slowest mailbox's submission that its last one waits for was accepted (its 20th of 50 at 30 a
   * minute), from the start: the last can go no sooner than a minute after it. The rest of the run is `ms`
   * minus this.
   */
  pacingSubmissionMs: number | undefined;
  report: SendReport;
}

/** Submissions that had `PER_MINUTE` others accepted in the (scaled) minute before them. */
function recountOverRate(mailboxes: readonly InspectedMailbox[], windowMs: number): number {
  let over = 0;
  for (const mailbox of mailboxes) {
    const accepted = mailbox.submissions.timeline.map((entry) => Date.parse(entry.acceptedAt)).sort((a, b) => a - b);
    accepted.forEach((at, i) => {
      const inWindow = accepted.slice(0, i + 1).filter((earlier) => earlier > at - windowMs).length;
      if (inWindow > PER_MINUTE) over++;
    });
  }
  return over;
}

/** The least time the rate allows: the busiest mailbox's submissions beyond its first minute's worth. */
function floorMs(mailboxes: readonly InspectedMailbox[], windowMs: number): number {
  const busiest = Math.max(...mailboxes.map((mailbox) => mailbox.submissions.total));
  return (Math.ceil(busiest / PER_MINUTE) - 1) * windowMs;
}

/** See Round.pacingSubmissionMs; undefined when no mailbox has more than a minute's submissions. */
function pacingSubmissionMs(mailboxes: readonly InspectedMailbox[], startedAt: number): number | undefined {
  let latest: number | undefined;
  for (const mailbox of mailboxes) {
    const accepted = mailbox.submissions.timeline.map((entry) => Date.parse(entry.acceptedAt)).sort((a, b) => a - b);
    const pacing = accepted[accepted.length - 1 - PER_MINUTE];
    if (pacing !== undefined) latest = Math.max(latest ?? pacing, pacing);
  }
  return latest === undefined ? undefined : latest - startedAt;
}

async function runRound(round: number, paced: boolean): Promise<Round> {
  const sandbox = await startSandboxProcess([
    '--seed',
    `bench-send-${round}`,
    '--due-reminders',
    String(DUE_REMINDERS),
    '--practitioners',
    String(MAILBOXES),
    '--time-scale',
    String(TIME_SCALE),
    ...FAULTS.flatMap((spec) => ['--fault', spec]),
  ]);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lc-bench-send-'));
  const runtime = createCliRuntime({}, { ...process.env, ...sandbox.info.env, LC_LOG_DIR: scratch }, scratch);
  try {
    const connection = await connect(runtime);
    try {
      const { config, activeProfile } = runtime.loaded;
      if (!connection.dataverse || !activeProfile) throw new Error('the sandbox profile has no Dataverse environment');
      const settings = { perMinute: PER_MINUTE, concurrency: CONCURRENCY, maxAttempts: MAX_ATTEMPTS };
      const started = performance.now();
      const startedAt = Date.now();
      const report = await sendDueReminders({
        dataverse: connection.dataverse,
        graph: connection.graph,
        tables: resolveTables(config.tables),
        clock: systemClock,
        log: runtime.hub.logger('business'),
        profile: activeProfile,
        settings,
        pacer: createMailboxPacer({
          clock: exchangeClock(TIME_SCALE),
          perMinute: paced ? PER_MINUTE : UNPACED_PER_MINUTE,
          concurrency: CONCURRENCY,
        }),
      });
      const ms = performance.now() - started;
      const inspection = (await sandbox.inspect()) as {
        services: { graph: { mailboxes: InspectedMailbox[]; throttled: number } };
      };
      const { mailboxes, throttled } = inspection.services.graph;
      const windowMs = PACING_WINDOW_MS / TIME_SCALE;
      const accepted = mailboxes.flatMap((m) => m.submissions.timeline.map((entry) => Date.parse(entry.acceptedAt)));
      return {
        paced,
        ms,
        floorMs: floorMs(mailboxes, windowMs),
        acceptedSpanMs: accepted.length > 0 ? Math.max(...accepted) - Math.min(...accepted) : 0,
        submissions: accepted.length,
        overRate: mailboxes.reduce((sum, m) => sum + m.submissions.overRate, 0),
        overRateRecounted: recountOverRate(mailboxes, windowMs),
        throttled,
        pacingSubmissionMs: pacingSubmissionMs(mailboxes, startedAt),
        report,
      };
    } finally {
      await connection.close();
    }
  } finally {
    await runtime.dispose();
    await sandbox.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function describe(r: Round, index: number): string {
  const { sent, submitted, failed, retryLater, skipped } = r.report;
  return (
    `    ${r.paced ? 'paced  ' : 'unpaced'} ${index + 1}: ${(r.ms / 1000).toFixed(2)} s (${(r.ms / r.floorMs).toFixed(3)}× the floor); ` +
    `accepted over ${(r.acceptedSpanMs / 1000).toFixed(2)} s; ` +
    (r.paced && r.pacingSubmissionMs !== undefined
      ? `the submission the slowest mailbox's last waits for accepted at ${(r.pacingSubmissionMs / 1000).toFixed(2)} s, ` +
        `then ${((r.ms - r.pacingSubmissionMs) / 1000).toFixed(2)} s to the end; `
      : '') +
    `${r.submissions} submissions, ${r.overRate} over the rate ` +
    `(recounted ${r.overRateRecounted}); ${r.throttled} concurrency 429s; ` +
    `sent ${sent}, submitted ${submitted}, failed ${failed}, retry later ${retryLater}, skipped ${skipped}`
  );
}

async function main(): Promise<void> {
  const windowS = PACING_WINDOW_MS / TIME_SCALE / 1000;
  console.log(
    `${DUE_REMINDERS} due reminders across ${MAILBOXES} mailboxes, time scale ${TIME_SCALE} (a minute lasts ${windowS} s), ` +
      `faults ${FAULTS.join(' ')}; ${PER_MINUTE}/min and ${CONCURRENCY} at once per mailbox; ` +
      `${ROUNDS} rounds each paced and unpaced, interleaved, a fresh sandbox each`,
  );
  const paced: Round[] = [];
  const unpaced: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const isPaced of PACED_ONLY ? [true] : round % 2 === 0 ? [true, false] : [false, true]) {
      const r = await runRound(round, isPaced);
      (isPaced ? paced : unpaced).push(r);
      console.log(describe(r, round));
    }
  }
  const floor = paced[0].floorMs;
  const total = median(paced.map((r) => r.ms));
  const work = unpaced.length > 0 ? median(unpaced.map((r) => r.ms)) : undefined;
  const ratio = median(paced.map((r) => r.ms / r.floorMs));
  const overRate = Math.max(...paced.map((r) => Math.max(r.overRate, r.overRateRecounted)));
  const unsent = Math.max(...paced.map((r) => r.report.total - r.report.sent - r.report.submitted));
  const timeHolds = TARGETS.timeRatio.holds(ratio) && unsent === 0;
  const rateHolds = TARGETS.overRate.holds(overRate);
  console.log(
    `    floor set by the rate : ${(floor / 1000).toFixed(2)} s; ` +
      (work === undefined
        ? 'unpaced baseline skipped (BENCH_PACED_ONLY)'
        : `unpaced work (baseline): median ${(work / 1000).toFixed(2)} s, ` +
          `${median(unpaced.map((r) => r.overRate))} submissions over the rate`),
  );
  console.log(
    `    total/floor           : median ${ratio.toFixed(3)} (median total ${(total / 1000).toFixed(2)} s)` +
      `   (target ${TARGETS.timeRatio.text}${unsent > 0 ? `, with ${unsent} reminders not submitted` : ''}: ${timeHolds ? 'holds' : 'MISSED'})`,
  );
  if (work !== undefined) {
    console.log(
      `    total/max(floor, work): ${(total / Math.max(floor, work)).toFixed(3)} (what pacing costs beyond the rate and the work)`,
    );
  }
  console.log(
    `    over the rate, paced  : ${overRate} in the worst round   (target ${TARGETS.overRate.text}: ${rateHolds ? 'holds' : 'MISSED'})`,
  );
  const missed = [timeHolds ? undefined : 'sending time', rateHolds ? undefined : 'over-rate submissions'].filter(
    (figure): figure is string => figure !== undefined,
  );
  console.log(`targets: ${2 - missed.length} of 2 hold${missed.length > 0 ? `; missed: ${missed.join(', ')}` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
