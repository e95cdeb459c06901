// Every effect writes exactly one audit line (issue 14, item 4): who, which profile, what, which record
// and the outcome, redacted like every other record, and on failure the error's class and code.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actorOf, auditEffect, JsonLinesFileSink, LogHub } from '../../../src/core/log';

function auditFile(): { hub: LogHub; dir: string; lines(): Array<Record<string, unknown>> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-audit-'));
  const hub = new LogHub({ level: 'error' });
  hub.addSink(
    new JsonLinesFileSink({
      directory: dir,
      fileName: 'audit.jsonl',
      maxSizeBytes: 1 << 20,
      maxFiles: 2,
      categories: ['audit'],
    }),
  );
  const lines = () =>
    fs
      .readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { fields: Record<string, unknown> }).fields);
  return { hub, dir, lines };
}

describe('auditEffect', () => {
  it('writes one line naming who, profile, what, which record and success, with what the effect made', async () => {
    const { hub, dir, lines } = auditFile();
    const id = await auditEffect(
      hub.audit(),
      { actor: 'app aaaa', profile: 'sandbox', action: 'dataverse.create', target: 'contacts' },
      async () => '7d577253-3ef0-4a0a-bb7f-8335c2596e70',
      (created) => ({ target: `contacts(${created})` }),
    );
    assert.equal(id, '7d577253-3ef0-4a0a-bb7f-8335c2596e70');
    await hub.dispose();
    assert.deepEqual(lines(), [
      {
        actor: 'app aaaa',
        profile: 'sandbox',
        action: 'dataverse.create',
        target: 'contacts(7d577253-3ef0-4a0a-bb7f-8335c2596e70)',
        outcome: 'succeeded',
      },
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes one failed line with the error class and code, and rethrows the error unchanged', async () => {
    const { hub, dir, lines } = auditFile();
    hub.addSecret('canary-secret-in-an-error');
    const failure = Object.assign(new Error('409 from the server, secret canary-secret-in-an-error'), {
      errorClass: 'conflict',
      code: 'dataverse.preconditionFailed',
    });
    await assert.rejects(
      auditEffect(
        hub.audit(),
        { actor: 'dr.morgan@contoso.com', profile: 'practice', action: 'dataverse.update', target: 'contacts(1)' },
        () => Promise.reject(failure),
      ),
      (error) => error === failure,
    );
    await hub.dispose();
    const [line] = lines();
    assert.equal(lines().length, 1);
    assert.equal(line.outcome, 'failed');
    assert.deepEqual(line.detail, {
      error: {
        class: 'conflict',
        code: 'dataverse.preconditionFailed',
        message: '409 from the server, secret [redacted]',
      },
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps note text and bodies out of the audit line', async () => {
    const { hub, dir } = auditFile();
    await auditEffect(
      hub.audit(),
      {
        actor: 'app',
        profile: 'sandbox',
        action: 'dataverse.note',
        target: 'contacts(1)',
        detail: { subject: 'Call', text: 'canary clinical detail' },
      },
      async () => 'note-1',
    );
    await hub.dispose();
    const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    assert.ok(!text.includes('canary clinical detail'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('actorOf', () => {
  it('names the signed-in user, else the app by its client id', () => {
    assert.equal(actorOf({ userName: 'dr.morgan@contoso.com', clientId: 'aaaa' }), 'dr.morgan@contoso.com');
    assert.equal(actorOf({ clientId: 'aaaa' }), 'app aaaa');
    assert.equal(actorOf(undefined), 'app (unknown)');
  });
});
