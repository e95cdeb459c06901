// Read-only virtual documents (configuration, connection reports, query results): nothing is
// written to disk, and the editor shows them as unmodifiable text.
import * as vscode from 'vscode';

export const DOCUMENT_SCHEME = 'lifecockpit';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /** Shows `content` as `name` (e.g. `Configuration.md`), replacing what an earlier call showed there. */
  async show(name: string, content: string, language?: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${name}` });
    this.contents.set(uri.path, content);
    this.emitter.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (language && document.languageId !== language)
      document = await vscode.languages.setTextDocumentLanguage(document, language);
    return vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.emitter.dispose();
    this.contents.clear();
  }
}
