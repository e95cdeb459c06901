// The human log sink: a LogOutputChannel. It receives every record and the channel's own level
// (chosen by the user in the Output view) decides what is shown, as VS Code's log channels do.
import * as vscode from 'vscode';
import { formatHuman, type LogRecord, type LogSink } from '../core/log';

export class OutputChannelSink implements LogSink {
  constructor(private readonly channel: vscode.LogOutputChannel) {}

  write(record: LogRecord): void {
    const line = formatHuman(record);
    switch (record.level) {
      case 'trace':
        this.channel.trace(line);
        break;
      case 'debug':
        this.channel.debug(line);
        break;
      case 'info':
        this.channel.info(line);
        break;
      case 'warn':
        this.channel.warn(line);
        break;
      case 'error':
        this.channel.error(line);
        break;
    }
  }
}
