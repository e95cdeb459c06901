// nodemailer's own logger, routed into ours: its bunyan-style calls (`(fields, format, ...args)`) become one
// debug line each under the api category. The password never gets there: nodemailer masks AUTH commands
// itself, and everything it says is masked again here for the password and the forms AUTH PLAIN and AUTH
// LOGIN send it in (base64), before the logger's own redaction runs.
import { format } from 'node:util';
import { REDACTED, redactString, type Logger } from '../../log';

type LogMethod = (...args: unknown[]) => void;
export type NodemailerLogger = Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', LogMethod>;

/** The password as it may appear on the wire: plain, base64 (AUTH LOGIN), and inside AUTH PLAIN's token. */
export function smtpSecretForms(user: string, password: string): string[] {
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  return [password, b64(password), b64(`\u0000${user}\u0000${password}`), b64(`${user}\u0000${user}\u0000${password}`)];
}

/** Masks the given secrets (the logger's own list ignores ones shorter than 6 characters), then the usual patterns. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return redactString(out);
}

export function nodemailerLogger(log: Logger, secrets: readonly string[], host: string): NodemailerLogger {
  const line =
    (level: 'debug' | 'warn'): LogMethod =>
    (...args) => {
      const [first, ...rest] = args;
      const hasFields = typeof first === 'object' && first !== null && !(first instanceof Error);
      const text = hasFields
        ? format(...(rest as [string, ...unknown[]]))
        : format(...(args as [string, ...unknown[]]));
      const fields = hasFields ? (first as Record<string, unknown>) : {};
      log[level](`smtp: ${maskSecrets(text, secrets)}`, {
        host,
        ...(typeof fields.tnx === 'string' ? { tnx: fields.tnx } : {}),
        ...(typeof fields.cid === 'string' || typeof fields.cid === 'number' ? { connection: fields.cid } : {}),
      });
    };
  return {
    trace: line('debug'),
    debug: line('debug'),
    info: line('debug'),
    warn: line('warn'),
    error: line('warn'),
    fatal: line('warn'),
  };
}
