// The extension registers its MCP server (`lc mcp`) with the editor's agent by itself, through VS Code's
// MCP server definition provider API, which the real editor offers: the extension says so in its log.
// (code-server has no "MCP: List Servers" view to drive, so the registration is read from the log.)
import assert from 'node:assert/strict';
import { editor } from './hooks.mjs';
import { OUTPUT_CHANNEL } from './expectations.mjs';
import { secretsIn } from './steps.mjs';

describe('Life Cockpit: the agents’ MCP server', () => {
  it('registers with the editor through its MCP server definition provider API', async () => {
    const { workbench, sandbox } = editor();
    const log = await workbench.waitForOutputLine(
      OUTPUT_CHANNEL,
      /MCP server registered with the editor.*registration=vscode/,
    );
    assert.deepEqual(secretsIn(log, sandbox), []);
  });
});
