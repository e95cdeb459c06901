// Documents whose save writes a record back (a reminder's body, a session note): an in-memory file
// system whose files a command opens with their loaded text and a save function. A save that fails
// throws, so the editor keeps the document dirty with every edit and says why: nothing typed is lost. After a
// refused save, a read-only copy of the record as it is now can be compared with the document, and the
// document saved again on request.
import * as vscode from 'vscode';

export const EDITABLE_SCHEME = 'lifecockpit-edit';

interface EditableFile {
  content: Uint8Array;
  mtime: number;
  save(text: string): Promise<void>;
  /** A record's current text shown for comparison: never written. */
  readOnly?: boolean;
}

/** What saving an open document came to. */
export type SaveOutcome = 'saved' | 'notSaved' | 'clean' | 'closed';

export class EditableDocuments implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly files = new Map<string, EditableFile>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly now: () => number) {}

  /** Opens `text` as `path` (e.g. `/reminder/<id>/Ada – Reminder.html`); saving calls `save`. */
  async open(path: string, text: string, save: (text: string) => Promise<void>, language?: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: EDITABLE_SCHEME, path });
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    // An open document with unsaved edits keeps them: the user's work wins over a reload.
    if (!open?.isDirty) {
      this.files.set(uri.path, { content: new TextEncoder().encode(text), mtime: this.now(), save });
      this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    }
    let document = await vscode.workspace.openTextDocument(uri);
    if (language && document.languageId !== language)
      document = await vscode.languages.setTextDocumentLanguage(document, language);
    await vscode.window.showTextDocument(document, { preview: false });
  }

  /**
   * Opens a diff: `current` (the record as it is now), read-only, on the left; the open document at `path`,
   * still editable and saved through its own save function, on the right.
   */
  async compare(path: string, current: string, title: string): Promise<void> {
    const left = vscode.Uri.from({ scheme: EDITABLE_SCHEME, path: `/current${path}` });
    const right = vscode.Uri.from({ scheme: EDITABLE_SCHEME, path });
    const refuse = () => Promise.reject(vscode.FileSystemError.NoPermissions(left));
    this.files.set(left.path, {
      content: new TextEncoder().encode(current),
      mtime: this.now(),
      save: refuse,
      readOnly: true,
    });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri: left }]);
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
  }

  /** Saves the open document at `path` (its current text, through its save function), as Save would. */
  async saveOpen(path: string): Promise<SaveOutcome> {
    const uri = vscode.Uri.from({ scheme: EDITABLE_SCHEME, path });
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!document || document.isClosed) return 'closed';
    if (!document.isDirty) return 'clean';
    return (await document.save()) ? 'saved' : 'notSaved';
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.get(uri);
    return {
      type: vscode.FileType.File,
      ctime: file.mtime,
      mtime: file.mtime,
      size: file.content.byteLength,
      ...(file.readOnly ? { permissions: vscode.FilePermission.Readonly } : {}),
    };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return this.get(uri).content;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const file = this.get(uri);
    if (file.readOnly) throw vscode.FileSystemError.NoPermissions(uri);
    await file.save(new TextDecoder().decode(content));
    this.files.set(uri.path, { ...file, content, mtime: this.now() });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.emitter.dispose();
    this.files.clear();
  }

  private get(uri: vscode.Uri): EditableFile {
    const file = this.files.get(uri.path);
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return file;
  }
}
