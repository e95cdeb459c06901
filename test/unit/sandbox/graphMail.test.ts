// The Graph sandbox's sendMail and Sent Items: validation, the stored copy, extended-property
// filters and $expand, paging, ordering and Outlook's InefficientFilter rule.

import assert from 'node:assert/strict';
import { MAILBOX, PRACTITIONER_ID, aGraphWorld, aMail, call, type TestWorld } from './graphTestContext';

const PROP = 'String {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Name ReminderId';
const sentItems = `/v1.0/users/${PRACTITIONER_ID}/mailFolders/sentitems/messages`;
const withProp = (value: string): Record<string, unknown> =>
  aMail({}, { singleValueExtendedProperties: [{ id: PROP, value }] });
const anyFilter = (value: string): string =>
  encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq '${value}')`);

describe('sandbox graph: sendMail and Sent Items', () => {
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld();
  });

  const send = (body: unknown, user = PRACTITIONER_ID, roles?: string[]) =>
    call(world.service, 'POST', `/v1.0/users/${encodeURIComponent(user)}/sendMail`, { body, roles });

  it('answers 202 with no body and keeps a copy in Sent Items', async () => {
    const answer = await send(aMail());
    assert.equal(answer.status, 202);
    assert.equal(answer.body, undefined);
    const list = await call(world.service, 'GET', sentItems);
    assert.equal(list.status, 200);
    assert.equal(list.body.value.length, 1);
    const copy = list.body.value[0];
    assert.equal(copy.subject, 'Reminder: your session tomorrow');
    assert.equal(copy.sentDateTime, '2025-03-10T08:00:00Z');
    assert.match(copy.internetMessageId, /^<.+@.+>$/);
    assert.match(copy.id, /^AAMk/);
    assert.deepEqual(copy.toRecipients, [
      { emailAddress: { name: 'robin.hale@example.com', address: 'robin.hale@example.com' } },
    ]);
    assert.equal(copy.from.emailAddress.address, MAILBOX);
    assert.deepEqual(copy.body, { contentType: 'text', content: 'See you at 9.' });
    assert.equal(copy['@odata.etag'], `W/"${copy.changeKey}"`);
  });

  it('sends from a mailbox addressed by userPrincipalName', async () => {
    assert.equal((await send(aMail(), MAILBOX)).status, 202);
    const inspection = world.service.inspect() as { mailboxes: Array<{ mail: string; sentItems: unknown[] }> };
    assert.equal(inspection.mailboxes.find((m) => m.mail === MAILBOX)?.sentItems.length, 1);
  });

  it('does not keep a copy when saveToSentItems is false', async () => {
    assert.equal((await send(aMail({ saveToSentItems: false }))).status, 202);
    assert.equal((await call(world.service, 'GET', sentItems)).body.value.length, 0);
  });

  it('refuses messages without recipients or with an unresolvable one (ErrorInvalidRecipients)', async () => {
    const none = await send(aMail({}, { toRecipients: [] }));
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'ErrorInvalidRecipients');
    const bad = await send(aMail({}, { toRecipients: [{ emailAddress: { address: 'not-an-address' } }] }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'ErrorInvalidRecipients');
  });

  it('refuses a missing message, a bad bodyType and unreadable JSON', async () => {
    const missing = await send({ saveToSentItems: true });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'ErrorInvalidRequest');
    const bodyType = await send(aMail({}, { body: { contentType: 'markdown', content: 'x' } }));
    assert.equal(bodyType.status, 400);
    assert.equal(bodyType.body.error.code, 'RequestBodyRead');
    const json = await send('{"message":');
    assert.equal(json.status, 400);
    assert.match(json.body.error.message, /Unable to read JSON request payload/);
    assert.equal((await call(world.service, 'GET', sentItems)).body.value.length, 0);
  });

  it('answers 403 ErrorAccessDenied without Mail.Send and 404 ErrorInvalidUser for an unknown mailbox', async () => {
    const denied = await send(aMail(), PRACTITIONER_ID, ['User.Read.All']);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'ErrorAccessDenied');
    assert.equal(denied.body.error.message, 'Access is denied. Check credentials and try again.');
    const unknown = await send(aMail(), 'ghost@contoso-practice.test');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'ErrorInvalidUser');
  });

  it('finds a sent message by its extended property and expands only that property', async () => {
    await send(withProp('rem-1'));
    await send(withProp('rem-2'));
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${PROP}')`);
    const found = await call(
      world.service,
      'GET',
      `${sentItems}?$filter=${anyFilter('rem-2')}&$expand=${expand}&$select=subject`,
    );
    assert.equal(found.status, 200);
    assert.equal(found.body.value.length, 1);
    const [message] = found.body.value;
    assert.deepEqual(Object.keys(message).sort(), ['@odata.etag', 'id', 'singleValueExtendedProperties', 'subject']);
    // Outlook hands the property set GUID back in lower case.
    assert.deepEqual(message.singleValueExtendedProperties, [
      { id: 'String {8eccc264-6880-4ebe-992f-8888d2eeaa1d} Name ReminderId', value: 'rem-2' },
    ]);
    const none = await call(world.service, 'GET', `${sentItems}?$filter=${anyFilter('rem-9')}`);
    assert.deepEqual(none.body.value, []);
  });

  it('orders by sentDateTime desc and pages with $top/$skip nextLinks', async () => {
    for (let i = 0; i < 3; i++) {
      await send(aMail({}, { subject: `m${i}` }));
      world.clock.now += 60_000;
    }
    const first = await call(
      world.service,
      'GET',
      `${sentItems}?$top=2&$orderby=${encodeURIComponent('sentDateTime desc')}&$select=subject,sentDateTime`,
    );
    assert.deepEqual(
      first.body.value.map((m: { subject: string }) => m.subject),
      ['m2', 'm1'],
    );
    const next = new URL(first.body['@odata.nextLink']);
    assert.equal(next.searchParams.get('$skip'), '2');
    const second = await call(world.service, 'GET', `${next.pathname.replace('/graph', '')}${next.search}`);
    assert.deepEqual(
      second.body.value.map((m: { subject: string }) => m.subject),
      ['m0'],
    );
    assert.equal(second.body['@odata.nextLink'], undefined);
  });

  it('answers InefficientFilter when $orderby does not lead $filter, as Outlook does', async () => {
    await send(withProp('rem-1'));
    const orderby = encodeURIComponent('sentDateTime desc');
    const bad = await call(world.service, 'GET', `${sentItems}?$filter=${anyFilter('rem-1')}&$orderby=${orderby}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'InefficientFilter');
    const leading = encodeURIComponent(`sentDateTime ge 2000-01-01T00:00:00Z and `) + anyFilter('rem-1');
    const good = await call(world.service, 'GET', `${sentItems}?$filter=${leading}&$orderby=${orderby}`);
    assert.equal(good.status, 200);
    assert.equal(good.body.value.length, 1);
  });

  it('gets one message by id and 404s an unknown id', async () => {
    await send(aMail());
    const [listed] = (await call(world.service, 'GET', sentItems)).body.value;
    const one = await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}/messages/${listed.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.id, listed.id);
    assert.equal(
      one.body['@odata.context'],
      `https://localhost:8443/graph/v1.0/$metadata#users('${PRACTITIONER_ID}')/messages/$entity`,
    );
    const missing = await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}/messages/AAMkAGnope=`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'ErrorItemNotFound');
  });

  it('needs a mail read role for Sent Items', async () => {
    const denied = await call(world.service, 'GET', sentItems, { roles: ['Mail.Send'] });
    assert.equal(denied.status, 403);
    const basic = await call(world.service, 'GET', sentItems, { roles: ['Mail.ReadBasic.All'] });
    assert.equal(basic.status, 200);
  });

  it("accepts the OData key form mailFolders('sentitems')", async () => {
    await send(aMail());
    const answer = await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}/mailFolders('sentitems')/messages`);
    assert.equal(answer.body.value.length, 1);
  });

  it('lists sent mail in inspect() without bodies', async () => {
    await send(withProp('rem-1'));
    const text = JSON.stringify(world.service.inspect());
    assert.match(text, /rem-1/);
    assert.match(text, /robin\.hale@example\.com/);
    assert.doesNotMatch(text, /See you at 9/);
  });
});
