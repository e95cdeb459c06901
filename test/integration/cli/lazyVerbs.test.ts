// `lc` loads a verb's module, and with it the verb's dependencies, only when argv names that verb:
// `lc --version` and `lc --help` answer from dist/cli.js alone, and each verb's help still says what the
// verb says about itself.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VERBS, verbNamed } from '../../../src/cli/main';
import { testFolder } from '../../builders/testFolders';

const dist = path.join(__dirname, '..', '..', '..', 'dist');

function run(cli: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...clean, LC_LOG_DIR: testFolder('lc-lazy-verbs-logs-') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('lc loads each verb only when it runs', function () {
  this.timeout(60_000);

  it('answers --version and --help from dist/cli.js alone, and reaches for a verb only when named', () => {
    if (!fs.existsSync(path.join(dist, 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build');
    // dist/cli.js copied without the verbs beside it: whatever it needs at start is inside it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-lazy-'));
    try {
      const alone = path.join(dir, 'cli.js');
      fs.copyFileSync(path.join(dist, 'cli.js'), alone);
      const version = run(alone, ['--version']);
      assert.equal(version.status, 0, version.stderr);
      assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
      const help = run(alone, ['--help']);
      assert.equal(help.status, 0, help.stderr);
      for (const verb of VERBS) assert.match(help.stdout, new RegExp(`^  ${verb.name} `, 'm'));
      const verbRun = run(alone, ['config', 'show']);
      assert.notEqual(verbRun.status, 0, 'config show needs its module from dist/lc/, which is missing here');
      assert.match(verbRun.stderr, /lc[\\/]config\.mjs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const real = run(path.join(dist, 'cli.js'), ['config', 'show']);
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /effective configuration/);
  });

  it('keeps the verbs out of the entry: no Stripe SDK, undici, MSAL, MCP SDK or sandbox in dist/cli.js', () => {
    const entry = fs.readFileSync(path.join(dist, 'cli.js'), 'utf8');
    assert.ok(entry.length < 150_000, `dist/cli.js is ${entry.length} bytes`);
    for (const marker of ['api.stripe.com', 'undici', 'msal', 'modelcontextprotocol', 'AADSTS7000215']) {
      assert.ok(!entry.includes(marker), `dist/cli.js holds ${marker}`);
    }
  });

  it('shows each verb as the verb describes itself, before loading it', async () => {
    // main.ts imports a verb with import(), which Node hands to its ES module loader: tsx hooks it too.
    const { register } = await import('tsx/esm/api');
    const unregister = register();
    try {
      for (const verb of VERBS) {
        const command = await verb.load();
        assert.equal(command.name(), verb.name);
        assert.equal(verb.summary, command.description(), `the summary of ${verb.name}`);
      }
    } finally {
      await unregister();
    }
  });

  it('finds the verb argv names past global options and their values', () => {
    const named = (...words: string[]) => verbNamed(['node', 'lc', ...words])?.name;
    assert.equal(named('sessions', 'list'), 'sessions');
    assert.equal(named('--json', '-p', 'sessions', 'reminders', 'status'), 'reminders');
    assert.equal(named('--profile', 'mcp', 'doctor'), 'doctor');
    assert.equal(named('--profile=work', '-y', 'stripe', 'charge'), 'stripe');
    assert.equal(named('help', 'dv'), 'dv');
    assert.equal(named('--version'), undefined);
    assert.equal(named('--help'), undefined);
    assert.equal(named('frobnicate', 'sessions'), undefined);
    assert.equal(named('--', 'sessions'), undefined);
  });
});
