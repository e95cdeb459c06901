// Sign-in errors say what happened, against the sandbox's Entra ID with injected faults and the real
// msal-node: throttling (waited for when Retry-After is short, named with the wait when it is not), an
// unavailable service, and an untrusted certificate are three different messages; msal's "Error(s): Not
// Available - Timestamp: Not Available" boilerplate never reaches the user; and an AADSTS error from the
// sandbox gives sandbox advice, not the Entra admin center's.
import { strict as assert } from 'node:assert';
import { AuthService, type Credential } from '../../../src/core/auth';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { createProfileHttpClient, msalNetworkClient, type HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';

const TOKEN_ROUTE = '^POST /[^/]+/oauth2/v2.0/token';

describe('sign-in errors say what happened', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let profile: Profile;
  const clients: HttpClient[] = [];

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'sign-in-errors', clients: 3 });
    profile = sandboxProfile(sandbox.info);
  });
  afterEach(() => sandbox.faults.clear());
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sandbox?.stop();
  });

  function signIn(p: Profile = profile, credential?: Credential): Promise<unknown> {
    const http = createProfileHttpClient(p, silentLogger);
    clients.push(http);
    const auth = new AuthService({
      secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined },
      log: silentLogger,
      persistTokenCache: false,
      networkClientFor: () => msalNetworkClient(http),
    });
    return auth.signIn(p, credential ?? { kind: 'secret', clientSecret: sandbox.info.clientSecret });
  }

  async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; errorClass?: string }> {
    try {
      await promise;
    } catch (error) {
      return error as Error & { code?: string; errorClass?: string };
    }
    throw new Error('expected the sign-in to fail');
  }

  const boilerplate = /Not Available|Error\(s\)|Timestamp:/;

  it('waits for a short Retry-After when Entra ID throttles, and signs in', async () => {
    sandbox.faults.add({ service: 'entra', kind: 'throttle', rate: 1, value: 1, limit: 1, route: TOKEN_ROUTE });
    const state = (await signIn()) as { kind: string };
    assert.equal(state.kind, 'signedIn');
  });

  it('says Entra ID is throttling, and for how long, when Retry-After is beyond the wait it allows', async () => {
    sandbox.faults.add({ service: 'entra', kind: 'throttle', rate: 1, value: 120, route: TOKEN_ROUTE });
    const error = await failure(signIn());
    assert.doesNotMatch(error.message, boilerplate);
    assert.match(error.message, /throttl/i);
    assert.match(error.message, /2 minutes|120 s/);
    assert.equal(error.errorClass, 'transient');
    assert.equal(error.code, 'auth.throttled');
  });

  it('says Entra ID is unavailable on a 503, not that the network is down', async () => {
    sandbox.faults.add({ service: 'entra', kind: 'error503', rate: 1, route: TOKEN_ROUTE });
    const error = await failure(signIn());
    assert.doesNotMatch(error.message, boilerplate);
    assert.match(error.message, /unavailable \(503\)/);
    assert.doesNotMatch(error.message, /check the network/i);
    assert.equal(error.errorClass, 'transient');
    assert.equal(error.code, 'auth.unavailable');
  });

  it('names the CA setting when the sign-in host’s certificate is not trusted', async () => {
    const error = await failure(signIn({ ...profile, caFile: undefined }));
    assert.doesNotMatch(error.message, boilerplate);
    assert.match(error.message, /not trust/);
    assert.match(error.message, /caFile/);
    assert.match(error.message, /LC_CA_FILE/);
    assert.equal(error.code, 'auth.untrustedCertificate');
  });

  it('gives three different messages for throttling, unavailability and an untrusted certificate', async () => {
    sandbox.faults.add({ service: 'entra', kind: 'throttle', rate: 1, value: 120, route: TOKEN_ROUTE });
    const throttled = await failure(signIn());
    sandbox.faults.clear();
    sandbox.faults.add({ service: 'entra', kind: 'error503', rate: 1, route: TOKEN_ROUTE });
    const unavailable = await failure(signIn());
    const untrusted = await failure(signIn({ ...profile, caFile: undefined }));
    assert.equal(new Set([throttled.message, unavailable.message, untrusted.message]).size, 3);
  });

  it('says a sandbox secret pasted with the sentence’s final period is the sandbox’s, with nothing copied with it, never the admin center', async () => {
    const error = await failure(signIn(profile, { kind: 'secret', clientSecret: `${sandbox.info.clientSecret}.` }));
    assert.equal(error.code, 'auth.AADSTS7000215');
    assert.equal(error.errorClass, 'authentication');
    assert.doesNotMatch(error.message, /entra\.microsoft\.com|admin center|App registrations/i);
    assert.match(error.message, /sandbox/);
    assert.match(error.message, /nothing before or after it|a final period/);
    assert.doesNotMatch(error.message, boilerplate);
  });

  it('gives sandbox advice for an AADSTS error from the sandbox, not the Entra admin center', async () => {
    const error = await failure(signIn(profile, { kind: 'secret', clientSecret: 'not-the-sandbox-secret' }));
    assert.equal(error.code, 'auth.AADSTS7000215');
    assert.doesNotMatch(error.message, /admin center|entra\.microsoft\.com/i);
    assert.match(error.message, /sandbox/);
    assert.match(error.message, /lc sandbox --json|Start Sandbox/);
    assert.doesNotMatch(error.message, boilerplate);
  });
});
