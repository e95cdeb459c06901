// Querying entity sets: paging with odata.maxpagesize and Dataverse-style paging cookies, $select,
// $orderby, $top, $count, $expand of single-valued navigations, formatted-value annotations, and
// the errors for unknown columns and bad filters.

import { strict as assert } from 'node:assert';
import { API, aPractice, call, guid, newService } from './dataverseFixture';
import type { DataverseService } from '../../../src/sandbox/dataverse';

interface Page {
  '@odata.context': string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: Record<string, unknown>[];
}

async function readAll(
  service: DataverseService,
  first: string,
  pageSize: number,
): Promise<{ rows: Record<string, unknown>[]; pages: number }> {
  const rows: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    const response = await call(service, 'GET', next, { headers: { Prefer: `odata.maxpagesize=${pageSize}` } });
    assert.equal(response.status, 200, response.text);
    const page = response.json<Page>();
    rows.push(...page.value);
    next = page['@odata.nextLink'];
    pages++;
  }
  return { rows, pages };
}

describe('Dataverse entity-set queries', () => {
  describe('paging', () => {
    const practice = aPractice().withClient().withClient().withClient().withSessions(12_345).build();
    const { service } = newService(practice);

    it('returns every row exactly once across pages of 1000, following nextLink verbatim', async () => {
      const { rows, pages } = await readAll(service, 'appointments?$select=subject', 1000);
      assert.equal(pages, 13);
      assert.equal(rows.length, 12_345);
      assert.equal(new Set(rows.map((row) => row.activityid)).size, 12_345);
    });

    it('pages a filtered, ordered query without losing or repeating rows', async () => {
      const filter = encodeURIComponent('statecode eq 1');
      const { rows } = await readAll(
        service,
        `appointments?$select=scheduledstart&$filter=${filter}&$orderby=scheduledstart desc`,
        700,
      );
      const expected = practice.sessions.filter((s) => s.state === 'attended' || s.state === 'noShow').length;
      assert.equal(rows.length, expected);
      assert.equal(new Set(rows.map((row) => row.activityid)).size, expected);
      const starts = rows.map((row) => row.scheduledstart as string);
      assert.deepEqual(starts, [...starts].sort().reverse());
    });

    it('writes the nextLink as an absolute URL with a Dataverse paging cookie', async () => {
      const response = await call(service, 'GET', 'appointments?$select=subject', {
        headers: { Prefer: 'odata.maxpagesize=3' },
      });
      assert.equal(response.headers['Preference-Applied'], 'odata.maxpagesize=3');
      const page = response.json<Page>();
      assert.equal(page.value.length, 3);
      const link = page['@odata.nextLink'] ?? '';
      assert.ok(link.startsWith(`${API}/appointments?$select=subject&$skiptoken=`), link);
      const token = new URL(link).searchParams.get('$skiptoken') ?? '';
      assert.match(
        token,
        /^<cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22%3e%3cactivityid%20last%3d%22%7b[0-9A-F-]+%7d%22/,
      );
      const lastId = String(page.value[2].activityid).toUpperCase();
      assert.ok(decodeURIComponent(token).includes(`last="{${lastId}}"`));
    });

    it('uses a default page of 5000 and caps @odata.count at 5000', async () => {
      const response = await call(service, 'GET', 'appointments?$select=subject&$count=true');
      const page = response.json<Page>();
      assert.equal(page.value.length, 5000);
      assert.equal(page['@odata.count'], 5000);
      assert.ok(page['@odata.nextLink']);
      assert.equal(response.headers['Preference-Applied'], undefined);
    });

    it('counts the matching rows when fewer than 5000', async () => {
      const filter = encodeURIComponent(`_regardingobjectid_value eq ${guid(0xc, 1)} and statecode eq 2`);
      const page = (
        await call(service, 'GET', `appointments?$select=subject&$count=true&$filter=${filter}`)
      ).json<Page>();
      const expected = practice.sessions.filter((s) => s.clientId === guid(0xc, 1) && s.state === 'canceled').length;
      assert.equal(page['@odata.count'], expected);
      assert.equal(page.value.length, expected);
    });

    it('answers $top with that many rows and no nextLink', async () => {
      const page = (await call(service, 'GET', 'appointments?$select=subject&$top=7&$orderby=subject')).json<Page>();
      assert.equal(page.value.length, 7);
      assert.equal(page['@odata.nextLink'], undefined);
      assert.equal(page.value[0].subject, 'Session 1');
    });
  });

  describe('shape', () => {
    const practice = aPractice()
      .withClient({ firstName: 'Anna', lastName: 'Zeller' })
      .withClient({ firstName: 'Ben', lastName: 'Adler' })
      .withSession({ state: 'attended', paymentStatus: 'paid' })
      .withSession({ state: 'noShow' })
      .withSession({ state: 'canceled' })
      .withSession({ state: 'scheduled', note: 'Bring the forms' })
      .withReminder({ status: 'sent', sentTime: '2025-01-01T08:00:00Z' })
      .build();
    const { service } = newService(practice);

    it('maps session states to appointment state, status and outcome', async () => {
      const page = (
        await call(service, 'GET', 'appointments?$select=subject,statecode,statuscode,cre92_outcome&$orderby=subject')
      ).json<Page>();
      const rows = page.value.map((row) => [row.statecode, row.statuscode, row.cre92_outcome]);
      assert.deepEqual(rows, [
        [1, 3, 100000000],
        [1, 3, 100000001],
        [2, 4, null],
        [3, 5, null],
      ]);
    });

    it('returns the selected columns, the primary key and a weak etag', async () => {
      const response = await call(service, 'GET', 'contacts?$select=fullname,emailaddress1&$orderby=lastname');
      const page = response.json<Page>();
      assert.equal(page['@odata.context'], `${API}/$metadata#contacts(fullname,emailaddress1)`);
      assert.deepEqual(Object.keys(page.value[0]), ['@odata.etag', 'fullname', 'emailaddress1', 'contactid']);
      assert.match(String(page.value[0]['@odata.etag']), /^W\/"\d+"$/);
      assert.equal(page.value[0].fullname, 'Ben Adler');
      assert.equal(response.headers['Content-Type'], 'application/json; odata.metadata=minimal');
      assert.equal(response.headers['OData-Version'], '4.0');
    });

    it('expands single-valued navigations with their own $select', async () => {
      const query =
        'appointments?$select=subject&$orderby=subject&$expand=regardingobjectid_contact_appointment($select=fullname)';
      const page = (await call(service, 'GET', query)).json<Page>();
      const contact = page.value[0].regardingobjectid_contact_appointment as Record<string, unknown>;
      assert.equal(contact.fullname, 'Anna Zeller');
      assert.equal(contact.contactid, practice.clients[0].id);
      assert.ok(String(contact['@odata.etag']).startsWith('W/'));
      const reminders = (
        await call(
          service,
          'GET',
          'cre92_scheduledmessages?$select=cre92_subject&$expand=cre92_Session($select=subject),cre92_Contact($select=emailaddress1)',
        )
      ).json<Page>();
      assert.equal((reminders.value[0].cre92_Session as Record<string, unknown>).subject, 'Session 1');
      assert.equal((reminders.value[0].cre92_Contact as Record<string, unknown>).emailaddress1, 'client1@example.com');
    });

    it('adds formatted values and lookup annotations only when asked', async () => {
      const plain = (
        await call(service, 'GET', 'appointments?$select=cre92_fee,_regardingobjectid_value&$top=1&$orderby=subject')
      ).json<Page>();
      assert.deepEqual(
        Object.keys(plain.value[0]).filter((key) => key.includes('@') && key !== '@odata.etag'),
        [],
      );
      const response = await call(
        service,
        'GET',
        'appointments?$select=cre92_fee,statuscode,scheduledstart,_regardingobjectid_value&$top=1&$orderby=subject',
        {
          headers: { Prefer: 'odata.include-annotations="*"' },
        },
      );
      assert.equal(response.headers['Preference-Applied'], 'odata.include-annotations="*"');
      const row = response.json<Page>().value[0];
      assert.equal(row['cre92_fee@OData.Community.Display.V1.FormattedValue'], '€120.00');
      assert.equal(row['statuscode@OData.Community.Display.V1.FormattedValue'], 'Completed');
      assert.equal(row['scheduledstart@OData.Community.Display.V1.FormattedValue'], '1/1/2025 11:00 AM');
      assert.equal(row['_regardingobjectid_value@OData.Community.Display.V1.FormattedValue'], 'Anna Zeller');
      assert.equal(row['_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'contact');
      assert.equal(
        row['_regardingobjectid_value@Microsoft.Dynamics.CRM.associatednavigationproperty'],
        'regardingobjectid_contact_appointment',
      );
      const onlyFormatted = (
        await call(service, 'GET', 'appointments?$select=_regardingobjectid_value&$top=1', {
          headers: { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' },
        })
      ).json<Page>().value[0];
      assert.ok('_regardingobjectid_value@OData.Community.Display.V1.FormattedValue' in onlyFormatted);
      assert.ok(!('_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname' in onlyFormatted));
    });

    it('loads reminders with their lookups and status', async () => {
      const row = (await call(service, 'GET', `cre92_scheduledmessages(${practice.reminders[0].id})`)).json();
      assert.equal(row._cre92_session_value, practice.sessions[0].id);
      assert.equal(row._cre92_contact_value, practice.clients[0].id);
      assert.equal(row.cre92_status, 100000003);
      assert.equal(row.cre92_sent, true);
      assert.equal(row.cre92_senttime, '2025-01-01T08:00:00Z');
    });

    it('finds a session note through _objectid_value', async () => {
      const filter = encodeURIComponent(`_objectid_value eq ${practice.sessions[3].id}`);
      const page = (
        await call(service, 'GET', `annotations?$filter=${filter}&$select=notetext,objecttypecode`)
      ).json<Page>();
      assert.equal(page.value.length, 1);
      assert.equal(page.value[0].notetext, 'Bring the forms');
      assert.equal(page.value[0].objecttypecode, 'appointment');
    });

    it('filters through a navigation path', async () => {
      const filter = encodeURIComponent("regardingobjectid_contact_appointment/lastname eq 'adler'");
      const page = (await call(service, 'GET', `appointments?$select=subject&$filter=${filter}`)).json<Page>();
      assert.deepEqual(page.value.map((row) => row.subject).sort(), ['Session 2', 'Session 4']);
    });

    it('answers 400 in Dataverse shape for unknown columns and bad filters', async () => {
      const unknown = await call(service, 'GET', 'contacts?$select=nickname');
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.json(), {
        error: {
          code: '0x80060888',
          message: "Could not find a property named 'nickname' on type 'Microsoft.Dynamics.CRM.contact'.",
        },
      });
      const bad = await call(service, 'GET', `contacts?$filter=${encodeURIComponent("fullname eq 'x")}`);
      assert.equal(bad.status, 400);
      assert.match(bad.json<{ error: { message: string } }>().error.message, /unterminated string literal/);
      const missingSet = await call(service, 'GET', 'widgets');
      assert.equal(missingSet.status, 404);
      assert.equal(missingSet.json<{ error: { code: string } }>().error.code, '0x8006088a');
    });
  });
});
