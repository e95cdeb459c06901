// The launch the editor registers works against a real `lc mcp`: the environment the editor builds for
// a profile only it knows (the started sandbox's, which no settings file or .env holds) brings the server
// up signed in as that profile through the SDK's own client; the same launch without the secret (signed
// out in the editor) still serves, and says how to sign in; a client secret the editor's own environment
// held is removed, never inherited.
import { strict as assert } from 'node:assert';
import { loadConfiguration, sandboxProfile } from '../../../src/core/config';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { launchEnvironment, type McpLaunchInputs } from '../../../src/vscode/mcpServerEnvironment';
import { cliPath } from '../cli/lcProcess';
import { startMcp, structured, type McpSession } from '../mcp/mcpClient';

/** What the editor runs: its own executable as Node, the bundled CLI's `mcp` verb. */
const cli = { command: process.execPath, args: [cliPath, 'mcp'], env: { ELECTRON_RUN_AS_NODE: '1' as const } };

/** The child's environment as VS Code makes it: the editor's own, then the definition's (null removes). */
function childEnvironment(inherited: Record<string, string>, inputs: McpLaunchInputs): Record<string, string> {
  const env: Record<string, string> = { ...inherited };
  for (const [name, value] of Object.entries(launchEnvironment(cli, inputs))) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

describe('the MCP server as the editor launches it', function () {
  this.timeout(90_000);
  let sandbox: RunningSandbox;
  let session: McpSession | undefined;
  let inputs: McpLaunchInputs;
  // The editor was started from a shell that exported another profile's secret.
  const inherited = { TZ: 'UTC', LC_CLIENT_SECRET: 'anotherProfilesSecret', LC_PROFILE: 'elsewhere' };

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'mcp-editor-launch', clients: 10 });
    const profile = sandboxProfile(sandbox.info);
    const config = loadConfiguration({ settings: { activeProfile: profile.name, profiles: [profile] } }).config;
    inputs = { config, profile, secrets: {}, agentWritesConfirmed: false };
  });
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('runs signed in as the editor’s profile, told only through its environment', async () => {
    const env = childEnvironment(inherited, { ...inputs, secrets: { clientSecret: sandbox.info.clientSecret } });
    session = await startMcp({ env });
    const who = structured<{ profile: string; signedIn: boolean }>(await session.call('whoami'));
    assert.equal(who.profile, 'sandbox');
    assert.equal(who.signedIn, true);
    const listed = await session.call('sessions_list');
    assert.ok(!listed.isError, 'sessions_list answers with the sandbox’s sessions');
    assert.deepEqual(session.protocolErrors, []);
  });

  it('signed out in the editor: the server starts without the secret, the inherited one included, and says how to sign in', async () => {
    session = await startMcp({ env: childEnvironment(inherited, inputs) });
    const who = structured<{ profile: string; signedIn: boolean; problem: string }>(await session.call('whoami'));
    assert.equal(who.profile, 'sandbox');
    assert.equal(who.signedIn, false);
    assert.match(who.problem, /No credential for profile sandbox.*Sign In/s);
    assert.ok(!session.stderr().includes('anotherProfilesSecret'));
  });
});
