// Test Connection tells a practitioner, before the first send, that the app cannot read the reminder id on
// messages (Mail.ReadBasic only): the sender's check before every send would be refused.
import { strict as assert } from 'node:assert';
import { analyseRoles } from '../../../src/core/auth';
import { renderConnectionReport, testConnection } from '../../../src/core/clients';
import { aProfile } from '../../builders/profileBuilder';
import { fakeGraph } from '../../builders/fakeGraph';

const identity = { tenantId: 't', clientId: 'c', roles: ['Mail.Send', 'Mail.ReadBasic.All', 'User.Read.All'] };
const profile = aProfile().with({ mailbox: 'dr.morgan@contoso.test' }).build();

describe('Test Connection and the reminder check', () => {
  it('names Mail.Read when Graph refuses to search Sent Items by the reminder’s extended property', async () => {
    const graph = fakeGraph((request) =>
      request.url.pathname.endsWith('/messages')
        ? { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } } }
        : { status: 200, body: { displayName: 'Dr Morgan', mail: 'dr.morgan@contoso.test' } },
    );
    const report = await testConnection({ profile, identity, graph: graph.client });
    assert.equal(report.graph.ok, true, 'the mailbox itself is reachable');
    assert.equal(report.reminderCheck.ok, false);
    const text = renderConnectionReport(report);
    assert.match(text, /Reminder check.*FAILED: .*Mail\.Read \(Mail\.ReadBasic leaves extended properties out\)/);
    const search = graph.requests.find((r) => r.url.pathname.endsWith('/mailFolders/sentitems/messages'));
    assert.match(
      search?.url.searchParams.get('$filter') ?? '',
      /^singleValueExtendedProperties\/Any\(ep: ep\/id eq 'String \{/,
    );
  });

  it('reports the check readable when the search is answered', async () => {
    const graph = fakeGraph(() => ({ status: 200, body: { value: [], displayName: 'Dr Morgan' } }));
    const report = await testConnection({ profile, identity, graph: graph.client });
    assert.deepEqual(report.reminderCheck, { ok: true });
  });

  it('counts Mail.Read and Mail.ReadWrite as missing with Mail.ReadBasic alone, naming what they protect', () => {
    const missing = analyseRoles(identity.roles).missing;
    assert.deepEqual(
      missing.map((m) => m.role),
      ['Calendars.Read', 'Mail.ReadWrite', 'Mail.Read'],
    );
    assert.match(missing.find((m) => m.role === 'Mail.Read')?.feature ?? '', /none is sent twice/);
  });
});
