// How `lc` talks: with --json one JSON document (or NDJSON for streams) on stdout and nothing else
// there; human text on stdout for results and stderr for progress; errors mapped once to the exit
// codes and JSON error shape fixed by ../shared/INTERFACES.md §3.
import * as readline from 'node:readline/promises';
import { exitCodeFor, PolicyError, toLifeCockpitError } from '../core/errors';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface GlobalOptions {
  json?: boolean;
  yes?: boolean;
  profile?: string;
  verbose?: boolean;
}

export class CliOutput {
  constructor(
    readonly io: CliIo,
    readonly options: GlobalOptions,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  /** Prints a verb's result: the JSON document, or the human text. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(JSON.stringify(value) + '\n');
    else this.io.stdout.write(ensureNewline(human()));
  }

  /** One object a line, for streaming verbs with --json. */
  ndjson(value: unknown): void {
    this.io.stdout.write(JSON.stringify(value) + '\n');
  }

  /** Progress and notes for people: stderr, and only when stderr is a terminal or --verbose. */
  note(text: string): void {
    if (this.io.stderr.isTTY || this.options.verbose) this.io.stderr.write(ensureNewline(text));
  }

  /** Something the user should know before the verb's result, whatever stderr is: always on stderr. */
  warning(text: string): void {
    this.io.stderr.write(`lc: warning: ${ensureNewline(text)}`);
  }

  /** Reports a failure and returns the exit code for it. */
  failure(error: unknown): number {
    const e = toLifeCockpitError(error);
    if (this.json) {
      this.io.stdout.write(
        JSON.stringify({ error: { class: e.errorClass, code: e.code, message: e.message, retriable: e.retriable } }) +
          '\n',
      );
    } else {
      this.io.stderr.write(`lc: ${e.message}\n`);
    }
    return exitCodeFor(e);
  }

  /**
   * Effects ask on a terminal; `--yes` confirms; with no terminal and no `--yes` the verb stops
   * with a policy error (exit 11) and does nothing.
   */
  async confirm(question: string): Promise<void> {
    if (this.options.yes) return;
    if (!this.io.stdin.isTTY || !this.io.stderr.isTTY) {
      throw new PolicyError(`${question} Not confirmed: run it on a terminal, or pass --yes.`, {
        code: 'policy.confirmationRequired',
      });
    }
    const rl = readline.createInterface({ input: this.io.stdin, output: this.io.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim()))
        throw new PolicyError('Not confirmed; nothing was done.', { code: 'policy.declined' });
    } finally {
      rl.close();
    }
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}
