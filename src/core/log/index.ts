// Public surface of the logging module.
export * from './types';
export { LogHub, formatHuman, LEVEL_ORDER, type LogRecord, type LogSink } from './logger';
export { JsonLinesFileSink, type FileSinkOptions } from './fileSinks';
export { redactString, redactUrlUserinfo, redactValue, REDACTED } from './redact';
export { auditEffect, actorOf, type Effect, type EffectResult } from './audit';
