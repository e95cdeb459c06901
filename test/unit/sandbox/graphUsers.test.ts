// The Graph sandbox's directory routes and its auth gates (401/403 bodies, request ids).

import assert from 'node:assert/strict';
import { MAILBOX, PRACTITIONER_ID, aGraphWorld, aRequest, call, type TestWorld } from './graphTestContext';

describe('sandbox graph: users and auth', () => {
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld();
  });

  it("lists the practitioner and two colleagues with Graph's @odata.context", async () => {
    const answer = await call(world.service, 'GET', '/v1.0/users');
    assert.equal(answer.status, 200);
    assert.equal(answer.body['@odata.context'], 'https://localhost:8443/graph/v1.0/$metadata#users');
    assert.equal(answer.body.value.length, 3);
    const me = answer.body.value.find((user: { mail: string }) => user.mail === MAILBOX);
    assert.equal(me.id, PRACTITIONER_ID);
    assert.equal(me.userPrincipalName, MAILBOX);
    assert.equal(me.givenName, 'Alex');
    assert.equal(me.surname, 'Morgan');
    assert.deepEqual(me.businessPhones, []);
  });

  it('pages users with $top and a followable @odata.nextLink', async () => {
    const first = await call(world.service, 'GET', '/v1.0/users?$top=2&$select=id,mail');
    assert.equal(first.body.value.length, 2);
    assert.deepEqual(Object.keys(first.body.value[0]).sort(), ['id', 'mail']);
    assert.equal(first.body['@odata.context'], 'https://localhost:8443/graph/v1.0/$metadata#users(id,mail)');
    const next = new URL(first.body['@odata.nextLink']);
    assert.ok(next.searchParams.get('$skiptoken'));
    const second = await call(world.service, 'GET', `${next.pathname.replace('/graph', '')}${next.search}`);
    assert.equal(second.body.value.length, 1);
    assert.equal(second.body['@odata.nextLink'], undefined);
    const ids = [...first.body.value, ...second.body.value].map((user: { id: string }) => user.id);
    assert.equal(new Set(ids).size, 3);
  });

  it("filters with mail eq '…' (case-insensitively) and startswith(displayName,'…')", async () => {
    const byMail = await call(
      world.service,
      'GET',
      `/v1.0/users?$filter=${encodeURIComponent(`mail eq '${MAILBOX.toUpperCase()}'`)}`,
    );
    assert.deepEqual(
      byMail.body.value.map((u: { id: string }) => u.id),
      [PRACTITIONER_ID],
    );
    const byPrefix = await call(
      world.service,
      'GET',
      `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'Sam')")}`,
    );
    assert.deepEqual(
      byPrefix.body.value.map((u: { displayName: string }) => u.displayName),
      ['Sam Whitfield'],
    );
  });

  it('refuses a filter on a property the directory does not filter by default', async () => {
    const answer = await call(world.service, 'GET', `/v1.0/users?$filter=${encodeURIComponent("city eq 'Berlin'")}`);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'Request_UnsupportedQuery');
  });

  it('gets a user by id or by userPrincipalName', async () => {
    const byId = await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}`);
    const byUpn = await call(world.service, 'GET', `/v1.0/users/${encodeURIComponent(MAILBOX)}?$select=displayName`);
    assert.equal(byId.body.mail, MAILBOX);
    assert.equal(byId.body['@odata.context'], 'https://localhost:8443/graph/v1.0/$metadata#users/$entity');
    assert.deepEqual(byUpn.body, {
      '@odata.context': 'https://localhost:8443/graph/v1.0/$metadata#users(displayName)/$entity',
      displayName: 'Dr. Alex Morgan',
    });
  });

  it('answers an unknown user with the directory 404 shape and request ids', async () => {
    const answer = await call(world.service, 'GET', '/v1.0/users/nobody@contoso-practice.test', {
      headers: { 'client-request-id': 'my-id' },
    });
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error.code, 'Request_ResourceNotFound');
    assert.match(answer.body.error.message, /^Resource 'nobody@contoso-practice.test' does not exist/);
    assert.equal(answer.body.error.innerError['client-request-id'], 'my-id');
    assert.match(answer.body.error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    assert.equal(answer.headers['client-request-id'], 'my-id');
    assert.equal(answer.headers['request-id'], answer.body.error.innerError['request-id']);
  });

  it('answers 401 InvalidAuthenticationToken for a missing or expired token', async () => {
    const missing = await call(world.service, 'GET', '/v1.0/users', { anonymous: true });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'InvalidAuthenticationToken');
    assert.equal(missing.body.error.message, 'Access token is empty.');
    const expired = await call(world.service, 'GET', '/v1.0/users', { headers: { authorization: 'Bearer expired' } });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
    assert.match(expired.headers['www-authenticate'] ?? '', /^Bearer /);
  });

  it('answers 403 Authorization_RequestDenied when User.Read.All is missing', async () => {
    const answer = await call(world.service, 'GET', '/v1.0/users', { roles: ['Mail.Send'] });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, 'Authorization_RequestDenied');
  });

  it('refuses /me for an app-only token and names an unknown segment', async () => {
    const me = await call(world.service, 'GET', '/v1.0/me');
    assert.equal(me.status, 400);
    assert.match(me.body.error.message, /delegated authentication flow/);
    const unknown = await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}/contactz`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.message, "Resource not found for the segment 'contactz'.");
  });

  it('leaves paths outside /v1.0 to the server', async () => {
    assert.equal(await world.service.handle(aRequest('GET', '/beta/users')), undefined);
  });

  it('round-trips its state through JSON', async () => {
    await call(world.service, 'POST', `/v1.0/users/${PRACTITIONER_ID}/sendMail`, {
      body: { message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@example.com' } }] } },
    });
    const saved = JSON.parse(JSON.stringify(world.service.exportState())) as unknown;
    const other = aGraphWorld();
    other.service.importState(saved);
    assert.deepEqual(other.service.inspect(), world.service.inspect());
    assert.throws(() => other.service.importState({ version: 2 }));
  });
});
