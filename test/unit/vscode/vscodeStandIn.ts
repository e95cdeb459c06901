// Loads a src/vscode module outside the editor: while it loads, `vscode` resolves to the given stand-in
// (only the parts of the API the module touches), so its logic is tested without an editor.
import Module from 'node:module';
import * as path from 'node:path';

export function loadWithVscode<T>(modulePath: string, standIn: object): T {
  const internals = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = internals._resolveFilename;
  const file = path.join(__dirname, `vscode-stand-in-${path.basename(modulePath)}.js`);
  require.cache[file] = { id: file, filename: file, loaded: true, exports: standIn } as unknown as NodeJS.Module;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? file : resolve.call(this, request, ...rest);
  };
  try {
    const resolved = require.resolve(modulePath);
    delete require.cache[resolved];
    return Module.createRequire(__filename)(modulePath) as T;
  } finally {
    internals._resolveFilename = resolve;
  }
}

/** A minimal vscode.window that records messages and answers them from a queue. */
export function recordingWindow(answers: Array<string | undefined> = []) {
  const shown: string[] = [];
  return {
    shown,
    answers,
    window: {
      showInformationMessage: async (message: string) => {
        shown.push(message);
        return answers.shift();
      },
    },
  };
}

/**
 * Drops every src/vscode module already loaded (another test file may have loaded them with its own stand-in),
 * so the next loadWithVscode loads them afresh with this file's. Call it again after the file's tests.
 */
export function forgetEditorModules(): void {
  const dir = path.join(__dirname, '..', '..', '..', 'src', 'vscode');
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir)) delete require.cache[key];
}

/**
 * Loads a src/vscode module afresh with `standIn` the first time it is asked for, then hands out the same one:
 * the editor modules another test file loaded with its own stand-in are dropped first.
 */
export function editorModule<T>(modulePath: string, standIn: object): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      forgetEditorModules();
      loaded = loadWithVscode<T>(modulePath, standIn);
    }
    return loaded;
  };
}

/** vscode.EventEmitter as a module that only constructs one needs it: nothing listens. */
export class SilentEventEmitter {
  event = () => ({ dispose: () => undefined });
  fire = () => undefined;
  dispose = () => undefined;
}
