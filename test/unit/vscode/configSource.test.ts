// The editor's settings reach the configuration the receiver starts from: every webhooks.* setting the
// manifest contributes (forwarding targets, the public URL, the subscription lifetime), not only the port.
import { strict as assert } from 'node:assert';
import type * as ConfigSourceModule from '../../../src/vscode/configSource';
import { loadWithVscode } from './vscodeStandIn';

class Emitter {
  readonly event = () => ({ dispose: () => undefined });
  fire(): void {}
  dispose(): void {}
}

function configSourceWith(settings: Record<string, unknown>) {
  const { EditorConfigSource } = loadWithVscode<typeof ConfigSourceModule>('../../../src/vscode/configSource', {
    EventEmitter: Emitter,
    workspace: {
      workspaceFolders: undefined,
      onDidChangeConfiguration: () => ({ dispose: () => undefined }),
      createFileSystemWatcher: () => ({
        onDidChange: () => ({ dispose: () => undefined }),
        onDidCreate: () => ({ dispose: () => undefined }),
        onDidDelete: () => ({ dispose: () => undefined }),
        dispose: () => undefined,
      }),
      getConfiguration: () => ({
        inspect: (key: string) => (key in settings ? { globalValue: settings[key] } : undefined),
      }),
    },
  });
  return new EditorConfigSource({ get: () => undefined, update: async () => undefined, keys: () => [] });
}

describe('EditorConfigSource', () => {
  it('reads every webhooks setting the user set', async () => {
    const source = configSourceWith({
      'webhooks.port': 9999,
      'webhooks.forwardTo': ['http://127.0.0.1:3000/hooks'],
      'webhooks.publicUrl': 'https://tunnel.example.test',
      'webhooks.graphSubscriptionMinutes': 600,
    });
    const { webhooks } = (await source.reload()).config;
    source.dispose();
    assert.equal(webhooks.port, 9999);
    assert.deepEqual(webhooks.forwardTo, ['http://127.0.0.1:3000/hooks']);
    assert.equal(webhooks.publicUrl, 'https://tunnel.example.test');
    assert.equal(webhooks.graphSubscriptionMinutes, 600);
  });
});
