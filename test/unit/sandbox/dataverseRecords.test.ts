// Record routes: create (204 + OData-EntityId, 201 with return=representation), @odata.bind
// lookups, reads with etags (304), conditional updates (412), upsert, delete, notes bound to
// records, payload validation and impersonated writes.

import { strict as assert } from 'node:assert';
import { API, IDS, aPractice, call, newService, USER_TOKEN } from './dataverseFixture';

function practice() {
  return aPractice().withClient({ firstName: 'Anna', lastName: 'Zeller' }).withSession().build();
}

function idFromEntityId(header: string | undefined): string {
  const match = /\(([0-9a-f-]{36})\)$/.exec(header ?? '');
  assert.ok(match, `OData-EntityId ${header}`);
  return match[1];
}

describe('Dataverse records', () => {
  it('creates with 204 and an absolute OData-EntityId, binding a lookup with @odata.bind', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const response = await call(service, 'POST', 'appointments', {
      body: {
        subject: 'Intake',
        scheduledstart: '2025-04-01T10:00:00Z',
        scheduledend: '2025-04-01T10:50:00Z',
        cre92_fee: 90,
        'regardingobjectid_contact_appointment@odata.bind': `/contacts(${seed.clients[0].id})`,
      },
    });
    assert.equal(response.status, 204, response.text);
    assert.equal(response.text, '');
    const id = idFromEntityId(response.headers['OData-EntityId']);
    assert.equal(response.headers['OData-EntityId'], `${API}/appointments(${id})`);
    const row = (
      await call(service, 'GET', `appointments(${id})?$select=subject,_regardingobjectid_value,statecode,statuscode`)
    ).json();
    assert.equal(
      row['@odata.context'],
      `${API}/$metadata#appointments(subject,_regardingobjectid_value,statecode,statuscode)/$entity`,
    );
    assert.equal(row._regardingobjectid_value, seed.clients[0].id);
    assert.deepEqual([row.statecode, row.statuscode], [3, 5]);
  });

  it('answers 201 with the record when return=representation is preferred', async () => {
    const { service } = newService(practice());
    const response = await call(service, 'POST', 'contacts?$select=fullname,firstname', {
      headers: { Prefer: 'return=representation' },
      body: { firstname: 'Clara', lastname: 'Berg' },
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers['Preference-Applied'], 'return=representation');
    assert.equal(response.headers['OData-EntityId'], undefined);
    const body = response.json();
    assert.equal(body.fullname, 'Clara Berg');
    assert.match(String(body['@odata.etag']), /^W\/"\d+"$/);
    assert.ok(body.contactid);
  });

  it('serves 304 for the current etag and bumps the version on every change', async () => {
    const seed = practice();
    const { service, ctx } = newService(seed);
    const id = seed.clients[0].id;
    const first = await call(service, 'GET', `contacts(${id})`);
    const etag = String(first.json()['@odata.etag']);
    const modifiedBefore = first.json().modifiedon;
    assert.equal((await call(service, 'GET', `contacts(${id})`, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await call(service, 'GET', `contacts(${id})`, { headers: { 'If-None-Match': 'null' } })).status, 200);
    ctx.clock.time += 60_000;
    const update = await call(service, 'PATCH', `contacts(${id})`, {
      body: { telephone1: '+49 1' },
      headers: { 'If-Match': etag },
    });
    assert.equal(update.status, 204);
    assert.equal(update.headers['OData-EntityId'], `${API}/contacts(${id})`);
    const after = (await call(service, 'GET', `contacts(${id})`)).json();
    assert.notEqual(after['@odata.etag'], etag);
    assert.notEqual(after.modifiedon, modifiedBefore);
    assert.equal(after.telephone1, '+49 1');
  });

  it('refuses a stale If-Match with 412 and leaves the row unchanged', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const id = seed.clients[0].id;
    const etag = String((await call(service, 'GET', `contacts(${id})`)).json()['@odata.etag']);
    await call(service, 'PATCH', `contacts(${id})`, { body: { telephone1: '1' } });
    const stale = await call(service, 'PATCH', `contacts(${id})`, {
      body: { telephone1: '2' },
      headers: { 'If-Match': etag },
    });
    assert.equal(stale.status, 412);
    assert.deepEqual(stale.json(), {
      error: {
        code: '0x80060882',
        message: "The version of the existing record doesn't match the RowVersion property provided.",
      },
    });
    assert.equal((await call(service, 'GET', `contacts(${id})/telephone1`)).json().value, '1');
    const staleDelete = await call(service, 'DELETE', `contacts(${id})`, { headers: { 'If-Match': etag } });
    assert.equal(staleDelete.status, 412);
  });

  it('upserts with PATCH on a missing id, and honours If-Match: * and If-None-Match: *', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const newId = 'abcdef01-2345-4678-89ab-cdef01234567';
    const refused = await call(service, 'PATCH', `contacts(${newId})`, {
      body: { lastname: 'X' },
      headers: { 'If-Match': '*' },
    });
    assert.equal(refused.status, 404);
    assert.equal(
      refused.json<{ error: { message: string } }>().error.message,
      `contact With Id = ${newId} Does Not Exist`,
    );
    const created = await call(service, 'PATCH', `contacts(${newId})`, { body: { lastname: 'Upserted' } });
    assert.equal(created.status, 204);
    assert.equal(idFromEntityId(created.headers['OData-EntityId']), newId);
    assert.equal((await call(service, 'GET', `contacts(${newId})?$select=lastname`)).json().lastname, 'Upserted');
    const duplicate = await call(service, 'PATCH', `contacts(${newId})`, {
      body: { lastname: 'Again' },
      headers: { 'If-None-Match': '*' },
    });
    assert.equal(duplicate.status, 412);
    assert.equal(
      duplicate.json<{ error: { message: string } }>().error.message,
      'A record with matching key values already exists.',
    );
    const represented = await call(service, 'PATCH', `contacts(${newId})?$select=lastname`, {
      body: { lastname: 'Third' },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(represented.status, 200);
    assert.equal(represented.json().lastname, 'Third');
  });

  it('deletes with 204 and answers 404 afterwards', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const id = seed.sessions[0].id;
    assert.equal((await call(service, 'DELETE', `appointments(${id})`)).status, 204);
    const again = await call(service, 'DELETE', `appointments(${id})`);
    assert.equal(again.status, 404);
    assert.deepEqual(again.json(), {
      error: { code: '0x80040217', message: `appointment With Id = ${id} Does Not Exist` },
    });
    assert.equal((await call(service, 'GET', `appointments(${id})`)).status, 404);
  });

  it('binds notes to a record with objectid_<table>@odata.bind', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const session = seed.sessions[0].id;
    const created = await call(service, 'POST', 'annotations', {
      body: {
        subject: 'Progress',
        notetext: 'Went well',
        'objectid_appointment@odata.bind': `/appointments(${session})`,
      },
    });
    assert.equal(created.status, 204, created.text);
    const page = (
      await call(service, 'GET', `annotations?$filter=_objectid_value eq ${session}&$select=subject,notetext`)
    ).json<{ value: Record<string, unknown>[] }>();
    assert.deepEqual(
      page.value.map((note) => note.notetext),
      ['Went well'],
    );
    const wrongTarget = await call(service, 'POST', 'annotations', {
      body: { subject: 'x', 'objectid_appointment@odata.bind': `/contacts(${seed.clients[0].id})` },
    });
    assert.equal(wrongTarget.status, 400);
  });

  it('rejects unknown properties, direct lookup writes, bad types and out-of-range choices', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const unknown = await call(service, 'POST', 'contacts', { body: { nickname: 'x' } });
    assert.equal(unknown.status, 400);
    assert.match(
      unknown.json<{ error: { message: string } }>().error.message,
      /The property 'nickname' does not exist on type 'Microsoft.Dynamics.CRM.contact'/,
    );
    const lookup = await call(service, 'POST', 'appointments', {
      body: { _regardingobjectid_value: seed.clients[0].id },
    });
    assert.equal(lookup.status, 400);
    assert.match(lookup.text, /Use Navigation properties instead/);
    const badType = await call(service, 'POST', 'cre92_scheduledmessages', { body: { cre92_attempts: 'two' } });
    assert.equal(badType.status, 400);
    assert.match(badType.text, /Cannot convert the literal 'two' to the expected type 'Edm.Int32'/);
    const choice = await call(service, 'POST', 'cre92_scheduledmessages', { body: { cre92_status: 7 } });
    assert.equal(choice.status, 400);
    assert.equal(choice.json<{ error: { code: string } }>().error.code, '0x8004431a');
    const tooLong = await call(service, 'POST', 'appointments', { body: { subject: 'x'.repeat(201) } });
    assert.equal(tooLong.json<{ error: { code: string } }>().error.code, '0x80044331');
    const missingTarget = await call(service, 'POST', 'appointments', {
      body: { 'regardingobjectid_contact_appointment@odata.bind': '/contacts(00000000-0000-4000-8000-0000000000ff)' },
    });
    assert.equal(missingTarget.status, 404);
  });

  it('sets the status reason that belongs to a new state', async () => {
    const seed = practice();
    const { service } = newService(seed);
    const id = seed.sessions[0].id;
    await call(service, 'PATCH', `appointments(${id})`, { body: { statecode: 2 } });
    const row = (await call(service, 'GET', `appointments(${id})?$select=statecode,statuscode`)).json();
    assert.deepEqual([row.statecode, row.statuscode], [2, 4]);
    const invalid = await call(service, 'PATCH', `appointments(${id})`, { body: { statecode: 1, statuscode: 5 } });
    assert.equal(invalid.status, 400);
  });

  it('records createdby and createdonbehalfby when the app impersonates a user', async () => {
    const { service } = newService(practice());
    const created = await call(service, 'POST', 'contacts', {
      body: { lastname: 'Imp' },
      headers: { MSCRMCallerID: IDS.practitionerUser },
    });
    const id = idFromEntityId(created.headers['OData-EntityId']);
    const row = (
      await call(service, 'GET', `contacts(${id})?$select=_createdby_value,_createdonbehalfby_value,_ownerid_value`)
    ).json();
    assert.equal(row._createdby_value, IDS.practitionerUser);
    assert.equal(row._createdonbehalfby_value, IDS.appUser);
    assert.equal(row._ownerid_value, IDS.practitionerUser);
    const plain = await call(service, 'POST', 'contacts', { body: { lastname: 'Plain' } });
    const plainRow = (
      await call(
        service,
        'GET',
        `contacts(${idFromEntityId(plain.headers['OData-EntityId'])})?$select=_createdby_value,_createdonbehalfby_value`,
      )
    ).json();
    assert.deepEqual([plainRow._createdby_value, plainRow._createdonbehalfby_value], [IDS.appUser, null]);
  });

  it('answers WhoAmI with the application user, the impersonated user, or the signed-in user', async () => {
    const { service } = newService(practice());
    const app = (await call(service, 'GET', 'WhoAmI')).json();
    assert.deepEqual(app, {
      '@odata.context': `${API}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: IDS.businessUnit,
      UserId: IDS.appUser,
      OrganizationId: IDS.organization,
    });
    const impersonated = (
      await call(service, 'GET', 'WhoAmI', { headers: { CallerObjectId: IDS.practitionerOid } })
    ).json();
    assert.equal(impersonated.UserId, IDS.practitionerUser);
    assert.equal(
      (await call(service, 'GET', 'WhoAmI', { headers: { MSCRMCallerID: IDS.practitionerUser } })).json().UserId,
      IDS.practitionerUser,
    );
    assert.equal((await call(service, 'GET', 'WhoAmI', { token: USER_TOKEN })).json().UserId, IDS.practitionerUser);
  });

  it('adds the CDS error detail annotations when odata.include-annotations asks', async () => {
    const { service } = newService(practice());
    const missing = '00000000-0000-4000-8000-0000000000ff';
    const plain = await call(service, 'GET', `contacts(${missing})`);
    assert.deepEqual(Object.keys(plain.json<{ error: object }>().error), ['code', 'message']);
    const detailed = await call(service, 'GET', `contacts(${missing})`, {
      headers: { Prefer: 'odata.include-annotations="*"' },
    });
    const error = detailed.json<{ error: Record<string, unknown> }>().error;
    assert.equal(error.code, '0x80040217');
    assert.equal(error['@Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus'], '0');
    assert.ok(String(error['@Microsoft.PowerApps.CDS.HelpLink']).includes('80040217'));
  });

  it('answers /$count with the row count as plain text', async () => {
    const { service } = newService(aPractice().withClient().withClient().withClient().build());
    const response = await call(service, 'GET', 'contacts/$count');
    assert.equal(response.status, 200);
    assert.equal(response.text, '3');
  });

  it('answers 401 in Dataverse shape without a valid token', async () => {
    const { service } = newService(practice());
    const missing = await call(service, 'GET', 'WhoAmI', { token: null });
    assert.equal(missing.status, 401);
    assert.ok(missing.headers['WWW-Authenticate']?.startsWith('Bearer authorization_uri='));
    assert.match(missing.json<{ error: { code: string } }>().error.code, /^0x/);
    assert.equal((await call(service, 'GET', 'WhoAmI', { token: 'Bearer forged' })).status, 401);
  });
});
