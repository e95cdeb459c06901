// `lc sandbox --data FILE` whose saved state a service rejects: lc says why and exits, as any failed
// start does, instead of staying alive on a port nobody can use with a certificate folder nobody removes.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox } from '../../../src/sandbox';
import { testFolder } from '../../builders/testFolders';
import { jsonError, lcProcess } from './lcProcess';

describe('lc sandbox with a saved state it rejects', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('exits with the reason and leaves no certificate folder behind', async () => {
    const dir = testFolder('lc-sandbox-data-');
    const dataFile = path.join(dir, 'state.json');
    const first = await startSandbox({ seed: 'rejected-state', clients: 1, dataFile });
    await first.stop();
    const saved = JSON.parse(fs.readFileSync(dataFile, 'utf8')) as { services: Record<string, unknown> };
    saved.services.stripe = { version: 1 }; // a hand-edited file: its Stripe part lacks the customers
    fs.writeFileSync(dataFile, JSON.stringify(saved));
    const tmp = testFolder('lc-sandbox-tmp-');

    const run = await lcProcess(['sandbox', '--data', dataFile, '--json'], {
      env: { TMPDIR: tmp },
      logDir: path.join(dir, 'logs'),
      onSpawn: (c) => (child = c),
    });

    assert.notEqual(run.code, 0, run.stdout + run.stderr);
    assert.match(jsonError(run).message, /Not a Stripe sandbox state/);
    assert.deepEqual(
      fs.readdirSync(tmp).filter((name) => name.startsWith('lc-sandbox-')),
      [],
      'no certificate folder left behind',
    );
  });
});
