// When a row left in sending may be taken over: only when its sender is gone (its process on this host no
// longer runs) or its claim is older than the lease; never while the claimer may still be sending it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { claimIsStale } from '../../../../src/core/reminders/sending/claim';
import { FakeClock } from '../../../builders/fakeClock';

const LEASE = 10 * 60_000;

function claimBy(host: string, pid: number, at: number): string {
  return `${host}|${pid}|${new Date(at).toISOString()}|2d0c7c8e-0000-4000-8000-000000000001`;
}

/** The pid of a process that has already ended. */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('send claims', () => {
  const clock = new FakeClock();

  it('a fresh claim of a process still running on this host holds', () => {
    assert.equal(claimIsStale(claimBy(hostname(), process.pid, clock.now()), clock, LEASE), false);
  });

  it('a claim whose process on this host has ended is stale at once (a killed sender)', () => {
    assert.equal(claimIsStale(claimBy(hostname(), endedPid(), clock.now()), clock, LEASE), true);
  });

  it('a claim from another host holds until its lease runs out', () => {
    const at = clock.now();
    const text = claimBy('another-host', 4242, at);
    assert.equal(claimIsStale(text, clock, LEASE), false);
    clock.advance(LEASE);
    assert.equal(claimIsStale(text, clock, LEASE), true);
  });

  it('no claim, or one that cannot be read, holds nothing', () => {
    assert.equal(claimIsStale(undefined, clock, LEASE), true);
    assert.equal(claimIsStale('garbage', clock, LEASE), true);
  });
});
