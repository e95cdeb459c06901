// Runs the built `lc` on a real terminal: a pseudo-terminal from util-linux's `script`, so stdin and stderr are
// TTYs and effects ask their question. The answer is typed once the question ends in "[y/N]"; a test may act
// first (another window changing the record while the question is open) and then answer.
import { execFileSync, spawn } from 'node:child_process';
import { testFolder } from '../../builders/testFolders';
import { cliPath } from './lcProcess';

/** Whether `script` (util-linux) is there to give `lc` a terminal. */
export function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed: the question, the answer's echo, stdout and stderr mixed. */
  screen: string;
}

/**
 * Runs `lc args` on a pseudo-terminal with `env` (and no LC_* from the test runner) and types the answer at its
 * question: `answer` itself, or what `answer(screen)` resolves to once it has done what it does meanwhile.
 */
export function onTerminal(
  env: Record<string, string>,
  args: string[],
  answer: string | ((screen: string) => Promise<string>),
): Promise<TerminalRun> {
  const logDir = testFolder('lc-cli-logs-');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    // -e: script exits with lc's code; -q: no banner; the typescript file is thrown away.
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...clean, ...env, LC_LOG_DIR: logDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let asked = false;
    let failed: unknown;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (asked || !screen.includes('[y/N]')) return;
      asked = true;
      const typed = typeof answer === 'string' ? Promise.resolve(answer) : answer(screen);
      typed.then(
        (text) => child.stdin.write(text),
        (error: unknown) => {
          failed = error;
          child.stdin.write('\x03');
        },
      );
    });
    child.on('error', reject);
    child.on('close', (code) => (failed ? reject(failed) : resolve({ code, screen })));
  });
}
