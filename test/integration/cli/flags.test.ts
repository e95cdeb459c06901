// Command-line flags are read through zod (issue 12, "zod at the edges"): a bad flag is a usage error,
// exit 10, that names the flag and what was expected, before anything connects.
import { strict as assert } from 'node:assert';
import { jsonError, lcProcess } from './lcProcess';

const env = {
  LC_PROFILE: 'sandbox',
  LC_PROFILE_KIND: 'sandbox',
  LC_TENANT_ID: '11111111-2222-3333-4444-555555555555',
  LC_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  LC_CLIENT_SECRET: 'flag-test-secret',
  LC_DATAVERSE_URL: 'https://127.0.0.1:9/dataverse',
};

describe('lc: flags', function () {
  this.timeout(60_000);

  it('rejects a --profile that cannot be a profile name, naming the flag', async () => {
    const run = await lcProcess(['--json', '--profile', 'a b', 'auth', 'status'], { env });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    assert.match(jsonError(run).message, /--profile: a short name of letters, digits/);
  });

  it('rejects an empty --select before connecting', async () => {
    const run = await lcProcess(['dv', 'query', 'contacts', '--select', ' , '], { env });
    assert.equal(run.code, 10, run.stdout + run.stderr);
    assert.match(run.stderr, /--select.*expected one or more names, comma-separated/);
  });

  it('rejects a bad number with what was expected', async () => {
    const top = await lcProcess(['dv', 'query', 'contacts', '--top', '0'], { env });
    assert.equal(top.code, 10);
    assert.match(top.stderr, /--top.*expected a whole number of at least 1/);
    const timeout = await lcProcess(['doctor', '--timeout', 'soon'], { env });
    assert.equal(timeout.code, 10);
    assert.match(timeout.stderr, /--timeout.*expected a number of seconds/);
    const port = await lcProcess(['sandbox', '--port', '70000'], { env });
    assert.equal(port.code, 10);
    assert.match(port.stderr, /--port.*expected a whole number from 0 to 65535/);
  });
});
