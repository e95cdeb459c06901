// How `lc` talks: with --json one JSON document (or NDJSON for streams) on stdout and nothing else
// there; human text on stdout for results and stderr for progress; errors mapped once to the exit
// codes and JSON error shape fixed by ../shared/INTERFACES.md §3. Streams wait for a slow reader
// (backpressure), and a reader that leaves (`| head`) ends the verb quietly, as Unix tools do.
import * as readline from 'node:readline/promises';
import { exitCodeFor, PolicyError, toLifeCockpitError } from '../core/errors';
import { redactString, redactUrlUserinfo } from '../core/log';

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

/** Thrown by a streaming write once the reader has closed stdout: the verb stops, and lc exits 0. */
export class ReaderGone extends Error {
  constructor() {
    super('stdout was closed by its reader');
    this.name = 'ReaderGone';
  }
}

export class CliOutput {
  private stdoutClosed = false;
  private waitedForReader = false;

  constructor(
    readonly io: CliIo,
    readonly options: GlobalOptions,
    /** Told once when a stream first waits for its reader (the debug log). */
    private readonly onWait: () => void = () => undefined,
  ) {
    // EPIPE (the reader left) arrives as an 'error' event on stdout; without a listener it would
    // crash the process with a stack trace.
    io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.stdoutClosed = true;
      else throw error;
    });
  }

  /** Whether the reader of stdout has gone (a closed pipe): nothing more can be said there. */
  get readerGone(): boolean {
    return this.stdoutClosed;
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** Prints a verb's result: the JSON document, or the human text. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(JSON.stringify(value) + '\n');
    else this.io.stdout.write(ensureNewline(human()));
  }

  /** One object a line, for streaming verbs with --json; waits while the reader is behind. */
  ndjson(value: unknown): Promise<void> {
    return this.line(JSON.stringify(value));
  }

  /**
   * Writes one line of a stream and, when stdout's buffer is full, waits until the reader has taken
   * it (drain), so memory stays flat whatever the reader's pace. Throws ReaderGone once the pipe closed.
   */
  async line(text: string): Promise<void> {
    const stdout = this.io.stdout;
    if (this.stdoutClosed) throw new ReaderGone();
    if (stdout.write(ensureNewline(text))) return;
    if (!this.waitedForReader) {
      this.waitedForReader = true;
      this.onWait();
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stdout.off('drain', done);
        stdout.off('close', done);
        stdout.off('error', done);
        resolve();
      };
      stdout.on('drain', done);
      stdout.on('close', done);
      stdout.on('error', done);
    });
    if (this.stdoutClosed) throw new ReaderGone();
  }

  /** Progress and notes for people: stderr, and only when stderr is a terminal or --verbose. */
  note(text: string): void {
    if (this.io.stderr.isTTY || this.options.verbose) this.io.stderr.write(ensureNewline(redactUrlUserinfo(text)));
  }

  /** Something the user should know before the verb's result, whatever stderr is: always on stderr. */
  warning(text: string): void {
    this.io.stderr.write(`lc: warning: ${ensureNewline(text)}`);
  }

  /** Reports a failure and returns the exit code for it. */
  failure(error: unknown): number {
    const e = toLifeCockpitError(error);
    // A message may quote input or a service's answer: masked as the logs are.
    const message = redactString(e.message);
    if (this.json && !this.stdoutClosed) {
      this.io.stdout.write(
        JSON.stringify({ error: { class: e.errorClass, code: e.code, message, retriable: e.retriable } }) + '\n',
      );
    } else {
      this.io.stderr.write(`lc: ${message}\n`);
    }
    return exitCodeFor(e);
  }

  /**
   * Effects ask on a terminal; `--yes` confirms; with no terminal and no `--yes` the verb stops
   * with a policy error (exit 11) and does nothing.
   */
  async confirm(question: string, signal?: AbortSignal): Promise<void> {
    if (this.options.yes) return;
    if (!this.io.stdin.isTTY || !this.io.stderr.isTTY) {
      throw new PolicyError(`${question} Not confirmed: run it on a terminal, or pass --yes.`, {
        code: 'policy.confirmationRequired',
      });
    }
    const rl = readline.createInterface({ input: this.io.stdin, output: this.io.stderr });
    // At the question the terminal is in raw mode, so Ctrl+C arrives as a key, not as SIGINT: raise the
    // signal, so it cancels the verb as Ctrl+C does anywhere else (exit 130), and the question with it.
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    try {
      const answer = await rl.question(`${question} [y/N] `, signal ? { signal } : {});
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
