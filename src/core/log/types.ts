// The logger's surface as every other module sees it. Callers pass a message and structured fields;
// redaction happens inside the logger (see redact.ts), never at call sites.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogCategory = 'auth' | 'api' | 'business' | 'audit' | 'error' | 'config' | 'sandbox' | 'cli';

export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger writing under another category (same sinks, same redaction). */
  child(category: LogCategory): Logger;
}

/** An effect on the world (mail sent, record changed, charge made): who, what, target, outcome. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  outcome: 'succeeded' | 'failed' | 'skipped';
  correlationId?: string;
  profile?: string;
  detail?: LogFields;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** A logger that drops everything: for tests and for code paths that were handed none. */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
