// The env lines `lc sandbox --write-env` writes: a POSIX shell that sources them gets each value back
// exactly, whatever it holds (quotes, spaces, `$`), and runs nothing from it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { envLines } from '../../../src/cli/commands/sandbox';

describe('sandbox env lines', () => {
  it('gives a shell every value back exactly, a quote, a space or $( ) included, running none of it', () => {
    const env = { LC_PLAIN: 'lcsbx~abc.def', LC_HOSTILE: `it's $(touch /nonexistent/x) "quoted" \`tick\`` };
    const script = `${envLines(env)}printf '%s\\n%s' "$LC_PLAIN" "$LC_HOSTILE"`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    assert.equal(out, `${env.LC_PLAIN}\n${env.LC_HOSTILE}`);
  });
});
