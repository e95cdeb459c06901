// Writes whose answer is lost: the sandbox applies the request and then drops the connection, so the client
// cannot tell whether it happened. Every write must be safe to send again: a create carries its own id and is
// read back, a conditional update that meets 412 on its retry checks whether the row holds what it sent, a
// delete retried into 404 has succeeded; and when nothing can be read back, the error says the outcome is unknown.
import assert from 'node:assert/strict';
import { ConflictError, TransientError } from '../../../src/core/errors';
import { batchOps, type DataverseClient } from '../../../src/core/dataverse';
import type { Clock } from '../../../src/core/http';
import { startHarness, type Harness } from './harness';

/** Sleeps return at once; `duringSleep` runs once at the next sleep (another actor acting between attempts). */
class StepClock implements Clock {
  offset = 0;
  duringSleep: (() => Promise<void>) | undefined;

  now(): number {
    return Date.now() + this.offset;
  }

  async sleep(ms: number): Promise<void> {
    this.offset += ms;
    const act = this.duringSleep;
    this.duringSleep = undefined;
    if (act) await act();
  }
}

describe('Dataverse writes whose answer is lost', function () {
  this.timeout(60_000);
  let h: Harness;
  let dv: DataverseClient;
  const clock = new StepClock();

  before(async () => {
    h = await startHarness({
      seed: 'dataverse-lost-answer-test',
      clients: 3,
      clock,
      dataverse: {
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, maxTotalMs: 60_000 },
        breaker: { failureThreshold: 50, halfOpenAfterMs: 1_000 },
      },
    });
    dv = h.client();
  });

  afterEach(() => h.sandbox.faults.clear());
  after(async () => {
    await h?.stop();
  });

  const lose = (route: string, limit = 1): void =>
    h.sandbox.faults.add({ service: 'dataverse', kind: 'lostAnswer', rate: 1, limit, route });

  async function rowsNamed(lastname: string): Promise<string[]> {
    const rows = await dv.list('contacts', { select: ['contactid'], filter: `lastname eq '${lastname}'` });
    return rows.map((r) => String(r.contactid));
  }

  it('creates one row when the answer to the create is lost, and returns its id', async () => {
    lose('^POST /api/data/v9\\.2/contacts$');
    const id = await dv.create('contacts', { lastname: 'LostCreate' });
    assert.deepEqual(await rowsNamed('LostCreate'), [id]);
    const posts = h.sandbox.requestLog().filter((e) => e.service === 'dataverse' && e.method === 'POST');
    assert.ok(
      posts.some((e) => e.faults?.includes('lostAnswer')),
      'the first create was applied and its answer lost',
    );
  });

  it('reports success for a conditional update whose answer was lost and whose retry met 412', async () => {
    const id = await dv.create('contacts', { lastname: 'LostUpdate', firstname: 'Before' });
    const { etag } = await dv.get('contacts', id);
    lose(`^PATCH /api/data/v9\\.2/contacts\\(${id}\\)$`);
    await dv.update('contacts', id, { firstname: 'After' }, { ifMatch: etag });
    assert.equal((await dv.get('contacts', id)).row.firstname, 'After');
  });

  it('reports the conflict, naming who changed the row, when another actor wrote between the attempts', async () => {
    const id = await dv.create('contacts', { lastname: 'LostRace', firstname: 'Before' });
    const { etag } = await dv.get('contacts', id);
    lose(`^PATCH /api/data/v9\\.2/contacts\\(${id}\\)$`);
    const other = h.client();
    clock.duringSleep = () => other.update('contacts', id, { firstname: 'Theirs' });
    const error = await dv.update('contacts', id, { firstname: 'Mine' }, { ifMatch: etag }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConflictError, String(error));
    assert.match(error.message, /changed by /);
    assert.equal((await dv.get('contacts', id)).row.firstname, 'Theirs');
  });

  it('reports success for a delete whose answer was lost and whose retry met 404', async () => {
    const id = await dv.create('contacts', { lastname: 'LostDelete' });
    const { etag } = await dv.get('contacts', id);
    lose(`^DELETE /api/data/v9\\.2/contacts\\(${id}\\)$`);
    await dv.delete('contacts', id, { ifMatch: etag });
    assert.deepEqual(await rowsNamed('LostDelete'), []);
  });

  it('says the outcome is unknown, naming the row, when neither the create nor a read-back gets an answer', async () => {
    lose('^POST /api/data/v9\\.2/contacts$', 100);
    h.sandbox.faults.add({ service: 'dataverse', kind: 'drop', rate: 1, route: '^GET /api/data/v9\\.2/contacts\\(' });
    const error = await dv.create('contacts', { lastname: 'LostForGood' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    h.sandbox.faults.clear();
    assert.ok(error instanceof TransientError, String(error));
    assert.equal(error.code, 'dataverse.outcomeUnknown');
    const [id] = await rowsNamed('LostForGood');
    assert.ok(id, 'the create did happen');
    assert.ok(error.message.includes(id), error.message);
    assert.match(error.message, /may have been created|unknown/i);
  });

  it('runs a $batch whose answer was lost exactly once, reading back which change sets took effect', async () => {
    const existing = await dv.create('contacts', { lastname: 'LostBatch', firstname: 'Before' });
    lose('^POST /api/data/v9\\.2/\\$batch$');
    const results = await dv.batch([
      batchOps.create('contacts', { lastname: 'LostBatch', firstname: 'A' }),
      batchOps.create('contacts', { lastname: 'LostBatch', firstname: 'B' }),
      batchOps.update('contacts', existing, { firstname: 'After' }),
      batchOps.get('contacts', existing),
    ]);
    assert.equal(results.length, 4);
    assert.ok(results.every((r) => r.error === undefined));
    const created = results.slice(0, 2).map((r) => r.entityId);
    const rows = await dv.list('contacts', { select: ['contactid', 'firstname'], filter: `lastname eq 'LostBatch'` });
    assert.deepEqual(rows.map((r) => r.firstname).sort(), ['A', 'After', 'B']);
    assert.deepEqual(
      rows
        .map((r) => r.contactid)
        .filter((id) => id !== existing)
        .sort(),
      [...created].sort(),
    );
  });
});
