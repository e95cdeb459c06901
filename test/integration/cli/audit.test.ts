// `lc dv` writes one audit line per effect to audit.jsonl (issue 14, item 4): create, update, delete and
// note, each naming who (the app), the profile, the action, the record and the outcome; a write the
// service refused is audited as failed; reads write nothing there.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { lcProcess } from './lcProcess';

interface AuditLine {
  actor: string;
  profile: string;
  action: string;
  target: string;
  outcome: string;
  detail?: { error?: { class: string } };
}

describe('lc: the audit log', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let logDir: string;

  const lc = async (...args: string[]) => {
    const run = await lcProcess(['--json', ...args], { env: sandbox.info.env, logDir });
    return { ...run, doc: run.stdout ? (JSON.parse(run.stdout.trim().split('\n')[0]) as Record<string, string>) : {} };
  };
  const audit = (): AuditLine[] => {
    const file = path.join(logDir, 'audit.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { fields: AuditLine }).fields);
  };

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'cli-audit', clients: 3 });
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-audit-'));
  });
  after(async () => {
    await sandbox?.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it('writes one line for each of create, update, note and delete, and none for reads', async () => {
    const created = await lc('--yes', 'dv', 'create', 'contacts', '--data', '{"lastname":"Audited"}');
    assert.equal(created.code, 0, created.stderr + created.stdout);
    const id = created.doc.id;
    const target = `contacts(${id})`;
    assert.equal((await lc('dv', 'get', 'contacts', id)).code, 0);
    assert.equal((await lc('--yes', 'dv', 'update', 'contacts', id, '--data', '{"firstname":"A"}')).code, 0);
    assert.equal(
      (await lc('--yes', 'dv', 'note', 'contacts', id, '--subject', 'Call', '--text', 'canary clinical text')).code,
      0,
    );
    assert.equal((await lc('--yes', 'dv', 'delete', 'contacts', id)).code, 0);
    const lines = audit();
    const app = `app ${sandbox.info.clientId}`;
    assert.deepEqual(
      lines.map((l) => [l.actor, l.profile, l.action, l.outcome]),
      [
        [app, 'sandbox', 'dataverse.create', 'succeeded'],
        [app, 'sandbox', 'dataverse.update', 'succeeded'],
        [app, 'sandbox', 'dataverse.note', 'succeeded'],
        [app, 'sandbox', 'dataverse.delete', 'succeeded'],
      ],
    );
    assert.deepEqual(
      lines.map((l) => l.target),
      [target, target, target, target],
    );
    const text = fs.readFileSync(path.join(logDir, 'audit.jsonl'), 'utf8');
    assert.ok(!text.includes('canary clinical text'), 'the note text stays out of the audit');
    assert.ok(!text.includes(sandbox.info.clientSecret));
  });

  it('audits a write the service refused as failed, with the error class', async () => {
    const created = await lc('--yes', 'dv', 'create', 'contacts', '--data', '{"lastname":"Stale"}');
    const id = created.doc.id;
    const before = audit().length;
    const stale = await lc(
      '--yes',
      'dv',
      'update',
      'contacts',
      id,
      '--data',
      '{"firstname":"B"}',
      '--if-match',
      'W/"1"',
    );
    assert.equal(stale.code, 14, stale.stderr + stale.stdout);
    const lines = audit().slice(before);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].action, 'dataverse.update');
    assert.equal(lines[0].target, `contacts(${id})`);
    assert.equal(lines[0].outcome, 'failed');
    assert.equal(lines[0].detail?.error?.class, 'conflict');
  });
});
