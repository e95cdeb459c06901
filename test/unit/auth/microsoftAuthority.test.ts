// "Is this Microsoft's login host?" asked once for both callers: msal-node (a host it does not know must be
// listed in knownAuthorities, wire-facts §2) and the editor's choice of VS Code's Microsoft account provider
// over the device code. Both used to carry their own regex, and they disagreed on the China cloud's host.
import { strict as assert } from 'node:assert';
import { isMicrosoftLoginHost, msalConfiguration } from '../../../src/core/auth';
import { silentLogger } from '../../../src/core/log';

// The Entra ID hosts msal-common ships instance-discovery metadata for (AuthorityMetadata.ts).
const MICROSOFT = [
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com',
  'LOGIN.MicrosoftOnline.COM',
];
const NOT_MICROSOFT = [
  'localhost',
  '127.0.0.1',
  'login.microsoftonline.com.example.net',
  'evil-login.microsoftonline.com.attacker.test',
  'login.microsoftonline.co',
  'microsoftonline.com',
  'idp.contoso.com',
];

describe("Microsoft's login hosts", () => {
  it('knows every host msal-node treats as Microsoft’s own, the China cloud’s partner host included', () => {
    for (const host of MICROSOFT) assert.equal(isMicrosoftLoginHost(host), true, host);
  });

  it('takes neither look-alikes nor the sandbox for Microsoft', () => {
    for (const host of NOT_MICROSOFT) assert.equal(isMicrosoftLoginHost(host), false, host);
  });

  it('tells msal-node to trust a host only when it is not Microsoft’s', () => {
    const knownAuthorities = (authorityHost: string) =>
      msalConfiguration(
        { profile: 'p', tenantId: 'contoso.onmicrosoft.com', clientId: 'c', authorityHost },
        { log: silentLogger },
      ).auth.knownAuthorities;
    assert.deepEqual(knownAuthorities('https://localhost:8443'), ['localhost:8443']);
    for (const host of MICROSOFT) assert.equal(knownAuthorities(`https://${host}`), undefined, host);
  });
});
