// Saving an editable document writes the record back; a save that fails throws (the editor then keeps the
// document dirty with the text) and leaves the stored copy as it was; reopening keeps unsaved edits.
import { strict as assert } from 'node:assert';
import type * as EditableModule from '../../../src/vscode/editableDocuments';
import { loadWithVscode } from './vscodeStandIn';

class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static from(parts: { scheme: string; path: string }) {
    return new FakeUri(parts.scheme, parts.path);
  }
  toString() {
    return `${this.scheme}:${this.path}`;
  }
}

function load(openDocuments: Array<{ uri: FakeUri; isDirty: boolean }> = []) {
  const standIn = {
    Uri: FakeUri,
    EventEmitter: class {
      private listeners: Array<(e: unknown) => void> = [];
      event = (l: (e: unknown) => void) => this.listeners.push(l);
      fire(e: unknown) {
        for (const l of this.listeners) l(e);
      }
      dispose() {}
    },
    FileType: { File: 1 },
    FileChangeType: { Changed: 1 },
    FileSystemError: { FileNotFound: () => new Error('not found'), NoPermissions: () => new Error('no permissions') },
    Disposable: class {
      constructor(readonly dispose: () => void) {}
    },
    workspace: {
      textDocuments: openDocuments,
      openTextDocument: async (uri: FakeUri) => ({ uri, languageId: 'html' }),
    },
    languages: { setTextDocumentLanguage: async (d: unknown) => d },
    window: { showTextDocument: async () => undefined },
  };
  return loadWithVscode<typeof EditableModule>('../../../src/vscode/editableDocuments', standIn);
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const encode = (text: string) => new TextEncoder().encode(text);

describe('EditableDocuments', () => {
  it('writes the saved text through the save function and serves it afterwards', async () => {
    const { EditableDocuments, EDITABLE_SCHEME } = load();
    const docs = new EditableDocuments(() => 1);
    const saved: string[] = [];
    await docs.open('/reminder/r1/Ada.html', 'Subject: Hi\n\nold', async (t) => void saved.push(t));
    const uri = FakeUri.from({ scheme: EDITABLE_SCHEME, path: '/reminder/r1/Ada.html' }) as never;
    assert.equal(decode(docs.readFile(uri)), 'Subject: Hi\n\nold');
    await docs.writeFile(uri, encode('Subject: Hi\n\nnew'));
    assert.deepEqual(saved, ['Subject: Hi\n\nnew']);
    assert.equal(decode(docs.readFile(uri)), 'Subject: Hi\n\nnew');
  });

  it('throws when the record refuses the save, and keeps the stored copy as it was', async () => {
    const { EditableDocuments, EDITABLE_SCHEME } = load();
    const docs = new EditableDocuments(() => 1);
    await docs.open('/reminder/r2/Bo.html', 'original', async () => {
      throw new Error('The reminder is being sent, so it cannot be edited.');
    });
    const uri = FakeUri.from({ scheme: EDITABLE_SCHEME, path: '/reminder/r2/Bo.html' }) as never;
    await assert.rejects(docs.writeFile(uri, encode('my edit')), /being sent/);
    assert.equal(decode(docs.readFile(uri)), 'original');
  });

  it('does not replace a document with unsaved edits when it is opened again', async () => {
    const path = '/reminder/r3/Cy.html';
    const { EditableDocuments, EDITABLE_SCHEME } = load([
      { uri: FakeUri.from({ scheme: 'lifecockpit-edit', path }), isDirty: true },
    ]);
    const docs = new EditableDocuments(() => 1);
    let reads = 0;
    await docs.open(path, 'from the server', async () => void reads++).catch(() => undefined);
    const uri = FakeUri.from({ scheme: EDITABLE_SCHEME, path }) as never;
    assert.throws(() => docs.readFile(uri), /not found/, 'the open, dirty document keeps its own text');
  });
});
