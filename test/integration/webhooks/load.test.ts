// Issue 16's burst: 500 requests a second for 10 seconds from a local load generator (webhookBurst.ts), answered
// with no event lost or applied twice. A real receiver (startWebhookService, as `lc webhooks serve` and the editor
// run it) with an encrypted inbox on disk, a handler that counts its applications, and a local endpoint that
// counts what is forwarded to it. One request in five is a second delivery of an earlier event, as Stripe sends
// when it doubts the first.
//
// What this proves is correctness under load, not speed: the answer-time percentiles and the generator's pace are
// printed, never asserted (a loaded CI machine would fail a timing bound with no fault in the receiver).
// bench/webhookLoad.bench.ts measures them against a plain endpoint in the same run.
import { strict as assert } from 'node:assert';
import { testFolder } from '../../builders/testFolders';
import { percentile, sendBurst, startReceiverUnderLoad } from './webhookBurst';

const RATE_PER_SECOND = 500;
const SECONDS = 10;
const TOTAL = RATE_PER_SECOND * SECONDS;

describe('webhook receiver under load', function () {
  this.timeout(120_000);

  it('answers a burst of 500 requests a second for 10 s, all 2xx, each event applied and forwarded exactly once', async () => {
    const receiver = await startReceiverUnderLoad(testFolder('lc-webhook-load-'));
    let burst;
    try {
      burst = await sendBurst({ url: receiver.url, ratePerSecond: RATE_PER_SECOND, seconds: SECONDS });
    } finally {
      await receiver.close();
    }

    const sorted = [...burst.latencies].sort((a, b) => a - b);
    const report = {
      requests: burst.requests,
      sendingSeconds: Number(burst.sendingSeconds.toFixed(2)),
      maxPacerLagMs: Math.round(burst.maxPacerLagMs),
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p90Ms: Number(percentile(sorted, 90).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
      maxMs: Number((sorted[sorted.length - 1] ?? NaN).toFixed(1)),
      statuses: Object.fromEntries(burst.statuses),
    };
    console.log(`      load (printed, not asserted): ${JSON.stringify(report)}`);

    assert.equal(burst.requests, TOTAL);
    assert.deepEqual(burst.failures, [], 'every request was answered');
    assert.deepEqual(Object.fromEntries(burst.statuses), { 200: TOTAL }, 'every answer was 2xx');
    const distinct = burst.distinctIds;
    assert.equal(receiver.applications.size, distinct.length, 'no event lost');
    const twice = [...receiver.applications].filter(([, n]) => n !== 1);
    assert.deepEqual(twice, [], 'no event applied twice');
    const forwardedTwice = [...receiver.forwarded].filter(([, n]) => n !== 1);
    assert.equal(receiver.forwarded.size, distinct.length, 'every event forwarded');
    assert.deepEqual(forwardedTwice, [], 'no event forwarded twice');
    // Nothing lost after close: the inbox on disk holds every request, each handled.
    const entries = await receiver.storedEntries();
    assert.equal(entries.length, TOTAL);
    assert.equal(entries.filter((e) => e.outcome === 'applied').length, distinct.length);
    assert.equal(entries.filter((e) => e.outcome === 'duplicate').length, TOTAL - distinct.length);
  });
});
