// Which profile `lc` acts on, seen from a user's shell: --profile wins over LC_PROFILE from the
// environment and from .env (issue 13, item 2); every confirmation of an effect names the profile and
// its tenant, LIVE in capitals for a live one; a profile only the LC_* variables built under an
// unknown name is named as such (issue 13, item 13). None of these reach the network.
import { strict as assert } from 'node:assert';
import { dirWithDotenv, jsonError, lcProcess } from './lcProcess';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const ROW = '7d577253-3ef0-4a0a-bb7f-8335c2596e70';

const sandboxVars = {
  LC_PROFILE: 'sandbox',
  LC_PROFILE_KIND: 'sandbox',
  LC_TENANT_ID: TENANT,
  LC_CLIENT_ID: CLIENT,
  LC_CLIENT_SECRET: 'sandbox-secret-value',
  LC_DATAVERSE_URL: 'https://127.0.0.1:9/dataverse',
};
const liveVars = {
  LC_PROFILE: 'practice',
  LC_PROFILE_KIND: 'live',
  LC_TENANT_ID: 'contoso.onmicrosoft.com',
  LC_CLIENT_ID: CLIENT,
  LC_CLIENT_SECRET: 'live-secret-value',
  LC_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
};

const effects: Array<[string, string[]]> = [
  ['create', ['dv', 'create', 'contacts', '--data', '{"lastname":"Doe"}']],
  ['update', ['dv', 'update', 'contacts', ROW, '--data', '{"lastname":"Doe"}']],
  ['delete', ['dv', 'delete', 'contacts', ROW]],
  ['note', ['dv', 'note', 'contacts', ROW, '--subject', 'Call', '--text', 'Called back']],
];

describe('lc: the profile a command acts on', function () {
  this.timeout(60_000);

  it('lets --profile win over LC_PROFILE from .env', async () => {
    const cwd = dirWithDotenv(sandboxVars);
    const run = await lcProcess(['--json', '--profile', 'practice', 'auth', 'status'], { cwd });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    assert.match(jsonError(run).message, /Profile "practice" is not defined/);
  });

  it('lets --profile win over LC_PROFILE from the environment', async () => {
    const run = await lcProcess(['--json', '--profile', 'practice', 'auth', 'status'], { env: sandboxVars });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    assert.match(jsonError(run).message, /Profile "practice" is not defined/);
    const chosen = await lcProcess(['--json', '-p', 'sandbox', 'auth', 'status'], {
      env: { ...sandboxVars, LC_PROFILE: 'sandbox' },
    });
    assert.equal(chosen.code, 0, chosen.stdout + chosen.stderr);
    assert.equal((JSON.parse(chosen.stdout) as { profile: string }).profile, 'sandbox');
  });

  for (const [name, args] of effects) {
    it(`names the profile and its tenant when it asks to confirm ${name}`, async () => {
      const run = await lcProcess(['--json', ...args], { env: sandboxVars });
      assert.equal(run.code, 11, run.stdout + run.stderr);
      assert.match(jsonError(run).message, new RegExp(`the sandbox profile "sandbox" \\(tenant ${TENANT}\\)`));
    });
  }

  it('says LIVE in capitals when the profile is live', async () => {
    const run = await lcProcess(['--json', 'dv', 'delete', 'contacts', ROW], { env: liveVars });
    assert.equal(run.code, 11, run.stdout + run.stderr);
    assert.match(
      jsonError(run).message,
      /Delete contacts\(.+\) in the LIVE profile "practice" \(tenant contoso\.onmicrosoft\.com\)\?/,
    );
  });

  it('says which profile the LC_* variables built when no configured profile has its name', async () => {
    const cwd = dirWithDotenv(sandboxVars);
    const run = await lcProcess(['--json', 'auth', 'status'], {
      cwd,
      env: { LC_PROFILE: 'sandbx', LC_TENANT_ID: TENANT, LC_CLIENT_ID: CLIENT },
    });
    assert.equal((JSON.parse(run.stdout) as { profile: string }).profile, 'sandbx');
    assert.match(
      run.stderr,
      /profile "sandbx" was built from the environment \(LC_TENANT_ID, LC_CLIENT_ID\), and no configured profile has that name \(configured: sandbox\); did you mean "sandbox"\?/,
    );
  });
});
