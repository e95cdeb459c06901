// $batch multipart: what we write (change sets of writes, reads alone, Content-IDs, at most 1000 a request)
// and how we read the answer (nested change sets, a failed change set's single error part, LF or CRLF).
import assert from 'node:assert/strict';
import { planBatches, failingEntry } from '../../../src/core/dataverse/batch';
import { buildBatch, parseBatchResponse, entityIdOf } from '../../../src/core/dataverse/batchFormat';
import { batchOps } from '../../../src/core/dataverse/batchOps';
import type { BatchOperation } from '../../../src/core/dataverse/types';

const API = 'https://org.example/api/data/v9.2';
const ID1 = '11111111-1111-1111-1111-111111111111';
const ID2 = '22222222-2222-2222-2222-222222222222';

function counter(): () => string {
  let n = 0;
  return () => `id${++n}`;
}

function updates(count: number): BatchOperation[] {
  return Array.from({ length: count }, (_, i) =>
    batchOps.update('contacts', `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, { firstname: `n${i}` }),
  );
}

describe('dataverse $batch format', () => {
  it('writes consecutive writes as one change set with Content-IDs, and reads as their own parts', () => {
    const items = planBatches([
      batchOps.create('contacts', { firstname: 'A' }),
      batchOps.update('contacts', ID1, { lastname: "O'B" }),
      batchOps.get('contacts', ID2),
    ])[0];
    const built = buildBatch(API, items, counter());
    assert.equal(built.contentType, 'multipart/mixed; boundary=batch_id1');
    const expected = [
      '--batch_id1',
      'Content-Type: multipart/mixed; boundary=changeset_id2',
      '',
      '--changeset_id2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      `POST ${API}/contacts HTTP/1.1`,
      'Content-Type: application/json; type=entry',
      '',
      '{"firstname":"A"}',
      '--changeset_id2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      `PATCH ${API}/contacts(${ID1}) HTTP/1.1`,
      'If-Match: *',
      'Content-Type: application/json; type=entry',
      '',
      '{"lastname":"O\'B"}',
      '--changeset_id2--',
      '--batch_id1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      `GET ${API}/contacts(${ID2}) HTTP/1.1`,
      'Accept: application/json',
      '',
      '',
      '--batch_id1--',
      '',
    ].join('\r\n');
    assert.equal(built.body, expected);
  });

  it('splits more than 1000 operations into several requests, none over 1000', () => {
    const plan = planBatches(updates(2500));
    assert.deepEqual(
      plan.map((items) => items.reduce((n, item) => n + (item.kind === 'changeset' ? item.entries.length : 1), 0)),
      [1000, 1000, 500],
    );
    assert.ok(plan.every((items) => items.length === 1 && items[0].kind === 'changeset'));
    assert.equal(plan[1][0].kind === 'changeset' && plan[1][0].entries[0].index, 1000);
  });

  it('reads a change set answer (CRLF) and a standalone read (LF), with the created id', () => {
    const text = [
      '--batchresponse_a',
      'Content-Type: multipart/mixed; boundary=changesetresponse_b',
      '',
      '--changesetresponse_b',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 204 No Content',
      'OData-Version: 4.0',
      `OData-EntityId: ${API}/contacts(${ID1.toUpperCase()})`,
      '',
      '',
      '--changesetresponse_b--',
      '--batchresponse_a',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json; odata.metadata=minimal',
      '',
      '{"contactid":"x"}',
      '--batchresponse_a--',
    ];
    const items = parseBatchResponse(
      text.slice(0, 15).join('\r\n') + '\r\n' + text.slice(15).join('\n'),
      'multipart/mixed; boundary=batchresponse_a',
    );
    assert.equal(items.length, 2);
    assert.equal(items[0].kind, 'changeset');
    const created = items[0].kind === 'changeset' ? items[0].parts[0] : undefined;
    assert.equal(created?.status, 204);
    assert.equal(created?.contentId, '1');
    assert.equal(entityIdOf(created?.headers['odata-entityid']), ID1);
    assert.deepEqual(items[1], {
      kind: 'single',
      part: {
        status: 200,
        headers: { 'content-type': 'application/json; odata.metadata=minimal' },
        body: '{"contactid":"x"}',
      },
    });
  });

  it('reads a nested change set that starts right after its Content-Type line', () => {
    const text =
      '--r\r\nContent-Type: multipart/mixed; boundary=c\r\n--c\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n--c--\r\n--r--\r\n';
    const items = parseBatchResponse(text, 'multipart/mixed; boundary=r');
    assert.equal(items[0].kind === 'changeset' && items[0].parts[0].status, 204);
  });

  it('refuses an answer without its closing delimiter', () => {
    assert.throws(
      () =>
        parseBatchResponse(
          '--r\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n',
          'multipart/mixed; boundary=r',
        ),
      /closing delimiter/,
    );
  });

  it('names the failing operation of a change set by Content-ID, else by the id in the message', () => {
    const entries = [ID1, ID2].map((id, index) => ({ index, operation: batchOps.update('contacts', id, {}) }));
    assert.equal(failingEntry(entries, { status: 404, headers: {}, body: '', contentId: '2' })?.index, 1);
    const body = JSON.stringify({ error: { code: '0x80040217', message: `contact With Id = ${ID2} Does Not Exist` } });
    assert.equal(failingEntry(entries, { status: 404, headers: {}, body })?.index, 1);
    assert.equal(failingEntry(entries, { status: 400, headers: {}, body: '{"error":{"message":"bad"}}' }), undefined);
  });
});
