// Proves the layering order, per-value sources, and that a bad value yields one message naming the
// key and layer while the rest of the configuration still loads.
import { strict as assert } from 'node:assert';
import { loadConfiguration, renderConfiguration } from '../../../src/core/config';
import { resolveTables, DEFAULT_TABLES } from '../../../src/core/practice';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('configuration layers', () => {
  it('uses defaults when nothing is set, each marked as default', () => {
    const loaded = loadConfiguration({});
    assert.equal(loaded.config.log.level, 'info');
    assert.equal(loaded.config.webhooks.bindAddress, '127.0.0.1');
    assert.deepEqual(loaded.config.reminders.leadTimesMinutes, [1440, 120]);
    assert.equal(loaded.sources['log.level'], 'default');
    assert.equal(loaded.problems.length, 0);
  });

  it('ranks environment over .env over settings over defaults', () => {
    const settings = { log: { level: 'warn' }, webhooks: { port: 9000 }, reminders: { followUpDelayMinutes: 5 } };
    const dotenvText = 'LC_WEBHOOK_PORT=9100\nLC_LOG_LEVEL=debug\n';
    const env = { LC_LOG_LEVEL: 'error' };
    const loaded = loadConfiguration({ settings, dotenvText, env });
    assert.equal(loaded.config.log.level, 'error');
    assert.equal(loaded.sources['log.level'], 'environment');
    assert.equal(loaded.config.webhooks.port, 9100);
    assert.equal(loaded.sources['webhooks.port'], '.env');
    assert.equal(loaded.config.reminders.followUpDelayMinutes, 5);
    assert.equal(loaded.sources['reminders.followUpDelayMinutes'], 'settings');
    assert.equal(loaded.sources['webhooks.bindAddress'], 'default');
  });

  it('applies profile env vars to the active profile and records their source', () => {
    const settings = {
      activeProfile: 'practice',
      profiles: [
        { name: 'practice', tenantId: TENANT, clientId: CLIENT, dataverseUrl: 'https://contoso.crm.dynamics.com/' },
      ],
    };
    const loaded = loadConfiguration({ settings, env: { LC_MAILBOX: 'dr.morgan@contoso.com' } });
    assert.equal(loaded.activeProfile?.mailbox, 'dr.morgan@contoso.com');
    assert.equal(loaded.activeProfile?.dataverseUrl, 'https://contoso.crm.dynamics.com');
    assert.equal(loaded.sources['profiles.practice.mailbox'], 'environment');
    assert.equal(loaded.sources['profiles.practice.tenantId'], 'settings');
    assert.equal(loaded.sources['profiles.practice.graphUrl'], 'default');
  });

  it('creates the active profile from env vars alone (the CLI on a sandbox)', () => {
    const env = {
      LC_PROFILE: 'sandbox',
      LC_TENANT_ID: TENANT,
      LC_CLIENT_ID: CLIENT,
      LC_PROFILE_KIND: 'sandbox',
      LC_AUTO_SEND: 'true',
    };
    const loaded = loadConfiguration({ env });
    assert.equal(loaded.activeProfile?.name, 'sandbox');
    assert.equal(loaded.activeProfile?.kind, 'sandbox');
    assert.equal(loaded.activeProfile?.autoSend, true);
  });

  it('names key, layer and expectation for a bad setting, and keeps the rest', () => {
    const loaded = loadConfiguration({ settings: { log: { level: 'verbose' }, webhooks: { port: 9000 } } });
    assert.equal(loaded.problems.length, 1);
    const [problem] = loaded.problems;
    assert.equal(problem.key, 'lifeCockpit.log.level');
    assert.equal(problem.layer, 'settings');
    assert.match(problem.message, /trace, debug, info, warn, error/);
    assert.match(problem.message, /"verbose"/);
    assert.equal(loaded.config.log.level, 'info', 'falls back to the default');
    assert.equal(loaded.config.webhooks.port, 9000, 'other values survive');
  });

  it('names the env var when an environment value is bad', () => {
    const loaded = loadConfiguration({ env: { LC_WEBHOOK_PORT: 'eighty' } });
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0].key, 'LC_WEBHOOK_PORT (lifeCockpit.webhooks.port)');
    assert.equal(loaded.problems[0].layer, 'environment');
    assert.equal(loaded.config.webhooks.port, 8787);
  });

  it('drops only the bad field of a profile and says which profile', () => {
    const settings = { activeProfile: 'p', profiles: [{ name: 'p', tenantId: TENANT, clientId: 'not-a-guid' }] };
    const loaded = loadConfiguration({ settings });
    assert.equal(loaded.problems[0].key, 'lifeCockpit.profiles[p].clientId');
    assert.match(loaded.problems[0].message, /application \(client\) id/);
    assert.equal(loaded.activeProfile?.tenantId, TENANT);
    assert.equal(loaded.activeProfile?.clientId, undefined);
  });

  it('renders every value with its source and never a secret value', () => {
    const loaded = loadConfiguration({ env: { LC_LOG_LEVEL: 'debug' } });
    const text = renderConfiguration(loaded, [{ name: 'clientSecret', store: 'LC_CLIENT_SECRET', isSet: true }]);
    assert.match(text, /log\.level\s+"debug"\s+\[environment\]/);
    assert.match(text, /secrets\.clientSecret\s+"\*{8} \(LC_CLIENT_SECRET\)"/);
  });

  it('merges table overrides over the practice defaults', () => {
    const tables = resolveTables({ session: { entitySet: 'cr123_sessions', columns: { fee: 'cr123_price' } } });
    assert.equal(tables.session.entitySet, 'cr123_sessions');
    assert.equal(tables.session.columns.fee, 'cr123_price');
    assert.equal(tables.session.columns.start, DEFAULT_TABLES.session.columns.start);
    assert.equal(DEFAULT_TABLES.session.entitySet, 'appointments', 'defaults stay untouched');
  });
});

describe('LC_TABLES', () => {
  it('reads the practice’s table mapping as JSON, and names the variable when it is not', () => {
    const read = loadConfiguration({ env: { LC_TABLES: '{"session":{"entitySet":"cr123_sessions"}}' } });
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.config.tables, { session: { entitySet: 'cr123_sessions' } });
    const broken = loadConfiguration({ env: { LC_TABLES: '{session: cr123}' } });
    assert.equal(broken.problems.length, 1);
    assert.match(broken.problems[0].key, /LC_TABLES/);
    assert.deepEqual(broken.config.tables, {});
  });
});
