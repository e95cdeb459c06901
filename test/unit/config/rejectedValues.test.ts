// Values a user gave that the configuration could not take (issue 14, item 3): a misspelt profile field
// is named with the key it most likely meant, an empty variable deliberately clears what a lower layer
// set, a file that is not there is rejected naming its key, and every rejection can be found again by
// the setting's path so later messages say "rejected" instead of "not set".
import { strict as assert } from 'node:assert';
import { loadConfiguration, problemAt } from '../../../src/core/config';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('rejected configuration values', () => {
  it('names a misspelt profile field with the nearest known key', () => {
    const settings = {
      activeProfile: 'p',
      profiles: [{ name: 'p', tenantId: TENANT, clientId: CLIENT, dataverseURL: 'https://contoso.crm.dynamics.com' }],
    };
    const loaded = loadConfiguration({ settings });
    assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
    const [problem] = loaded.problems;
    assert.equal(problem.key, 'lifeCockpit.profiles[p].dataverseURL');
    assert.equal(problem.layer, 'settings');
    assert.match(problem.message, /unknown field "dataverseURL"; did you mean "dataverseUrl"\?/);
    assert.equal(loaded.activeProfile?.tenantId, TENANT, 'the rest of the profile loads');
  });

  it('names a misspelt top-level setting with the nearest known key', () => {
    const loaded = loadConfiguration({ settings: { log: { levle: 'debug' } } });
    assert.equal(loaded.problems[0]?.key, 'lifeCockpit.log.levle');
    assert.match(loaded.problems[0].message, /did you mean "level"\?/);
  });

  it('takes an empty environment variable as a deliberate override of lower layers', () => {
    const loaded = loadConfiguration({
      settings: { log: { level: 'warn' } },
      dotenvText: `LC_PROFILE=sandbox\nLC_TENANT_ID=${TENANT}\nLC_CA_FILE=/tmp/old-sandbox-ca.pem\n`,
      env: { LC_LOG_LEVEL: '', LC_CA_FILE: '' },
    });
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.config.log.level, 'info', 'back to the default');
    assert.equal(loaded.sources['log.level'], 'environment');
    assert.equal(loaded.activeProfile?.tenantId, TENANT);
    assert.equal(loaded.activeProfile?.caFile, undefined, 'the .env CA is cleared');
  });

  it('does not build a profile from empty variables alone', () => {
    const loaded = loadConfiguration({ env: { LC_TENANT_ID: '', LC_CLIENT_ID: '' } });
    assert.deepEqual(loaded.config.profiles, []);
  });

  it('rejects a file that cannot be read, naming its variable', () => {
    const loaded = loadConfiguration({
      env: { LC_PROFILE: 'sandbox', LC_TENANT_ID: TENANT, LC_CA_FILE: '/nonexistent/ca.pem' },
      checkFile: (file) => (file === '/nonexistent/ca.pem' ? 'no such file' : undefined),
    });
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0].key, 'LC_CA_FILE (lifeCockpit.profiles[sandbox].caFile)');
    assert.equal(loaded.problems[0].layer, 'environment');
    assert.match(loaded.problems[0].message, /expected a readable file; got "\/nonexistent\/ca\.pem" \(no such file\)/);
    assert.equal(loaded.activeProfile?.caFile, undefined);
  });

  it('finds a rejection again by the path of the setting', () => {
    const loaded = loadConfiguration({
      env: { LC_PROFILE: 'sandbox', LC_TENANT_ID: 'not a tenant', LC_DATAVERSE_URL: 'http://contoso.crm.dynamics.com' },
    });
    const tenant = problemAt(loaded, 'profiles.sandbox.tenantId');
    assert.equal(tenant?.key, 'LC_TENANT_ID (lifeCockpit.profiles[sandbox].tenantId)');
    assert.match(problemAt(loaded, 'profiles.sandbox.dataverseUrl')?.message ?? '', /https:\/\//);
    assert.equal(problemAt(loaded, 'profiles.sandbox.clientId'), undefined);
  });
});
