// The one logger: levels, categories, sinks. Every record passes through redaction before any sink
// sees it. Hand-written because it is small and must redact centrally; file rotation, the part worth
// a library, comes from rotating-file-stream (fileSinks.ts).
import { systemClock, type Clock } from '../clock';
import { redactString, redactValue } from './redact';
import type { AuditEntry, AuditLog, LogCategory, LogFields, Logger, LogLevel } from './types';

export interface LogRecord {
  time: string;
  level: LogLevel;
  category: LogCategory;
  message: string;
  fields?: LogFields;
}

export interface LogSink {
  /** The lowest level this sink wants; records below it are never built for it. */
  readonly minLevel?: LogLevel;
  write(record: LogRecord): void;
  dispose?(): void | Promise<void>;
}

export const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

export interface LogHubOptions {
  level?: LogLevel;
  clock?: Clock;
}

/**
 * Owns the sinks and the known secrets. Secrets learned at run time (a client secret typed into a
 * prompt, a token) are registered with `addSecret` so even free text that contains them is masked.
 */
export class LogHub {
  private readonly sinks: LogSink[] = [];
  private readonly secrets = new Set<string>();
  private level: LogLevel;
  private readonly clock: Clock;

  constructor(options: LogHubOptions = {}) {
    this.level = options.level ?? 'info';
    this.clock = options.clock ?? systemClock;
  }

  addSink(sink: LogSink): { dispose(): void } {
    this.sinks.push(sink);
    return { dispose: () => void this.sinks.splice(this.sinks.indexOf(sink) >>> 0, 1) };
  }

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  logger(category: LogCategory): Logger {
    const log = (level: LogLevel) => (message: string, fields?: LogFields) =>
      this.emit(level, category, message, fields);
    return {
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (other) => this.logger(other),
    };
  }

  audit(): AuditLog {
    return {
      record: (entry: AuditEntry) => this.emit('info', 'audit', `${entry.action} ${entry.outcome}`, { ...entry }),
    };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sinks.splice(0).map((s) => s.dispose?.()));
  }

  private emit(level: LogLevel, category: LogCategory, message: string, fields?: LogFields): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.level] && category !== 'audit') return;
    const wanted = this.sinks.filter((s) => LEVEL_ORDER[level] >= LEVEL_ORDER[s.minLevel ?? 'trace']);
    if (wanted.length === 0) return;
    const secrets = [...this.secrets];
    const record: LogRecord = {
      time: new Date(this.clock.now()).toISOString(),
      level,
      category,
      message: redactString(message, secrets),
      ...(fields ? { fields: redactValue(fields, secrets) as LogFields } : {}),
    };
    for (const sink of wanted) {
      try {
        sink.write(record);
      } catch (error) {
        // A broken sink must not break the caller; report on stderr once per failure.
        process.stderr.write(`life-cockpit: log sink failed: ${String(error)}\n`);
      }
    }
  }
}

/** One line for people: `[category] message key=value …`. */
export function formatHuman(record: LogRecord): string {
  const fields = record.fields
    ? Object.entries(record.fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ')
    : '';
  return `[${record.category}] ${record.message}${fields ? ' ' + fields : ''}`;
}
