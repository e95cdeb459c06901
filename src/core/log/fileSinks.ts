// JSON-lines sinks on disk: the machine log and the audit log, each rotated by size through
// rotating-file-stream (a well-kept library; it bundles cleanly with esbuild).
import * as path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { LogRecord, LogSink } from './logger';
import type { LogLevel } from './types';

export interface FileSinkOptions {
  directory: string;
  fileName: string;
  maxSizeBytes: number;
  maxFiles: number;
  minLevel?: LogLevel;
  /** Only records of these categories (the audit file takes only `audit`). */
  categories?: readonly string[];
}

export class JsonLinesFileSink implements LogSink {
  readonly minLevel: LogLevel | undefined;
  private readonly stream: RotatingFileStream;
  private readonly categories: ReadonlySet<string> | undefined;

  constructor(options: FileSinkOptions) {
    this.minLevel = options.minLevel;
    this.categories = options.categories ? new Set(options.categories) : undefined;
    this.stream = createStream(rotatedName(options.fileName), {
      path: options.directory,
      size: `${Math.max(1, Math.ceil(options.maxSizeBytes / 1024))}K`,
      maxFiles: options.maxFiles,
      mode: 0o600,
    });
    this.stream.on('error', (error) =>
      process.stderr.write(
        `life-cockpit: log file ${path.join(options.directory, options.fileName)}: ${String(error)}\n`,
      ),
    );
  }

  write(record: LogRecord): void {
    if (this.categories && !this.categories.has(record.category)) return;
    this.stream.write(JSON.stringify(record) + '\n');
  }

  /** Resolves once everything written so far is on disk. */
  dispose(): Promise<void> {
    return new Promise((resolve) => {
      this.stream.end(() => resolve());
    });
  }
}

/** `lc.jsonl` → `lc.jsonl`, `lc.1.jsonl`, `lc.2.jsonl` … (the newest rotated file is 1). */
function rotatedName(fileName: string): (time: number | Date | null, index?: number) => string {
  const ext = path.extname(fileName);
  const base = fileName.slice(0, fileName.length - ext.length);
  return (time, index) => (time === null || !index ? fileName : `${base}.${index}${ext}`);
}
