// SMS through ACS at its documented rate (issue 20): how close the channel's sustained throughput comes to
// a toll-free number's 200 message units a minute ("Service limits", SMS), as a ratio, and whether it ever
// goes over. The real @azure/communication-sms sends through the HTTP layer to the sandbox's ACS in its own
// process, paced as the sender paces a transport (the MailboxPacer at ACS_SMS_LIMITS), the sandbox's minute
// and the pacer's running BENCH_TIME_SCALE times faster; the sandbox answers 429 past 200 a minute.
//
// A warm-up send first (connections, the SDK's pipeline), then BENCH_SMS_RUNS runs of BENCH_SMS_MESSAGES;
// the median of the runs is reported. Figures: the rate reached / the documented rate (the least span the rate
// allows from the first acceptance to the last over the span taken; target ≥ 0.87), the most accepted in
// any sliding minute / the rate (target ≤ 1), and the sends that failed, 429s included (target none).
// Nothing fails on timing.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ACS_SMS_LIMITS, createAcsSmsChannel, type ChannelMessage } from '../src/core/channels';
import { sleepAbortably, systemClock, type Clock } from '../src/core/clock';
import { HttpClient } from '../src/core/http';
import { silentLogger } from '../src/core/log';
import { createMailboxPacer, PACING_WINDOW_MS } from '../src/core/reminders';
import { startSandboxProcess } from './sandboxProcess';

const MESSAGES = Number(process.env.BENCH_SMS_MESSAGES ?? 500);
const RUNS = Number(process.env.BENCH_SMS_RUNS ?? 3);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 20);
const TARGET_RATIO = 0.87;

function scaledClock(scale: number): Clock {
  const epoch = systemClock.now();
  return {
    now: () => epoch + (systemClock.now() - epoch) * scale,
    sleep: (ms, signal) => sleepAbortably(ms / scale, signal),
  };
}

function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function rateRatio(times: readonly number[], perWindow: number, windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const span = (sorted[sorted.length - 1] ?? 0) - (sorted[0] ?? 0);
  const floor = (Math.ceil(sorted.length / perWindow) - 1) * windowMs;
  return span <= 0 ? Number.NaN : floor / span;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess([
    '--seed',
    'bench-sms',
    '--clients',
    '2',
    '--time-scale',
    String(TIME_SCALE),
  ]);
  const info = sandbox.info as typeof sandbox.info & { acsConnectionString: string; smsFrom: string };
  const http = new HttpClient({
    logger: silentLogger,
    trust: { ca: readFileSync(info.caFile), origins: [new URL(info.graphUrl).origin] },
  });
  const channel = createAcsSmsChannel({
    http,
    connectionString: info.acsConnectionString,
    clock: systemClock,
    log: silentLogger,
  });
  const message = (run: string, i: number): ChannelMessage => ({
    reminderId: `${run}-${i}`,
    to: { address: `+49170${String(1_000_000 + i)}` },
    subject: '',
    body: `Hello, a reminder of your session tomorrow at 10:00 (${i}).`,
    stableId: randomUUID(),
    firstAttemptAt: new Date(),
    from: info.smsFrom,
  });
  const windowMs = PACING_WINDOW_MS / TIME_SCALE;
  try {
    await channel.send(message('warm', 0));
    // The warm-up's unit leaves the sandbox's minute before the first run starts.
    await sleepAbortably(windowMs);
    const ratios: number[] = [];
    const peaks: number[] = [];
    let failedAll = 0;
    for (let r = 0; r < RUNS; r++) {
      const run = `run${r}`;
      const pacer = createMailboxPacer({ clock: scaledClock(TIME_SCALE), ...ACS_SMS_LIMITS });
      const outcomes = await Promise.allSettled(
        Array.from({ length: MESSAGES }, (_, i) =>
          pacer.run(`acsSms:${info.smsFrom}`, () => channel.send(message(run, i)), { submission: true }),
        ),
      );
      failedAll += outcomes.filter((o) => o.status === 'rejected').length;
      const inspection = (await sandbox.inspect()) as {
        services: { acs: { messages: Array<{ sentAt: string; tag?: string }> } };
      };
      const times = inspection.services.acs.messages
        .filter((m) => m.tag?.startsWith(`${run}-`) === true)
        .map((m) => Date.parse(m.sentAt));
      ratios.push(rateRatio(times, ACS_SMS_LIMITS.perMinute, windowMs));
      peaks.push(maxInWindow(times, windowMs));
      // The next run starts on an empty minute.
      await sleepAbortably(windowMs);
    }
    const ratio = median(ratios);
    const most = Math.max(...peaks);
    console.log(
      `  acsSms   ${RUNS} runs of ${MESSAGES} SMS at ${ACS_SMS_LIMITS.perMinute}/min (a minute lasting ${windowMs / 1000} s), ` +
        `${ACS_SMS_LIMITS.concurrency} at once`,
    );
    console.log(
      `    rate reached/documented   : median ${ratio.toFixed(3)} of ${ratios.map((x) => x.toFixed(3)).join(', ')}   (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'holds' : 'MISSED'})`,
    );
    console.log(
      `    most in a sliding minute  : ${most} = ${(most / ACS_SMS_LIMITS.perMinute).toFixed(2)}× the rate; ${failedAll} sends failed (429s included)` +
        `   (target ≤ 1× and none: ${most <= ACS_SMS_LIMITS.perMinute && failedAll === 0 ? 'holds' : 'MISSED'})`,
    );
  } finally {
    await http.close();
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
