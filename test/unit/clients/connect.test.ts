// connect() builds a profile's clients once for the editor and the CLI: Graph always, Dataverse only
// when the profile names an environment, and an HTTP client it built is closed when sign-in fails.
import { strict as assert } from 'node:assert';
import type { TokenProvider } from '../../../src/core/auth';
import { connect } from '../../../src/core/clients';
import { profileSchema } from '../../../src/core/config';
import { HttpClient } from '../../../src/core/http';
import { LogHub } from '../../../src/core/log';

const log = new LogHub().logger('api');
const tokens = { getToken: async () => 'token' } as unknown as TokenProvider;

function aProfile(fields: Record<string, unknown> = {}) {
  return profileSchema.parse({
    name: 'practice',
    kind: 'live',
    tenantId: '11111111-1111-4111-8111-111111111111',
    clientId: '22222222-2222-4222-8222-222222222222',
    ...fields,
  });
}

describe('connect', () => {
  it('builds Graph always and Dataverse only for a profile with an environment', async () => {
    const http = new HttpClient({ logger: log });
    const without = await connect(aProfile(), { log, http, tokens: () => tokens });
    assert.ok(without.graph);
    assert.equal(without.dataverse, undefined);
    const withDv = await connect(aProfile({ dataverseUrl: 'https://contoso.crm.dynamics.com' }), {
      log,
      http,
      tokens: () => tokens,
    });
    assert.ok(withDv.dataverse);
    assert.equal(withDv.http, http);
    await http.close();
  });

  it('closes the HTTP client it built when signing in fails, and leaves a given one open', async () => {
    let closed = 0;
    const watch = (http: HttpClient): void => {
      const close = http.close.bind(http);
      http.close = () => (closed++, close());
    };
    await assert.rejects(
      connect(aProfile(), {
        log,
        tokens: (http) => {
          watch(http);
          throw new Error('bad secret');
        },
      }),
      /bad secret/,
    );
    assert.equal(closed, 1, 'the client connect built is closed');
    const given = new HttpClient({ logger: log });
    watch(given);
    await assert.rejects(
      connect(aProfile(), {
        log,
        http: given,
        tokens: () => {
          throw new Error('bad secret');
        },
      }),
    );
    assert.equal(closed, 1, 'a client passed in stays open');
    await given.close();
  });
});
