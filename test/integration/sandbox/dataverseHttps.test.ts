// Drives the sandbox's Dataverse over real HTTPS with tokens from the real @azure/msal-node against
// the sandbox's Entra ID: WhoAmI, a paged query followed through its nextLinks, a create, a $batch
// change set, and the 401 for a token that the sandbox did not sign.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { Agent } from 'undici';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { createDataverseService } from '../../../src/sandbox/dataverse';
import { sandboxNetworkModule } from './entraNetwork';

describe('sandbox dataverse over HTTPS', function () {
  this.timeout(30_000);
  let sandbox: RunningSandbox;
  let agent: Agent;
  let token: string;

  const api = (path: string): string => `${sandbox.info.dataverseUrl}/api/data/v9.2/${path}`;

  async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'OData-Version': '4.0',
        'OData-MaxVersion': '4.0',
        ...init.headers,
      },
      body: init.body,
      dispatcher: agent,
    } as RequestInit);
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: 'dataverse-https-test',
      clients: 12,
      services: { dataverse: (ctx) => createDataverseService(ctx) },
    });
    const ca = await readFile(sandbox.info.caFile, 'utf8');
    agent = new Agent({ connect: { ca } });
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.info.clientId,
        clientSecret: sandbox.info.clientSecret,
        authority: sandbox.info.authority,
        knownAuthorities: [sandbox.info.knownAuthority],
      },
      system: { networkClient: sandboxNetworkModule(ca) },
    });
    const result = await msal.acquireTokenByClientCredential({ scopes: [`${sandbox.info.dataverseUrl}/.default`] });
    if (!result) throw new Error('no token');
    token = result.accessToken;
  });

  after(async () => {
    await sandbox?.stop();
    await agent?.close();
  });

  it('answers WhoAmI as the application user', async () => {
    const response = await send(api('WhoAmI'));
    assert.equal(response.status, 200, response.text);
    const body = JSON.parse(response.text) as Record<string, string>;
    assert.equal(body.UserId, sandbox.practice.app.applicationUserId.toLowerCase());
    assert.equal(body.OrganizationId, sandbox.practice.organizationId);
    assert.equal(response.headers.get('odata-version'), '4.0');
  });

  it('pages contacts through absolute nextLinks that work when followed verbatim', async () => {
    const ids = new Set<string>();
    let next: string | undefined = api('contacts?$select=fullname');
    while (next) {
      const response = await send(next, { headers: { Prefer: 'odata.maxpagesize=5' } });
      assert.equal(response.status, 200, response.text);
      const page = JSON.parse(response.text) as { value: { contactid: string }[]; '@odata.nextLink'?: string };
      for (const row of page.value) ids.add(row.contactid);
      next = page['@odata.nextLink'];
    }
    assert.equal(ids.size, sandbox.practice.clients.length);
  });

  it('creates a contact and commits a $batch change set', async () => {
    const created = await send(api('contacts'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ firstname: 'Https', lastname: 'Client' }),
    });
    assert.equal(created.status, 204, created.text);
    const entityId = created.headers.get('odata-entityid') ?? '';
    assert.ok(entityId.startsWith(api('contacts(')), entityId);
    const batch = [
      '--batch_x',
      'Content-Type: multipart/mixed; boundary=changeset_y',
      '',
      '--changeset_y',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'POST /dataverse/api/data/v9.2/appointments HTTP/1.1',
      'Content-Type: application/json; type=entry',
      '',
      JSON.stringify({ subject: 'From batch', 'regardingobjectid_contact_appointment@odata.bind': entityId }),
      '--changeset_y--',
      '--batch_x--',
      '',
    ].join('\r\n');
    const response = await send(api('$batch'), {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/mixed; boundary="batch_x"' },
      body: batch,
    });
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^multipart\/mixed; boundary=batchresponse_/);
    assert.match(response.text, /HTTP\/1\.1 204 No Content/);
    const check = await send(
      api(`appointments?$select=subject&$filter=${encodeURIComponent("subject eq 'From batch'")}`),
    );
    assert.equal((JSON.parse(check.text) as { value: unknown[] }).value.length, 1);
  });

  it('answers 401 in Dataverse error shape for a token it did not sign', async () => {
    const saved = token;
    token = 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.';
    try {
      const response = await send(api('WhoAmI'));
      assert.equal(response.status, 401);
      assert.ok((JSON.parse(response.text) as { error: { message: string } }).error.message);
    } finally {
      token = saved;
    }
  });
});
