// The editor's logging: the "Life Cockpit" LogOutputChannel for people (its own level, chosen in the
// Output view, decides what it shows) and two JSON-lines files in the extension's log folder, the log
// and the audit, which follow `lifeCockpit.log.level`, `.fileMaxSizeMb` and `.fileMaxFiles`, and are
// rebuilt when those settings change.
import * as vscode from 'vscode';
import type { Configuration } from '../core/config';
import { JsonLinesFileSink, LogHub } from '../core/log';
import type { EditorConfigSource } from './configSource';
import { Disposable } from './lifecycle';
import { OutputChannelSink } from './outputChannelSink';

type LogSettings = Configuration['log'];

export class EditorLog extends Disposable {
  private readonly channel = this.register(vscode.window.createOutputChannel('Life Cockpit', { log: true }));
  readonly hub = new LogHub({ level: 'trace' });
  private files: { settings: string; sinks: JsonLinesFileSink[]; added: Array<{ dispose(): void }> } | undefined;

  constructor(private readonly directory: string) {
    super();
    this.hub.addSink(new OutputChannelSink(this.channel));
    this.register({ dispose: () => void this.closeFiles().then(() => this.hub.dispose()) });
  }

  /** Writes the files as the settings say, now and whenever they change. */
  follow(config: EditorConfigSource): void {
    this.applyFileSettings(config.loaded.config.log);
    this.register(config.onDidChange((next) => this.applyFileSettings(next.config.log)));
  }

  show(): void {
    this.channel.show(true);
  }

  private applyFileSettings(log: LogSettings): void {
    const settings = JSON.stringify(log);
    if (this.files?.settings === settings) return;
    void this.closeFiles();
    const rotation = { directory: this.directory, maxSizeBytes: log.fileMaxSizeMb << 20, maxFiles: log.fileMaxFiles };
    const sinks = [
      new JsonLinesFileSink({ ...rotation, fileName: 'life-cockpit.jsonl', minLevel: log.level }),
      new JsonLinesFileSink({ ...rotation, fileName: 'audit.jsonl', categories: ['audit'] }),
    ];
    this.files = { settings, sinks, added: sinks.map((sink) => this.hub.addSink(sink)) };
  }

  private async closeFiles(): Promise<void> {
    const files = this.files;
    this.files = undefined;
    if (!files) return;
    for (const added of files.added) added.dispose();
    await Promise.all(files.sinks.map((sink) => sink.dispose()));
  }
}
