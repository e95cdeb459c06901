// A test's own connection to a sandbox as its Entra app: the profile its ready line describes, signed in
// with the ready line's client secret by a real msal-node client over that profile's HTTP layer, tokens kept
// in memory only. Tests use it to arrange rows and read them back beside what the product does.
import { AuthService } from '../../src/core/auth';
import { connect, type ProfileClients } from '../../src/core/clients';
import { sandboxProfile, type Profile } from '../../src/core/config';
import { msalNetworkClient } from '../../src/core/http';
import { silentLogger } from '../../src/core/log';
import type { SandboxReadyInfo } from '../../src/sandbox/types';
import { MemorySecrets } from './memorySecrets';

export function connectAsSandboxApp(
  info: SandboxReadyInfo,
  profile: Profile = sandboxProfile(info),
): Promise<ProfileClients> {
  return connect(profile, {
    log: silentLogger,
    tokens: async (http) => {
      const auth = new AuthService({
        secrets: new MemorySecrets(),
        log: silentLogger,
        persistTokenCache: false,
        networkClientFor: () => msalNetworkClient(http),
      });
      await auth.signIn(profile, { kind: 'secret', clientSecret: info.clientSecret });
      return auth.tokens();
    },
  });
}
