// Which profile a run acts on, and how every confirmation names it: the command line's --profile wins
// over every layer (issue 13, item 2), and a profile that exists only because of LC_* variables under a
// name no configured profile has is reported, not silently used (issue 13, item 13).
import { strict as assert } from 'node:assert';
import { describeTarget, loadConfiguration, profileSchema, renderConfiguration } from '../../../src/core/config';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('the profile a run acts on', () => {
  it('lets --profile win over LC_PROFILE from the environment and from .env', () => {
    const settings = {
      profiles: [
        { name: 'sandbox', kind: 'sandbox', tenantId: TENANT, clientId: CLIENT },
        { name: 'practice', kind: 'live', tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT },
      ],
    };
    for (const [env, dotenvText] of [
      [{ LC_PROFILE: 'practice' }, undefined],
      [{}, 'LC_PROFILE=practice\n'],
      [{ LC_PROFILE: 'practice' }, 'LC_PROFILE=practice\n'],
    ] as const) {
      const loaded = loadConfiguration({ settings, env, dotenvText, commandLineProfile: 'sandbox' });
      assert.equal(loaded.config.activeProfile, 'sandbox', JSON.stringify({ env, dotenvText }));
      assert.equal(loaded.activeProfile?.kind, 'sandbox');
      assert.equal(loaded.sources.activeProfile, 'command line');
    }
  });

  it('does not relabel the profile .env describes as the one --profile names', () => {
    const dotenvText = `LC_PROFILE=sandbox\nLC_TENANT_ID=${TENANT}\nLC_CLIENT_ID=${CLIENT}\nLC_PROFILE_KIND=sandbox\n`;
    const loaded = loadConfiguration({ dotenvText, commandLineProfile: 'practice' });
    assert.equal(loaded.config.activeProfile, 'practice');
    assert.equal(loaded.activeProfile, undefined, 'practice is not defined: the sandbox variables stay the sandbox’s');
    assert.deepEqual(
      loaded.config.profiles.map((p) => p.name),
      ['sandbox'],
    );
  });

  it('applies LC_* profile variables to the --profile profile when LC_PROFILE is not set', () => {
    const loaded = loadConfiguration({
      env: { LC_TENANT_ID: TENANT, LC_CLIENT_ID: CLIENT },
      commandLineProfile: 'ci',
    });
    assert.equal(loaded.activeProfile?.name, 'ci');
    assert.equal(loaded.activeProfile?.tenantId, TENANT);
  });
});

describe('a profile built from the environment under an unknown name', () => {
  const settings = {
    activeProfile: 'practice',
    profiles: [{ name: 'practice', kind: 'live', tenantId: TENANT, clientId: CLIENT }],
  };

  it('says which profile the LC_* variables built and that no configured profile has that name', () => {
    const loaded = loadConfiguration({
      settings,
      env: { LC_PROFILE: 'pratice', LC_TENANT_ID: TENANT, LC_CLIENT_ID: CLIENT },
    });
    assert.equal(loaded.activeProfile?.name, 'pratice');
    assert.equal(loaded.warnings.length, 1, JSON.stringify(loaded.warnings));
    const [warning] = loaded.warnings;
    assert.equal(warning.key, 'LC_PROFILE (lifeCockpit.activeProfile)');
    assert.equal(warning.layer, 'environment');
    assert.match(warning.message, /profile "pratice" was built from the environment \(LC_TENANT_ID, LC_CLIENT_ID\)/);
    assert.match(warning.message, /no configured profile has that name/);
    assert.match(warning.message, /did you mean "practice"\?/);
  });

  it('stays quiet when the variables override a configured profile, or when none is configured', () => {
    const overriding = loadConfiguration({ settings, env: { LC_PROFILE: 'practice', LC_MAILBOX: 'a@contoso.com' } });
    assert.deepEqual(overriding.warnings, []);
    const cliOnly = loadConfiguration({ env: { LC_PROFILE: 'sandbox', LC_TENANT_ID: TENANT, LC_CLIENT_ID: CLIENT } });
    assert.deepEqual(cliOnly.warnings, []);
  });

  it('renders the warning in the configuration report', () => {
    const loaded = loadConfiguration({ settings, env: { LC_PROFILE: 'pratice', LC_TENANT_ID: TENANT } });
    assert.match(renderConfiguration(loaded), /profile "pratice" was built from the environment/);
  });
});

describe('describeTarget', () => {
  it('names the profile and its tenant, and LIVE in capitals for a live profile', () => {
    const live = profileSchema.parse({ name: 'practice', kind: 'live', tenantId: 'contoso.onmicrosoft.com' });
    assert.equal(describeTarget(live), 'the LIVE profile "practice" (tenant contoso.onmicrosoft.com)');
    const sandbox = profileSchema.parse({ name: 'sandbox', kind: 'sandbox', tenantId: TENANT });
    assert.equal(describeTarget(sandbox), `the sandbox profile "sandbox" (tenant ${TENANT})`);
    const noTenant = profileSchema.parse({ name: 'ci', kind: 'test' });
    assert.equal(describeTarget(noTenant), 'the test profile "ci" (no tenant set)');
  });
});
