// Graph through the real @microsoft/microsoft-graph-client and our HTTP layer against the sandbox: a
// revoked token answered 401 is dropped and the call retried once with a fresh one, as Dataverse does;
// a second 401 is the answer.
import { strict as assert } from 'node:assert';
import {
  MsalTokenSource,
  resourcesFor,
  TokenProvider,
  type AcquiredToken,
  type TokenSource,
} from '../../../src/core/auth';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { createGraphClient, translateGraphError } from '../../../src/core/graph';
import { createProfileHttpClient, msalNetworkClient, type HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';

describe('Graph calls after a token is revoked', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let profile: Profile;
  let http: HttpClient;

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'graph-401', clients: 3 });
    profile = sandboxProfile(sandbox.info);
    http = createProfileHttpClient(profile, silentLogger);
  });
  after(async () => {
    await http?.close();
    await sandbox?.stop();
  });

  /** Hands out `revoked` tokens first (still valid by their expiry, refused by Graph), then real ones. */
  function sourceRevokingFirst(revoked: number): TokenSource & { handedOut: number } {
    const real = new MsalTokenSource({
      identity: {
        profile: profile.name,
        tenantId: profile.tenantId!,
        clientId: profile.clientId!,
        authorityHost: profile.authorityHost,
      },
      credential: { kind: 'secret', clientSecret: sandbox.info.clientSecret },
      networkClient: msalNetworkClient(http),
      log: silentLogger,
    });
    const source = {
      handedOut: 0,
      async acquire(scope: string, options: { forceRefresh: boolean; signal?: AbortSignal }): Promise<AcquiredToken> {
        source.handedOut++;
        if (source.handedOut > revoked) return real.acquire(scope, options);
        const accessToken = await sandbox.mintToken({ audience: 'https://graph.microsoft.com', lifetimeSeconds: -600 });
        return { accessToken, expiresOn: new Date(Date.now() + 3_600_000) };
      },
    };
    return source;
  }

  const graphStatuses = (): number[] =>
    sandbox
      .requestLog()
      .filter((e) => e.service === 'graph')
      .map((e) => e.status);

  it('drops the refused token and retries once with a fresh one', async () => {
    sandbox.reset();
    const source = sourceRevokingFirst(1);
    const tokens = new TokenProvider(source);
    const graph = createGraphClient({
      http,
      tokens,
      resource: resourcesFor(profile).graph,
      graphUrl: profile.graphUrl,
    });
    const user = (await graph.api(`/users/${encodeURIComponent(sandbox.info.mailbox)}`).get()) as { mail?: string };
    assert.equal(user.mail?.toLowerCase(), sandbox.info.mailbox.toLowerCase());
    assert.deepEqual(graphStatuses(), [401, 200]);
    assert.equal(source.handedOut, 2, 'one fresh token after the 401');
  });

  it('retries a POST with its body after a 401', async () => {
    sandbox.reset();
    const tokens = new TokenProvider(sourceRevokingFirst(1));
    const graph = createGraphClient({
      http,
      tokens,
      resource: resourcesFor(profile).graph,
      graphUrl: profile.graphUrl,
    });
    await graph.api(`/users/${encodeURIComponent(sandbox.info.mailbox)}/sendMail`).post({
      message: {
        subject: 'After a revoked token',
        body: { contentType: 'Text', content: 'Sent once.' },
        toRecipients: [{ emailAddress: { address: sandbox.info.mailbox } }],
      },
      saveToSentItems: true,
    });
    assert.deepEqual(graphStatuses(), [401, 202]);
  });

  it('answers with the second 401, without a third try', async () => {
    sandbox.reset();
    const source = sourceRevokingFirst(2);
    const tokens = new TokenProvider(source);
    const graph = createGraphClient({
      http,
      tokens,
      resource: resourcesFor(profile).graph,
      graphUrl: profile.graphUrl,
    });
    const error = await graph
      .api(`/users/${encodeURIComponent(sandbox.info.mailbox)}`)
      .get()
      .then(
        () => undefined,
        (e: unknown) => translateGraphError(e, 'reading the mailbox'),
      );
    assert.equal(error?.code, 'graph.unauthorized');
    assert.deepEqual(graphStatuses(), [401, 401]);
    assert.equal(source.handedOut, 2);
  });
});
