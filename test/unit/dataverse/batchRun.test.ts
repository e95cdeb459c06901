// $batch against a server that answers oddly or is handed hostile input: an answer with fewer parts than were
// sent is an error that says so (not a TypeError), and a path or header carrying CR/LF never reaches the wire.
import assert from 'node:assert/strict';
import type { TokenProvider } from '../../../src/core/auth';
import { batchOps, DataverseClient, type BatchOperation } from '../../../src/core/dataverse';
import { ExternalServiceError, ValidationError } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { TestServer } from '../http/testServer';

const ID1 = '11111111-1111-1111-1111-111111111111';

const tokens = { getToken: () => Promise.resolve('t'), invalidate: () => undefined } as unknown as TokenProvider;

/** A batch answer with one change set holding `parts` 204s, whatever was asked. */
function changesetAnswer(parts: number): string {
  const lines = ['--batchresponse_1', 'Content-Type: multipart/mixed; boundary=changesetresponse_1', ''];
  for (let i = 1; i <= parts; i++) {
    lines.push('--changesetresponse_1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary');
    lines.push(`Content-ID: ${i}`, '', 'HTTP/1.1 204 No Content', '', '');
  }
  lines.push('--changesetresponse_1--', '--batchresponse_1--', '');
  return lines.join('\r\n');
}

describe('DataverseClient $batch against odd answers and hostile input', () => {
  const server = new TestServer();
  let http: HttpClient;
  let dv: DataverseClient;

  before(async () => {
    const base = await server.start();
    http = new HttpClient({ logger: silentLogger });
    dv = new DataverseClient({
      http,
      tokens,
      resource: { name: 'dataverse', scope: 's' },
      baseUrl: base,
      log: silentLogger,
    });
  });
  after(async () => {
    await http.close();
    await server.stop();
  });

  it('reports an answer with fewer parts than operations sent as an error naming both counts', async () => {
    server.reset((_request, response) => {
      response.writeHead(200, { 'content-type': 'multipart/mixed; boundary=batchresponse_1' });
      response.end(changesetAnswer(1));
    });
    const error = await dv
      .batch([
        batchOps.update('contacts', ID1, { firstname: 'A' }),
        batchOps.update('contacts', ID1, { lastname: 'B' }),
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof ExternalServiceError, String(error));
    assert.match(error.message, /1 answer.* 2 operations|2 operations.*1 answer/);
  });

  it('refuses a path or header with CR or LF before anything is sent', async () => {
    server.reset((_request, response) => response.end());
    const hostile: BatchOperation[] = [
      { method: 'GET', path: `contacts(${ID1})\r\nGET /evil HTTP/1.1` },
      { method: 'PATCH', path: `contacts(${ID1})`, body: {}, headers: { 'If-Match': '*\r\nX-Evil: 1' } },
      { method: 'PATCH', path: `contacts(${ID1})`, body: {}, headers: { 'X-A\nB': '1' } },
    ];
    for (const operation of hostile) {
      await assert.rejects(dv.batch([operation]), ValidationError);
    }
    assert.equal(server.requests.length, 0);
  });
});
