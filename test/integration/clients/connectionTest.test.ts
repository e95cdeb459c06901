// Test Connection asks the services, never the HTTP cache: with Dataverse down, a WhoAmI answered a minute
// ago (and cached for the metadata TTL) must not report it reachable.
import { strict as assert } from 'node:assert';
import { AuthService } from '../../../src/core/auth';
import { connect, testConnection, type ProfileClients } from '../../../src/core/clients';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { msalNetworkClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { MemorySecrets } from '../../builders/memorySecrets';

describe('Test Connection and the response cache', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let profile: Profile;
  let clients: ProfileClients;
  let auth: AuthService;

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'connection-test', clients: 3 });
    profile = sandboxProfile(sandbox.info);
    clients = await connect(profile, {
      log: silentLogger,
      tokens: async (http) => {
        auth = new AuthService({
          secrets: new MemorySecrets(),
          log: silentLogger,
          persistTokenCache: false,
          networkClientFor: () => msalNetworkClient(http),
        });
        await auth.signIn(profile, { kind: 'secret', clientSecret: sandbox.info.clientSecret });
        return auth.tokens();
      },
    });
  });
  after(async () => {
    await clients?.close();
    await sandbox?.stop();
  });

  it('reports Dataverse down although WhoAmI was answered (and cached) a moment ago', async () => {
    const dataverse = clients.dataverse!;
    await dataverse.whoAmI();
    assert.equal((await dataverse.whoAmI()).UserId.length > 0, true);
    sandbox.faults.add({ service: 'dataverse', kind: 'error500', rate: 1, route: 'WhoAmI' });
    const state = auth.state;
    assert.equal(state.kind, 'signedIn');
    const report = await testConnection({
      profile,
      identity: state.kind === 'signedIn' ? state.identity : (undefined as never),
      graph: clients.graph,
      whoAmI: (options) => dataverse.whoAmI(options),
    });
    assert.equal(report.dataverse.ok, false, 'Test Connection did not answer from the cache');
    const whoAmIRequests = sandbox.requestLog().filter((e) => e.service === 'dataverse' && /WhoAmI/.test(e.path));
    assert.equal(whoAmIRequests.at(-1)?.status, 500);
  });
});
