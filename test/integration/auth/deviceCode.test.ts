// Signing in as the practitioner with the device-code flow, against the sandbox's Entra ID with the
// real msal-node: the code reaches the prompt, the sandbox approves it, and the delegated token reads
// Graph's /me and Dataverse's WhoAmI as the user; a declined code is a translated error; and
// `lc auth login --json` with LC_AUTH_KIND=user prints the code on stderr and JSON on stdout.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuthService, readClaims, resourcesFor, sendAuthorized, type SecretStore } from '../../../src/core/auth';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { AuthenticationError } from '../../../src/core/errors';
import { createProfileHttpClient, msalNetworkClient, type HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { MemorySecrets } from '../../builders/memorySecrets';
import { testFolder } from '../../builders/testFolders';

const USER_CODE = /enter the code ([A-Z0-9]+) to authenticate/;

describe('device-code sign-in as the user', function () {
  this.timeout(20_000);
  let sandbox: RunningSandbox;
  let profile: Profile;
  let http: HttpClient;
  /** Added to the sandbox clock: lets a test age a device code past its 15 minutes. */
  let skewMs = 0;
  let settled: Array<Promise<number>> = [];

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: 'device-code',
      clients: 3,
      deviceCodeIntervalSeconds: 1,
      now: () => Date.now() + skewMs,
    });
    profile = { ...sandboxProfile(sandbox.info), authKind: 'user' };
    http = createProfileHttpClient(profile, silentLogger);
  });
  beforeEach(() => {
    skewMs = 0;
    settled = [];
  });
  afterEach(() => {
    skewMs = 0;
  });
  after(async () => {
    await http?.close();
    await sandbox?.stop();
  });

  /** POSTs to the sandbox inspector (the user's part: entering the code in the browser). */
  async function settle(userCode: string, action: 'approve' | 'decline'): Promise<number> {
    const response = await http.request({
      service: 'entra', // the inspector shares the sandbox origin; the HTTP layer knows no 'sandbox' service
      method: 'POST',
      url: `${sandbox.urls.origin}/_sandbox/devicecode/${action}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_code: userCode }),
    });
    await response.bytes();
    return response.status;
  }

  function authService(
    action: 'approve' | 'decline' | 'expire',
    secrets: SecretStore,
    messages: string[],
  ): AuthService {
    return new AuthService({
      secrets,
      log: silentLogger,
      networkClientFor: () => msalNetworkClient(http),
      persistTokenCache: true,
      deviceCodePrompt: (message) => {
        messages.push(message);
        const code = USER_CODE.exec(message)?.[1];
        if (!code) throw new Error(`no user code in: ${message}`);
        if (action === 'expire')
          skewMs = 901_000; // the user walks away for longer than the code lives
        else settled.push(settle(code, action));
      },
    });
  }

  it('signs in with an approved code and reads Graph /me and WhoAmI as the practitioner', async () => {
    const secrets = new MemorySecrets();
    const messages: string[] = [];
    const auth = authService('approve', secrets, messages);
    const state = await auth.signIn(profile, { kind: 'user' });
    assert.deepEqual(await Promise.all(settled), [200]);
    assert.equal(state.kind, 'signedIn');
    assert.equal(messages.length, 1, 'one prompt for both resources (Dataverse comes from the refresh token)');
    assert.match(messages[0] ?? '', new RegExp(`${sandbox.urls.origin}/_sandbox/devicelogin`));
    const practitioner = sandbox.practice.practitioner;
    if (state.kind === 'signedIn') assert.equal(state.identity.userName, practitioner.mail);

    const resources = resourcesFor(profile);
    const claims = readClaims(await auth.tokens().getToken(resources.graph));
    assert.equal(claims.oid, practitioner.userId.toLowerCase());
    assert.match(claims.scp ?? '', /\bUser\.Read\b/);
    assert.equal((claims as Record<string, unknown>).idtyp, undefined);

    const me = await sendAuthorized(http, auth.tokens(), resources.graph, {
      service: 'graph',
      method: 'GET',
      url: `${sandbox.urls.graphUrl}/v1.0/me`,
    });
    const user = (await me.json()) as { id?: string; mail?: string };
    assert.equal(me.status, 200);
    assert.equal(user.id?.toLowerCase(), practitioner.userId.toLowerCase());
    assert.equal(user.mail, practitioner.mail);

    assert.ok(resources.dataverse);
    const whoAmI = await sendAuthorized(http, auth.tokens(), resources.dataverse, {
      service: 'dataverse',
      method: 'GET',
      url: `${profile.dataverseUrl}/api/data/v9.2/WhoAmI`,
    });
    const who = (await whoAmI.json()) as { UserId?: string };
    assert.equal(whoAmI.status, 200);
    assert.equal(who.UserId, practitioner.systemUserId);

    // The cache went to the SecretStore: a restart restores silently, without a new prompt.
    const restored = await authService('approve', secrets, messages).restore(profile);
    assert.equal(restored.kind, 'signedIn');
    assert.equal(messages.length, 1);
  });

  it('turns a declined code into an AuthenticationError', async () => {
    const auth = authService('decline', new MemorySecrets(), []);
    await assert.rejects(auth.signIn(profile, { kind: 'user' }), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.code, 'auth.deviceCodeDeclined');
      assert.match(error.message, /declined/);
      return true;
    });
    assert.deepEqual(await Promise.all(settled), [200]);
    assert.equal(auth.state.kind, 'signedOut');
  });

  it('turns an expired code into an AuthenticationError', async () => {
    const auth = authService('expire', new MemorySecrets(), []);
    await assert.rejects(auth.signIn(profile, { kind: 'user' }), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.equal(error.code, 'auth.deviceCodeExpired');
      return true;
    });
    assert.equal(auth.state.kind, 'signedOut');
  });

  it('restores a user profile only when a token cache exists (no prompt on start)', async () => {
    const messages: string[] = [];
    const state = await authService('approve', new MemorySecrets(), messages).restore(profile);
    assert.equal(state.kind, 'signedOut');
    assert.equal(messages.length, 0);
  });

  it('lc auth login --json with LC_AUTH_KIND=user prints the code on stderr and JSON on stdout', async () => {
    const main = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
    const logDir = testFolder('lc-devicecode-logs-');
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
    const { LC_CLIENT_SECRET: _secret, ...env } = sandbox.info.env;
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, main, 'auth', 'login', '--json'],
      {
        env: { ...clean, ...env, LC_LOG_DIR: logDir, LC_AUTH_KIND: 'user' },
        cwd: os.tmpdir(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let approved: Promise<number> | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const code = USER_CODE.exec(stderr)?.[1];
      if (code && !approved) approved = settle(code, 'approve');
    });
    const exit = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    assert.equal(exit, 0, `stderr: ${stderr}`);
    assert.equal(await approved, 200);
    assert.doesNotMatch(stdout, USER_CODE);
    const result = JSON.parse(stdout) as { signedIn?: boolean; tenantId?: string; userName?: string };
    assert.equal(result.signedIn, true);
    assert.equal(result.tenantId, sandbox.practice.tenantId);
    assert.equal(result.userName, sandbox.practice.practitioner.mail);
  });
});
