// A bad configuration value stops `lc` before anything runs (issue 14, item 3): exit 10 naming the key,
// the layer and what was expected; doctor and config show still report instead of refusing; a value
// that was given but rejected is called rejected, not "not set"; a missing CA file is a configuration
// error naming LC_CA_FILE, not "Unexpected failure: ENOENT"; an empty variable clears a lower layer.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { dirWithDotenv, jsonError, lcProcess } from './lcProcess';

describe('lc: invalid configuration', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let env: Record<string, string>;

  async function contactCount(): Promise<number> {
    const run = await lcProcess(['--json', 'dv', 'query', 'contacts', '--all', '--select', 'contactid'], { env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    return run.stdout.trim().split('\n').length;
  }

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-configuration', clients: 3 });
    env = sandbox.info.env;
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('refuses to write when LC_LOG_LEVEL is invalid: exit 10 naming key, layer and expectation', async () => {
    const before = await contactCount();
    const run = await lcProcess(['--json', '--yes', 'dv', 'create', 'contacts', '--data', '{"lastname":"Loud"}'], {
      env: { ...env, LC_LOG_LEVEL: 'loud' },
    });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    const error = jsonError(run);
    assert.equal(error.class, 'validation');
    assert.match(
      error.message,
      /LC_LOG_LEVEL \(lifeCockpit\.log\.level\) \(from environment\): expected one of trace, debug, info, warn, error; got "loud"/,
    );
    assert.equal(await contactCount(), before, 'nothing was created');
  });

  it('refuses a bad value from .env too, for a read-only verb', async () => {
    const cwd = dirWithDotenv({ LC_WEBHOOK_PORT: 'eighty' });
    const run = await lcProcess(['auth', 'status'], { env, cwd });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    assert.match(run.stderr, /LC_WEBHOOK_PORT \(lifeCockpit\.webhooks\.port\) \(from \.env\): expected number/);
  });

  it('exits 10 naming LC_CA_FILE when the CA file is missing, not an unexpected ENOENT', async () => {
    const missing = path.join(path.dirname(sandbox.info.caFile), 'gone', 'sandbox-ca.pem');
    const run = await lcProcess(['--json', 'auth', 'login'], { env: { ...env, LC_CA_FILE: missing } });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    const error = jsonError(run);
    assert.doesNotMatch(error.message, /Unexpected failure|ENOENT:/);
    assert.match(error.message, /LC_CA_FILE \(lifeCockpit\.profiles\[sandbox\]\.caFile\) \(from environment\)/);
    assert.match(error.message, /expected a readable file/);
  });

  it('takes an empty variable as clearing what .env set', async () => {
    const cwd = dirWithDotenv({ LC_LOG_LEVEL: 'loud' });
    const run = await lcProcess(['--json', 'auth', 'status'], { env: { ...env, LC_LOG_LEVEL: '' }, cwd });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  it('still lets doctor report, calling a rejected value rejected rather than not set', async () => {
    const run = await lcProcess(['doctor'], { env: { ...env, LC_DATAVERSE_URL: 'http://contoso.crm.dynamics.com' } });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    assert.match(run.stdout, /FAIL\s+configuration: LC_DATAVERSE_URL/);
    assert.match(
      run.stdout,
      /FAIL\s+dataverseUrl: rejected: LC_DATAVERSE_URL \(lifeCockpit\.profiles\[sandbox\]\.dataverseUrl\) \(from environment\): expected an https:\/\/ URL/,
    );
    assert.doesNotMatch(run.stdout, /dataverseUrl: not set/);
  });

  it('still shows the configuration with its problems', async () => {
    const run = await lcProcess(['config', 'show'], { env: { ...env, LC_LOG_LEVEL: 'loud' } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /LC_LOG_LEVEL \(lifeCockpit\.log\.level\) \(from environment\)/);
  });
});
