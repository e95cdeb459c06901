// Which channels a profile gets: SMS when the ACS secret is set, the profile's mail channel (SMTP or SendGrid)
// when it is not Graph and its secret is set, nothing for a missing secret; a malformed secret is left out
// and logged by its code, never by its value.
import { strict as assert } from 'node:assert';
import { channelsFor, closeTransports } from '../../../src/core/channels';
import { HttpClient } from '../../../src/core/http';
import type { Logger } from '../../../src/core/log';
import { silentLogger } from '../../../src/core/log';
import { FakeClock } from '../../builders/fakeClock';

const ACS =
  'endpoint=https://practice.communication.azure.com/;accesskey=' + Buffer.from('secret-key').toString('base64');
const base = { name: 'work', kind: 'live' as const, sendgridUrl: 'https://api.sendgrid.com' };

describe('channelsFor', () => {
  const http = new HttpClient({ logger: silentLogger });
  after(() => http.close());
  const deps = { http, clock: new FakeClock(), log: silentLogger };

  it('builds SMS from the ACS secret and the profile’s mail channel from its own', async () => {
    const smtp = channelsFor(
      { ...base, mailChannel: 'smtp' },
      { acsConnectionString: ACS, smtpUrl: 'smtp://u:p@mail.example.test:587', sendgridApiKey: 'SG.x' },
      deps,
    );
    assert.deepEqual(Object.keys(smtp).sort(), ['acsSms', 'smtp']);
    assert.equal(smtp.acsSms?.afterCrash, 'repeatableWithinWindow');
    assert.equal(smtp.smtp?.afterCrash, 'humanCheck');
    await closeTransports(smtp);
    const sendgrid = channelsFor({ ...base, mailChannel: 'sendgrid' }, { sendgridApiKey: 'SG.x' }, deps);
    assert.deepEqual(Object.keys(sendgrid), ['sendgrid']);
    const graph = channelsFor({ ...base, mailChannel: 'graph' }, { smtpUrl: 'smtp://u:p@h:587' }, deps);
    assert.deepEqual(Object.keys(graph), [], 'Graph mail needs no other channel');
  });

  it('leaves out a malformed secret, logging its code and not its value', () => {
    const lines: string[] = [];
    const log = {
      ...silentLogger,
      error: (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields)}`),
    } as Logger;
    const built = channelsFor(
      { ...base, mailChannel: 'graph' },
      { acsConnectionString: 'accesskey=topsecret' },
      { ...deps, log },
    );
    assert.deepEqual(Object.keys(built), []);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /acsSms/);
    assert.doesNotMatch(lines[0] ?? '', /topsecret/);
  });
});
