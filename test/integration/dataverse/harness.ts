// Starts an in-process sandbox and a DataverseClient signed in to it the way the CLI signs in: an HttpClient
// trusting the sandbox CA for its origin only, and an AuthService whose msal-node sends through that client.
import { readFile } from 'node:fs/promises';
import { AuthService, resourcesFor, type TokenProvider } from '../../../src/core/auth';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { DataverseClient } from '../../../src/core/dataverse';
import { HttpClient, msalNetworkClient, type Clock, type ServicePolicy } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../src/sandbox';

export interface Harness {
  sandbox: RunningSandbox;
  http: HttpClient;
  tokens: TokenProvider;
  profile: Profile;
  client(options?: { callerId?: string }): DataverseClient;
  /** Sandbox requests to Dataverse (not Entra) since the last call of `mark()`. */
  dataverseRequests(): { method: string; path: string; status: number }[];
  mark(): void;
  stop(): Promise<void>;
}

export async function startHarness(
  options: StartSandboxOptions & { dataverse?: Partial<ServicePolicy>; clock?: Clock } = {},
): Promise<Harness> {
  const { dataverse, clock, ...sandboxOptions } = options;
  const sandbox = await startSandbox({ port: 0, ...sandboxOptions });
  const ca = await readFile(sandbox.info.caFile);
  const origin = new URL(sandbox.info.dataverseUrl).origin;
  const http = new HttpClient({
    logger: silentLogger,
    trust: { ca, origins: [origin] },
    ...(clock ? { clock } : {}),
    ...(dataverse ? { services: { dataverse } } : {}),
  });
  const profile = sandboxProfile(sandbox.info);
  const auth = new AuthService({
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined },
    log: silentLogger,
    networkClientFor: () => msalNetworkClient(http),
    persistTokenCache: false,
  });
  await auth.signIn(profile, { kind: 'secret', clientSecret: sandbox.info.clientSecret });
  const tokens = auth.tokens();
  const resource = resourcesFor(profile).dataverse;
  if (!resource) throw new Error('the sandbox profile has no Dataverse resource');
  let seen = 0;
  const dataverseEntries = () => sandbox.requestLog().filter((e) => e.service === 'dataverse');
  return {
    sandbox,
    http,
    tokens,
    profile,
    client: (extra = {}) =>
      new DataverseClient({ http, tokens, resource, baseUrl: sandbox.info.dataverseUrl, log: silentLogger, ...extra }),
    dataverseRequests: () => dataverseEntries().slice(seen),
    mark: () => {
      seen = dataverseEntries().length;
    },
    stop: async () => {
      await http.close();
      await sandbox.stop();
    },
  };
}
