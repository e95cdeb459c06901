// The Dataverse client against the sandbox over HTTPS with real msal-node tokens: WhoAmI, metadata, paging
// that returns every row once, cancellation mid-query, reads with ETags and the 412 of a stale write, notes,
// impersonation, and $batch change sets that roll back as a whole.
import assert from 'node:assert/strict';
import { CancelledError, ConflictError, NotFoundError, ValidationError } from '../../../src/core/errors';
import { batchOps, filters, type DataverseClient } from '../../../src/core/dataverse';
import { startHarness, type Harness } from './harness';

const MISSING = '00000000-0000-0000-0000-00000000dead';

describe('DataverseClient against the sandbox', function () {
  this.timeout(30_000);
  let h: Harness;
  let dv: DataverseClient;
  const clients = 60;

  before(async () => {
    h = await startHarness({ seed: 'dataverse-client-test', clients });
    dv = h.client();
  });

  after(async () => {
    await h?.stop();
  });

  it('answers WhoAmI as the application user, the second time from the cache', async () => {
    h.mark();
    const first = await dv.whoAmI();
    const second = await dv.whoAmI();
    assert.equal(first.UserId, h.sandbox.practice.app.applicationUserId.toLowerCase());
    assert.equal(first.OrganizationId, h.sandbox.practice.organizationId);
    assert.deepEqual(second, first);
    assert.equal(h.dataverseRequests().filter((r) => r.path.includes('WhoAmI')).length, 1);
  });

  it('lists tables and describes one with column types, required level and choice labels', async () => {
    const tables = await dv.listTables();
    assert.ok(tables.some((t) => t.logicalName === 'contact' && t.entitySet === 'contacts'));
    const appointment = await dv.getTable('appointment');
    assert.equal(appointment.primaryId, 'activityid');
    const payment = appointment.columns.find((c) => c.logicalName === 'cre92_paymentstatus');
    assert.equal(payment?.type, 'Picklist');
    assert.ok(payment?.choices?.some((o) => o.value === 100000003 && o.label === 'Paid'));
    const id = appointment.columns.find((c) => c.logicalName === 'activityid');
    assert.equal(id?.requiredLevel, 'SystemRequired');
    assert.ok(appointment.columns.find((c) => c.logicalName === 'statecode')?.choices?.length);
  });

  it('pages through every contact exactly once, following nextLink with a small page size', async () => {
    h.mark();
    const ids: string[] = [];
    const pages: number[] = [];
    for await (const row of dv.query('contacts', {
      select: ['contactid'],
      pageSize: 7,
      onPage: (p) => pages.push(p.rowCount),
    })) {
      ids.push(String(row.contactid));
    }
    const total = await dv.count('contacts');
    assert.equal(ids.length, total);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    assert.ok(total >= clients);
    assert.equal(pages.length, Math.ceil(total / 7));
    assert.ok(pages.slice(0, -1).every((n) => n === 7));
    assert.equal(h.dataverseRequests().length, pages.length + 1);
  });

  it('stops asking for pages once the query is cancelled, and says so', async () => {
    const controller = new AbortController();
    h.mark();
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const row of dv.query('contacts', {
          select: ['contactid'],
          pageSize: 5,
          signal: controller.signal,
        })) {
          assert.ok(row.contactid);
          if (++seen === 7) controller.abort();
        }
      })(),
      CancelledError,
    );
    assert.equal(seen, 7);
    assert.equal(h.dataverseRequests().length, 2, 'the third page was never requested');
  });

  it('filters with escaped user values: a quote in a name finds the row and injects nothing', async () => {
    const id = await dv.create('contacts', { firstname: 'Siobhán', lastname: "O'Brien" });
    const rows = await dv.list('contacts', {
      select: ['contactid', 'lastname'],
      filter: filters.eq('lastname', "O'Brien"),
    });
    assert.deepEqual(
      rows.map((r) => r.contactid),
      [id],
    );
    const none = await dv.list('contacts', { filter: filters.eq('lastname', "x' or lastname ne 'x") });
    assert.equal(none.length, 0);
    assert.equal(await dv.count('contacts', filters.lookup('contactid', id)), 1);
  });

  it('creates, reads with an ETag, updates, and refuses a stale ETag with who changed it', async () => {
    const id = await dv.create('contacts', { firstname: 'Ada', lastname: 'Lovelace' });
    const read = await dv.get('contacts', id, { select: ['firstname', 'lastname'] });
    assert.equal(read.row.lastname, 'Lovelace');
    assert.match(read.etag ?? '', /^W\/"\d+"$/);
    await dv.update('contacts', id, { lastname: 'King' }, { ifMatch: read.etag });
    const conflict = await dv.update('contacts', id, { lastname: 'Byron' }, { ifMatch: read.etag }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(conflict instanceof ConflictError, String(conflict));
    assert.match(conflict.message, /changed by .+ at .+ since you read it/);
    assert.equal((await dv.get('contacts', id)).row.lastname, 'King');
  });

  it('does not let update create a deleted row, and reports what is missing', async () => {
    const id = await dv.create('contacts', { lastname: 'Temp' });
    await dv.delete('contacts', id);
    await assert.rejects(dv.update('contacts', id, { lastname: 'Back' }), NotFoundError);
    await assert.rejects(dv.get('contacts', MISSING), NotFoundError);
    await assert.rejects(dv.get('contacts', 'not-a-guid'), ValidationError);
  });

  it('upserts a row by id, and associates a session with a client through @odata.bind', async () => {
    const contactId = '0d2a3e5c-7b1f-4c8e-9a2d-3f4b5c6d7e8f';
    await dv.upsert('contacts', contactId, { lastname: 'Upserted' });
    assert.equal((await dv.get('contacts', contactId)).row.lastname, 'Upserted');
    const sessionId = await dv.create('appointments', { subject: 'Intake' });
    await dv.associate('appointments', sessionId, 'regardingobjectid_contact_appointment', {
      entitySet: 'contacts',
      id: contactId,
    });
    const session = await dv.get('appointments', sessionId, { select: ['_regardingobjectid_value'] });
    assert.equal(session.row._regardingobjectid_value, contactId);
  });

  it('adds notes to a client and lists them newest first', async () => {
    const id = await dv.create('contacts', { lastname: 'Noted' });
    const first = await dv.addNote('contact', id, { subject: 'Intake', text: 'First session went well.' });
    await dv.addNote('contacts', id, { subject: 'Follow-up', text: "Client's homework: journaling." });
    const notes = await dv.listNotes(id);
    assert.equal(notes.length, 2);
    assert.ok(notes.some((n) => n.id === first && n.text === 'First session went well.'));
    assert.deepEqual(new Set(notes.map((n) => n.subject)), new Set(['Intake', 'Follow-up']));
  });

  it('impersonates a user with MSCRMCallerID: WhoAmI and createdby name them', async () => {
    const users = await dv.list('systemusers', { select: ['systemuserid', 'applicationid'] });
    const person = users.find((u) => u.applicationid === null);
    assert.ok(person, 'the sandbox has an interactive user');
    const asPerson = h.client({ callerId: String(person.systemuserid) });
    assert.equal((await asPerson.whoAmI()).UserId, person.systemuserid);
    const id = await asPerson.create('contacts', { lastname: 'ByDelegate' });
    const row = (await dv.get('contacts', id, { select: ['_createdby_value', '_createdonbehalfby_value'] })).row;
    assert.equal(row._createdby_value, person.systemuserid);
    assert.equal(row._createdonbehalfby_value, h.sandbox.practice.app.applicationUserId.toLowerCase());
  });

  it("runs a $batch change set and returns each operation's result with created ids", async () => {
    const results = await dv.batch([
      batchOps.create('contacts', { lastname: 'Batch1' }),
      batchOps.create('contacts', { lastname: 'Batch2' }),
    ]);
    assert.equal(results.length, 2);
    assert.ok(results.every((r) => r.status === 204 && r.entityId && !r.error));
    const rows = await dv.list('contacts', { filter: filters.startsWith('lastname', 'Batch'), select: ['contactid'] });
    assert.deepEqual(new Set(rows.map((r) => r.contactid)), new Set(results.map((r) => r.entityId)));
  });

  it('rolls a change set back when one operation fails, naming the failing operation', async () => {
    const before = await dv.count('contacts', filters.startsWith('lastname', 'Rollback'));
    const error = await dv
      .batch([
        batchOps.create('contacts', { lastname: 'Rollback1' }),
        batchOps.update('contacts', MISSING, { lastname: 'Nobody' }),
        batchOps.create('contacts', { lastname: 'Rollback2' }),
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof NotFoundError, String(error));
    assert.match(error.message, /batch operation 2 of 3 \(PATCH contacts\(/);
    assert.match(error.message, /rolled back/);
    assert.equal(await dv.count('contacts', filters.startsWith('lastname', 'Rollback')), before);
  });

  it('with continueOnError, runs later change sets and marks the failed one per operation', async () => {
    const results = await dv.batch(
      [
        batchOps.update('contacts', MISSING, { lastname: 'x' }),
        batchOps.get('contacts', MISSING),
        batchOps.create('contacts', { lastname: 'AfterFailure' }),
      ],
      { continueOnError: true },
    );
    assert.ok(results[0].error instanceof NotFoundError);
    assert.ok(results[1].error instanceof NotFoundError);
    assert.equal(results[2].status, 204);
    assert.ok(results[2].entityId);
  });
});
