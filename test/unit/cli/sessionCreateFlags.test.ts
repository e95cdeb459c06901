import { strict as assert } from 'node:assert';
import { newSessionFlags } from '../../../src/cli/commands/sessionCreate';

describe('lc sessions new --start', () => {
  const parse = (start: string) => newSessionFlags.safeParse({ client: 'a@b.example', start });

  it('takes the instants lc prints itself (lc sessions list --json: milliseconds and Z)', () => {
    const parsed = parse('2026-12-03T09:00:00.000Z');
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(parsed.data.start.toISOString(), '2026-12-03T09:00:00.000Z');
  });

  it('takes local times with or without seconds, and zones', () => {
    for (const text of ['2026-12-03T10:00', '2026-12-03 10:00', '2026-12-03T10:00:30', '2026-12-03T10:00+01:00'])
      assert.ok(parse(text).success, text);
  });

  it('refuses words, dates without a time and impossible dates', () => {
    for (const text of ['tomorrow', '2026-12-03', '2026-13-45T10:00', '2026-12-03T10:00:00.Z'])
      assert.equal(parse(text).success, false, text);
  });
});
