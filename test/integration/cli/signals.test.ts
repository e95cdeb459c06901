// Stopping `lc` from outside (issue 14, item 8): SIGTERM cancels like SIGINT — the request in flight
// is aborted, one line says so, and the exit code is the shell's 128 + signal (130, 143) — with no
// stack trace; and doctor reports a service slower than its timeout as slow, never as "Cancelled.".
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { parseFaultSpec, startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { lcProcess, type LcRun } from './lcProcess';

describe('lc: signals and slow services', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: 'cli-signals',
      clients: 3,
      // Dataverse and Stripe answer far too late; Entra answers at once, so sign-in completes.
      faults: [parseFaultSpec('dataverse:latency:1:30000'), parseFaultSpec('stripe:latency:1:30000')],
    });
  });
  after(async () => {
    await sandbox?.stop();
  });

  /** Runs a query that hangs on Dataverse, and sends `signal` once sign-in is done. */
  async function interruptedQuery(signal: NodeJS.Signals): Promise<{ run: LcRun; ms: number }> {
    const started = Date.now();
    let sent = false;
    const run = await lcProcess(['--verbose', '--json', 'dv', 'query', 'contacts', '--all'], {
      env: sandbox.info.env,
      onSpawn: (child: ChildProcess) => {
        let seen = '';
        child.stderr?.on('data', (d: Buffer) => {
          seen += d.toString();
          // The token request has been answered: the query is next, or already waiting on Dataverse.
          if (!sent && /\[api\] http request .*service=entra/.test(seen)) {
            sent = true;
            child.kill(signal);
          }
        });
      },
    });
    assert.ok(sent, `the signal was sent: ${run.stderr}`);
    return { run, ms: Date.now() - started };
  }

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} cancels a running query with a message and exit ${code}, without a stack trace`, async () => {
      const { run, ms } = await interruptedQuery(signal);
      assert.equal(run.signal, null, 'lc ends itself instead of being killed');
      assert.equal(run.code, code, run.stdout + run.stderr);
      assert.ok(ms < 20_000, `it stopped at once, not after the service answered (${ms} ms)`);
      const { error } = JSON.parse(run.stdout) as { error: { class: string; message: string } };
      assert.equal(error.class, 'cancelled');
      assert.match(error.message, new RegExp(`Cancelled by ${signal}`));
      assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    });
  }

  it('doctor reports a service slower than its timeout as not answering in time, never "Cancelled."', async () => {
    const run = await lcProcess(['doctor', '--json', '--timeout', '1'], { env: sandbox.info.env });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    const { checks } = JSON.parse(run.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    const stripe = checks.find((c) => c.name === 'reach stripe');
    assert.equal(stripe?.ok, false);
    assert.match(stripe?.detail ?? '', /did not answer within 1 s/);
    assert.ok(!checks.some((c) => /Cancelled/.test(c.detail)), JSON.stringify(checks));
    assert.equal(checks.find((c) => c.name === 'reach entra')?.ok, true);
  });
});
