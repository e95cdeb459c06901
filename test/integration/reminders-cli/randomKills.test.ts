// Exactly once under rough handling (issue 15, reliability): `lc reminders send` SIGKILLed at random
// points in 20 runs, then run to the end, leaves every due reminder in Sent Items exactly once with none
// lost (counted once transport has drained), each recorded sent in Dataverse with one message-log row;
// and two senders started at once never send one reminder twice. The kill points come from a seeded PRNG
// whose seed is logged (LC_TEST_SEED repeats a run).
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createPrng } from '../../../src/sandbox';
import {
  assertEachRecordedSentOnce,
  assertEachSentOnce,
  lc,
  plannedIds,
  sendUntilSettled,
  startSandboxProcess,
  waitForDrain,
  type SandboxProcess,
  type SendDocument,
} from './sendingWorld';

const RUNS = 20;

describe('lc reminders send: killed at random, and two at once', function () {
  this.timeout(180_000);
  let sandbox: SandboxProcess;

  before(async () => {
    sandbox = await startSandboxProcess({
      seed: 'cli-send-kills',
      clients: 12,
      dueReminders: 24,
      practitioners: 3,
      timeScale: 50,
    });
  });
  after(async () => {
    await sandbox?.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  it(`${RUNS} runs SIGKILLed at random points, then a final run: every due reminder in Sent Items exactly once`, async () => {
    const seed = process.env.LC_TEST_SEED ?? randomBytes(4).toString('hex');
    // Logged so a failure can be replayed: LC_TEST_SEED=<seed> npx mocha … randomKills.test.ts
    console.log(`      random kill points from LC_TEST_SEED=${seed}`);
    const prng = createPrng(`random-kills:${seed}`);
    const due = await plannedIds(sandbox);
    assert.ok(due.length >= 24, `the sandbox seeded the due reminders (${due.length})`);
    let killed = 0;
    for (let run = 0; run < RUNS; run++) {
      // The kill lands after the k-th answer from Graph or Dataverse, a few milliseconds into what follows.
      const afterRequests = prng.int(1, 30);
      const extraMs = prng.int(0, 25);
      let seen = 0;
      let timer: NodeJS.Timeout | undefined;
      const result = await lc(sandbox, ['--verbose', '--json', '--yes', 'reminders', 'send'], {
        onSpawn: (child: ChildProcess) => {
          child.stderr?.on('data', (d: Buffer) => {
            seen += (d.toString().match(/\[api\] http request .*service=(graph|dataverse)/g) ?? []).length;
            if (seen >= afterRequests && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), extraMs);
          });
        },
      });
      clearTimeout(timer);
      if (result.signal === 'SIGKILL') killed++;
      else assert.equal(result.code, 0, `run ${run} (seed ${seed}) ended on its own: ${result.stderr.slice(-2000)}`);
    }
    console.log(`      ${killed} of ${RUNS} runs killed mid-way; the others finished what was left`);
    assert.ok(killed >= RUNS / 4, `runs were killed mid-way (${killed} of ${RUNS}, seed ${seed})`);
    await sendUntilSettled(sandbox);
    const graph = await waitForDrain(sandbox);
    assertEachSentOnce(graph, due);
    await assertEachRecordedSentOnce(sandbox, due);
  });

  it('two senders started at once never send one reminder twice', async () => {
    const due = await plannedIds(sandbox);
    const both = await Promise.all([
      lc(sandbox, ['--json', '--yes', 'reminders', 'send']),
      lc(sandbox, ['--json', '--yes', 'reminders', 'send']),
    ]);
    for (const run of both) assert.equal(run.code, 0, run.stderr + run.stdout);
    const [first, second] = both.map((run) => JSON.parse(run.stdout) as SendDocument);
    const delivered = (report: SendDocument): Set<string> =>
      new Set(report.items.filter((i) => i.outcome === 'sent' || i.outcome === 'submitted').map((i) => i.reminderId));
    const inBoth = [...delivered(first)].filter((id) => delivered(second).has(id));
    assert.deepEqual(inBoth, [], 'no reminder was delivered by both senders');
    await sendUntilSettled(sandbox);
    const graph = await waitForDrain(sandbox);
    assertEachSentOnce(graph, due);
    const submissions = graph.mailboxes.reduce((n, m) => n + m.submissions.total, 0);
    assert.equal(submissions, due.length, 'one /send a reminder, whoever sent it');
    await assertEachRecordedSentOnce(sandbox, due);
  });
});
