// Saving an editable document writes the record back; a save that fails throws (the editor then keeps the
// document dirty with the text) and leaves the stored copy as it was; reopening keeps unsaved edits. After a
// refused save: the record's current text compared read-only against the document (which stays savable), and
// the open document saved again on request, saying when there was nothing to save.
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

interface FakeDocument {
  uri: FakeUri;
  isDirty: boolean;
  isClosed?: boolean;
  save?: () => Promise<boolean>;
}

function load(openDocuments: FakeDocument[] = [], executed: unknown[][] = []) {
  const standIn = {
    commands: { executeCommand: async (...args: unknown[]) => void executed.push(args) },
    FilePermission: { Readonly: 1 },
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

  it('compares the record’s current text, read-only, on the left with the document on the right, which still saves', async () => {
    const executed: unknown[][] = [];
    const { EditableDocuments, EDITABLE_SCHEME } = load([], executed);
    const docs = new EditableDocuments(() => 1);
    const saved: string[] = [];
    const path = '/reminder/r4/Di.html';
    await docs.open(path, 'mine', async (t) => void saved.push(t));
    await docs.compare(path, 'theirs', 'Di: current ↔ yours');
    const [command, left, right, title] = executed[0] as [string, FakeUri, FakeUri, string];
    assert.equal(command, 'vscode.diff');
    assert.equal(right.toString(), `${EDITABLE_SCHEME}:${path}`);
    assert.notEqual(left.toString(), right.toString());
    assert.equal(title, 'Di: current ↔ yours');
    assert.equal(decode(docs.readFile(left as never)), 'theirs');
    assert.equal(docs.stat(left as never).permissions, 1, 'the current text is read-only');
    await assert.rejects(docs.writeFile(left as never, encode('edited')), /no permissions/);
    assert.equal(docs.stat(right as never).permissions, undefined);
    await docs.writeFile(right as never, encode('merged'));
    assert.deepEqual(saved, ['merged']);
  });

  it('saves the open document on request, and says when it is closed or has nothing unsaved', async () => {
    const path = '/reminder/r5/Ed.html';
    let saves = 0;
    const document: FakeDocument = {
      uri: FakeUri.from({ scheme: 'lifecockpit-edit', path }),
      isDirty: true,
      save: async () => ++saves > 1,
    };
    const { EditableDocuments } = load([document]);
    const docs = new EditableDocuments(() => 1);
    assert.equal(await docs.saveOpen(path), 'notSaved');
    assert.equal(await docs.saveOpen(path), 'saved');
    document.isDirty = false;
    assert.equal(await docs.saveOpen(path), 'clean');
    assert.equal(saves, 2);
    document.isClosed = true;
    assert.equal(await docs.saveOpen(path), 'closed');
    assert.equal(await docs.saveOpen('/reminder/r6/Fay.html'), 'closed');
  });
});
