// What the product reads from token responses is checked at the edge (zod): a claim of the wrong type is
// dropped rather than trusted (a `roles` string would otherwise be read letter by letter), and an msal
// answer without a usable access token or expiry is an error naming what was missing.
import { strict as assert } from 'node:assert';
import { acquireLogged, analyseRoles, readClaims } from '../../../src/core/auth';
import { silentLogger } from '../../../src/core/log';
import type { AuthenticationResult } from '@azure/msal-node';

function token(claims: object): string {
  return `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
}

const identity = {
  profile: 'practice',
  tenantId: '11111111-2222-3333-4444-555555555555',
  clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  authorityHost: 'https://login.microsoftonline.com',
};

describe('token responses checked at the edge', () => {
  it('reads the claims it knows, with their types', () => {
    const claims = readClaims(token({ tid: 't', roles: ['Mail.Send'], exp: 100, iat: 40, upn: 'a@b.c', extra: 1 }));
    assert.deepEqual(claims, { tid: 't', roles: ['Mail.Send'], exp: 100, iat: 40, upn: 'a@b.c' });
  });

  it('drops a claim of the wrong type instead of trusting it', () => {
    const claims = readClaims(token({ tid: 't', roles: 'Mail.Send', exp: '100', app_displayname: 7 }));
    assert.deepEqual(claims, { tid: 't' });
    assert.deepEqual(analyseRoles(readClaims(token({ roles: 'Mail.Send' })).roles ?? []).granted, []);
  });

  it('reads nothing from an opaque or malformed token', () => {
    assert.deepEqual(readClaims('opaque'), {});
    assert.deepEqual(readClaims('a.bm90IGpzb24.c'), {});
    assert.deepEqual(readClaims(`e30.${Buffer.from('[1,2]').toString('base64url')}.sig`), {});
  });

  it('refuses an msal answer without a usable access token or expiry, naming what is missing', async () => {
    const answers = [
      { accessToken: '', expiresOn: new Date() },
      { accessToken: 'x', expiresOn: null },
      { accessToken: 'x', expiresOn: new Date(Number.NaN) },
    ];
    for (const answer of answers) {
      await assert.rejects(
        acquireLogged(identity, silentLogger, 'https://graph.microsoft.com/.default', async () =>
          Promise.resolve(answer as unknown as AuthenticationResult),
        ),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'auth.invalidTokenResponse');
          assert.match(error.message, /accessToken|expiresOn/);
          return true;
        },
      );
    }
  });
});
