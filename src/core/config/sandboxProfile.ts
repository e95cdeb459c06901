// The profile that points Life Cockpit at a running sandbox, built from its ready line
// (../shared/INTERFACES.md §1): one place for the editor's Start Sandbox and the tests.
import { profileSchema, type Profile } from './schema';

export interface SandboxEndpoints {
  tenantId: string;
  clientId: string;
  knownAuthority: string;
  graphUrl: string;
  dataverseUrl: string;
  stripeUrl: string;
  mailbox: string;
  caFile: string;
}

export function sandboxProfile(info: SandboxEndpoints, name = 'sandbox'): Profile {
  return profileSchema.parse({
    name,
    kind: 'sandbox',
    tenantId: info.tenantId,
    clientId: info.clientId,
    authorityHost: `https://${info.knownAuthority}`,
    graphUrl: info.graphUrl,
    dataverseUrl: info.dataverseUrl,
    stripeUrl: info.stripeUrl,
    mailbox: info.mailbox,
    caFile: info.caFile,
  });
}
