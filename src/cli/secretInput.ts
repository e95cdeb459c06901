// Reads a secret without putting it in argv (where `ps` and shell history would keep it): the whole of
// stdin for `--secret-stdin`, or a line typed on the terminal with nothing echoed.
import * as readline from 'node:readline/promises';
import { Writable } from 'node:stream';
import { CancelledError, ValidationError } from '../core/errors';
import type { CliIo } from './output';

/** stdin to its end, without the line break a pipe or here-string adds. */
export async function readSecretFromStdin(stdin: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return nonEmpty(Buffer.concat(chunks).toString('utf8'));
}

/** Asks on stderr and reads one line from the terminal, echoing nothing; Ctrl-C cancels. */
export async function promptForSecret(io: CliIo, question: string): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = readline.createInterface({ input: io.stdin, output: silent, terminal: true });
  const cancel = new AbortController();
  rl.on('SIGINT', () => cancel.abort());
  io.stderr.write(question);
  try {
    return nonEmpty(await rl.question('', { signal: cancel.signal }));
  } catch (error) {
    if (cancel.signal.aborted) throw new CancelledError('Cancelled; nothing was stored.');
    throw error;
  } finally {
    rl.close();
    io.stderr.write('\n');
  }
}

function nonEmpty(text: string): string {
  const secret = text.trim();
  if (!secret) throw new ValidationError('No secret was given: the input was empty.', { code: 'auth.emptySecret' });
  return secret;
}
