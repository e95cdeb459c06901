// Which authority hosts are Microsoft Entra ID's own. Asked by msal-node's configuration (a host it does not
// know must be listed in knownAuthorities, else it asks Microsoft's instance discovery about it: wire-facts §2)
// and by the editor when it chooses VS Code's Microsoft account provider over the device code.

/**
 * The hosts msal-common ships instance-discovery metadata for (src/authority/AuthorityMetadata.ts, v16): the
 * public cloud and its aliases, China (21Vianet), Germany, US Government, and the sovereign clouds. msal-common
 * does not export the list, so it is copied here; extend it when msal does.
 */
const MICROSOFT_LOGIN_HOSTS: ReadonlySet<string> = new Set([
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
  'login.sovcloud-identity.fr',
  'login.sovcloud-identity.de',
  'login.sovcloud-identity.sg',
]);

/** True for Entra ID's own login hosts (a URL's `hostname`), false for the sandbox and private authorities. */
export function isMicrosoftLoginHost(hostname: string): boolean {
  return MICROSOFT_LOGIN_HOSTS.has(hostname.toLowerCase());
}
