// `lc dv query --all --json` streams with backpressure (issue 14, item 9): a reader that stalls (| jq, |
// gzip, ssh) makes lc wait instead of buffering every row, so even under a 48 MB heap cap every row
// arrives; and a reader that leaves early (| head -1) ends the query quietly with exit 0, no EPIPE trace.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { lcProcess } from './lcProcess';

/** 2,500 clients with 20 sessions each: 50,000 appointment rows, about 46 MB of NDJSON. */
const CLIENTS = 2_500;
const ROWS = CLIENTS * 20;
/** The page lc asks for with --all. */
const PAGE_SIZE = 1_000;

describe('lc: streaming output', function () {
  this.timeout(240_000);
  let sandbox: RunningSandbox;

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-streaming', clients: CLIENTS });
  });
  after(async () => {
    await sandbox?.stop();
  });

  const appointmentPagesServed = (): number =>
    sandbox.requestLog().filter((e) => e.service === 'dataverse' && /\/appointments/.test(e.path)).length;

  it('waits for a stalled reader and still delivers every row under a 48 MB heap cap', async () => {
    let rows = 0;
    let partial = '';
    let waitedForReader = false;
    const alreadyServed = appointmentPagesServed();
    const run = await lcProcess(['--verbose', '--json', 'dv', 'query', 'appointments', '--all'], {
      env: sandbox.info.env,
      nodeArgs: ['--max-old-space-size=48'],
      rawStdout: true,
      onSpawn: (child: ChildProcess) => {
        const stdout = child.stdout!;
        stdout.pause(); // the reader stalls…
        const resume = (): void => {
          clearInterval(poll);
          stdout.resume();
        };
        // …until lc says it is waiting for it, or (without backpressure) every page was fetched already,
        // or lc ended (out of memory).
        child.stderr?.on('data', (d: Buffer) => {
          if (/waiting for the reader/.test(d.toString())) {
            waitedForReader = true;
            resume();
          }
        });
        const poll = setInterval(() => {
          if (appointmentPagesServed() - alreadyServed >= ROWS / PAGE_SIZE) resume();
        }, 50);
        child.on('exit', resume);
        stdout.on('data', (d: Buffer) => {
          const text = partial + d.toString();
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          rows += lines.length;
        });
      },
    });
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.ok(waitedForReader, 'lc waited for the reader instead of buffering');
    assert.equal(rows, ROWS);
    assert.ok(appointmentPagesServed() - alreadyServed <= ROWS / PAGE_SIZE + 1);
  });

  it('ends quietly with exit 0 when the reader closes the pipe early (| head -1)', async () => {
    const run = await lcProcess(['--json', 'dv', 'query', 'appointments', '--all'], {
      env: sandbox.info.env,
      rawStdout: true,
      onSpawn: (child: ChildProcess) => {
        const stdout = child.stdout!;
        let seen = '';
        const onData = (d: Buffer): void => {
          seen += d.toString();
          if (seen.includes('\n')) {
            stdout.off('data', onData);
            stdout.destroy(); // head -1 has its line and exits
          }
        };
        stdout.on('data', onData);
      },
    });
    assert.equal(run.signal, null);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /EPIPE|\n\s+at .+:\d+:\d+/);
  });
});
