// $batch: multipart parsing (CRLF or LF), change sets that commit or roll back as one, Content-ID
// references ($1) in bodies and URLs, continue-on-error, the 1000-operation cap, and the documented
// response layout (batchresponse_/changesetresponse_ parts with HTTP/1.1 status lines).

import { strict as assert } from 'node:assert';
import { aPractice, call, newService } from './dataverseFixture';
import type { DataverseService } from '../../../src/sandbox/dataverse';

interface Op {
  method: string;
  url: string;
  body?: unknown;
  contentId?: string;
  headers?: Record<string, string>;
}

function operationPart(op: Op): string {
  const head = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (op.contentId) head.push(`Content-ID: ${op.contentId}`);
  const inner = [`${op.method} ${op.url} HTTP/1.1`];
  if (op.body !== undefined) inner.push('Content-Type: application/json; type=entry');
  for (const [name, value] of Object.entries(op.headers ?? {})) inner.push(`${name}: ${value}`);
  return `${head.join('\r\n')}\r\n\r\n${inner.join('\r\n')}\r\n\r\n${op.body === undefined ? '' : JSON.stringify(op.body)}\r\n`;
}

type Item = Op | { changeset: Op[] };

function batchBody(items: Item[], boundary = 'batch_abc'): string {
  const parts = items.map((item, index) => {
    if ('changeset' in item) {
      const cs = `changeset_${index}`;
      const inner = item.changeset.map((op) => `--${cs}\r\n${operationPart(op)}`).join('');
      return `--${boundary}\r\nContent-Type: multipart/mixed; boundary=${cs}\r\n\r\n${inner}--${cs}--\r\n`;
    }
    return `--${boundary}\r\n${operationPart(item)}`;
  });
  return `${parts.join('')}--${boundary}--\r\n`;
}

async function postBatch(service: DataverseService, body: string, headers: Record<string, string> = {}) {
  return call(service, 'POST', '$batch', {
    body,
    headers: { 'Content-Type': 'multipart/mixed; boundary="batch_abc"', ...headers },
  });
}

async function countOf(service: DataverseService, set: string): Promise<number> {
  return (await call(service, 'GET', `${set}?$select=createdon`)).json<{ value: unknown[] }>().value.length;
}

function seeded() {
  return newService(aPractice().withClient().withSession().build());
}

describe('Dataverse $batch', () => {
  it('commits a change set whose second create binds to the first through $1', async () => {
    const { service } = seeded();
    const response = await postBatch(
      service,
      batchBody([
        {
          changeset: [
            {
              method: 'POST',
              url: '/api/data/v9.2/contacts',
              contentId: '1',
              body: { firstname: 'Dora', lastname: 'Batch' },
            },
            {
              method: 'POST',
              url: 'appointments',
              contentId: '2',
              body: { subject: 'First session', 'regardingobjectid_contact_appointment@odata.bind': '$1' },
            },
          ],
        },
        { method: 'GET', url: '/api/data/v9.2/contacts?$select=fullname&$filter=lastname%20eq%20%27Batch%27' },
      ]),
    );
    assert.equal(response.status, 200, response.text);
    const boundary = /^multipart\/mixed; boundary=(batchresponse_[0-9a-f-]+)$/.exec(
      response.headers['Content-Type'],
    )?.[1];
    assert.ok(boundary, response.headers['Content-Type']);
    assert.ok(response.text.startsWith(`--${boundary}\r\nContent-Type: multipart/mixed; boundary=changesetresponse_`));
    assert.ok(response.text.endsWith(`--${boundary}--\r\n`));
    assert.equal(
      (
        response.text.match(
          /HTTP\/1\.1 204 No Content\r\nOData-Version: 4\.0\r\nLocation: https:\/\/localhost:8443\/dataverse\/api\/data\/v9\.2\/\w+\([0-9a-f-]+\)\r\nOData-EntityId: /g,
        ) ?? []
      ).length,
      2,
    );
    assert.match(response.text, /Content-ID: 1\r\n\r\nHTTP\/1\.1 204/);
    assert.match(
      response.text,
      /HTTP\/1\.1 200 OK\r\nOData-Version: 4\.0\r\nContent-Type: application\/json; odata\.metadata=minimal; odata\.streaming=true/,
    );
    assert.match(response.text, /"fullname":"Dora Batch"/);
    const appointment = (
      await call(
        service,
        'GET',
        `appointments?$filter=subject eq 'First session'&$expand=regardingobjectid_contact_appointment($select=lastname)`,
      )
    ).json<{ value: Record<string, { lastname: string }>[] }>();
    assert.equal(appointment.value[0].regardingobjectid_contact_appointment.lastname, 'Batch');
  });

  it('resolves $1 in a later request URL', async () => {
    const { service } = seeded();
    const response = await postBatch(
      service,
      batchBody([
        {
          changeset: [
            { method: 'POST', url: 'contacts', contentId: '1', body: { lastname: 'Before' } },
            { method: 'PATCH', url: '$1', contentId: '2', body: { lastname: 'After' } },
          ],
        },
      ]),
    );
    assert.equal(response.status, 200, response.text);
    const names = (await call(service, 'GET', "contacts?$filter=lastname eq 'After'&$select=lastname")).json<{
      value: unknown[];
    }>();
    assert.equal(names.value.length, 1);
  });

  it('rolls back every operation of a failed change set and makes the batch status that error', async () => {
    const { service } = seeded();
    const before = await countOf(service, 'contacts');
    const response = await postBatch(
      service,
      batchBody([
        {
          changeset: [
            { method: 'POST', url: 'contacts', contentId: '1', body: { lastname: 'Kept?' } },
            { method: 'POST', url: 'contacts', contentId: '2', body: { nickname: 'bad' } },
          ],
        },
        { method: 'POST', url: 'contacts', body: { lastname: 'Never' } },
      ]),
    );
    assert.equal(response.status, 400);
    assert.match(response.text, /HTTP\/1\.1 400 Bad Request/);
    assert.match(response.text, /"error":\{"code":"0x80048d19"/);
    assert.equal(await countOf(service, 'contacts'), before);
  });

  it('carries on after a failure with odata.continue-on-error', async () => {
    const { service } = seeded();
    const before = await countOf(service, 'contacts');
    const response = await postBatch(
      service,
      batchBody([
        { method: 'POST', url: 'contacts', body: { nickname: 'bad' } },
        { method: 'POST', url: 'contacts', body: { lastname: 'Second' } },
      ]),
      { Prefer: 'odata.continue-on-error' },
    );
    assert.equal(response.status, 200);
    assert.ok(response.text.indexOf('HTTP/1.1 400 Bad Request') < response.text.indexOf('HTTP/1.1 204 No Content'));
    assert.equal(await countOf(service, 'contacts'), before + 1);
  });

  it('refuses an unknown Content-ID reference and GET inside a change set', async () => {
    const { service } = seeded();
    const unknown = await postBatch(
      service,
      batchBody([
        {
          changeset: [
            { method: 'POST', url: 'appointments', body: { 'regardingobjectid_contact_appointment@odata.bind': '$9' } },
          ],
        },
      ]),
    );
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /Content-ID Reference: '\$9' does not exist in the batch context\./);
    const get = await postBatch(service, batchBody([{ changeset: [{ method: 'GET', url: 'contacts' }] }]));
    assert.equal(get.status, 400);
  });

  it('refuses more than 1000 operations with 400 and runs none', async () => {
    const { service } = seeded();
    const before = await countOf(service, 'contacts');
    const ops: Op[] = Array.from({ length: 1001 }, (_, i) => ({
      method: 'POST',
      url: 'contacts',
      body: { lastname: `N${i}` },
    }));
    const response = await postBatch(service, batchBody(ops));
    assert.equal(response.status, 400);
    assert.match(response.json<{ error: { message: string } }>().error.message, /1001.*1000/);
    assert.equal(await countOf(service, 'contacts'), before);
    const exactly = await postBatch(service, batchBody(ops.slice(0, 1000)));
    assert.equal(exactly.status, 200);
    assert.equal(await countOf(service, 'contacts'), before + 1000);
  });

  it('parses bodies with bare LF line endings', async () => {
    const { service } = seeded();
    const body = batchBody([{ method: 'POST', url: 'contacts', body: { lastname: 'Unix' } }]).replace(/\r\n/g, '\n');
    const response = await postBatch(service, body);
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /HTTP\/1\.1 204 No Content/);
  });
});
