// Add MCP Server to Cursor writes our entry into the workspace's .cursor/mcp.json: the user's other
// servers, comments and indentation stay; a second run changes nothing; a file that does not parse is
// refused and left as it was; and the entry carries no secret, whatever the editor holds.
import { strict as assert } from 'node:assert';
import { SECRET_ENV, loadConfiguration } from '../../../src/core/config';
import { addServerToCursorConfig, mergeCursorMcpConfig } from '../../../src/vscode/mcpCursorConfig';
import { AGENT_WRITES_CONFIRMED_ENV, cursorConfigEntry } from '../../../src/vscode/mcpServerEnvironment';
import { aProfile } from '../../builders/profileBuilder';

const cli = {
  command: '/opt/Cursor/cursor',
  args: ['/ext/dist/cli.js', 'mcp'],
  env: { ELECTRON_RUN_AS_NODE: '1' as const },
};
const profile = aProfile().named('clinic').live().with({ agentWrites: true }).build();
const entry = cursorConfigEntry(cli, {
  config: loadConfiguration({ settings: { activeProfile: 'clinic', profiles: [profile] } }).config,
  profile,
});

const theirs = `{
    // the team's servers
    "mcpServers": {
        "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": { "GITHUB_TOKEN": "\${env:GITHUB_TOKEN}" } },
        "docs": { "url": "https://docs.example.com/mcp" }
    },
    "other": true
}
`;

/** A file on disk as the command sees it: what it holds, and every write. */
function fileHolding(text: string | undefined) {
  const writes: string[] = [];
  return {
    writes,
    read: async () => text,
    write: async (next: string) => void writes.push(next),
  };
}

describe('.cursor/mcp.json', () => {
  it('creates the file with our server under mcpServers when there is none', () => {
    const merged = mergeCursorMcpConfig(undefined, 'life-cockpit', entry);
    assert.equal(merged.changed, true);
    assert.deepEqual(JSON.parse(merged.text), { mcpServers: { 'life-cockpit': entry } });
  });

  it('keeps the other servers, comments, keys and indentation of an existing file', () => {
    const merged = mergeCursorMcpConfig(theirs, 'life-cockpit', entry);
    assert.equal(merged.changed, true);
    assert.equal(merged.replaced, false);
    assert.ok(merged.text.includes("// the team's servers"));
    assert.ok(
      merged.text.includes('"github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]'),
    );
    assert.match(merged.text, /\n {8}"life-cockpit": \{\n {12}"command"/, 'indented as the file is (4 spaces)');
    const again = mergeCursorMcpConfig(merged.text, 'life-cockpit', entry);
    assert.equal(again.changed, false, 'a second run changes nothing');
    assert.equal(again.text, merged.text);
    // What Cursor reads, once comments are set aside:
    const parsed = JSON.parse(merged.text.replace(/^\s*\/\/.*$/m, '')) as { mcpServers: Record<string, unknown> };
    assert.deepEqual(Object.keys(parsed.mcpServers), ['github', 'docs', 'life-cockpit']);
  });

  it('replaces only our own older entry (another profile, a moved extension)', () => {
    const older = mergeCursorMcpConfig(theirs, 'life-cockpit', { ...entry, args: ['/old/dist/cli.js', 'mcp'] }).text;
    const merged = mergeCursorMcpConfig(older, 'life-cockpit', entry);
    assert.equal(merged.replaced, true);
    const servers = JSON.parse(merged.text.replace(/^\s*\/\/.*$/m, '')).mcpServers;
    assert.deepEqual(servers['life-cockpit'], entry);
    assert.equal(servers.docs.url, 'https://docs.example.com/mcp');
  });

  it('refuses a file that does not parse, naming the line, and leaves it untouched', async () => {
    const broken = '{\n  "mcpServers": {\n    "github": { "command": "npx" \n  }\n';
    const file = fileHolding(broken);
    await assert.rejects(addServerToCursorConfig(file, 'life-cockpit', entry), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'mcp.cursorConfigUnreadable');
      assert.match(error.message, /not valid JSON .* at line \d+\); it was left unchanged/);
      return true;
    });
    assert.deepEqual(file.writes, []);
  });

  it('refuses a file whose mcpServers is not an object, and one that is not an object at all', async () => {
    for (const text of ['{ "mcpServers": [] }', '[1, 2]']) {
      const file = fileHolding(text);
      await assert.rejects(addServerToCursorConfig(file, 'life-cockpit', entry), /left unchanged/);
      assert.deepEqual(file.writes, []);
    }
  });

  it('writes once, then not again', async () => {
    const file = fileHolding(theirs);
    await addServerToCursorConfig(file, 'life-cockpit', entry);
    const second = fileHolding(file.writes[0]);
    const merged = await addServerToCursorConfig(second, 'life-cockpit', entry);
    assert.equal(file.writes.length, 1);
    assert.equal(merged.changed, false);
    assert.deepEqual(second.writes, []);
  });

  it('holds no secret and no agent-writes confirmation: the server starts signed out', () => {
    const env = entry.env;
    for (const variable of [...Object.values(SECRET_ENV), AGENT_WRITES_CONFIRMED_ENV])
      assert.equal(env[variable], undefined, `${variable} in the file`);
    assert.equal(env.LC_PROFILE, 'clinic');
    assert.equal(env.LC_TENANT_ID, profile.tenantId);
    assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
    assert.ok(
      Object.values(env).every((v) => v !== ''),
      'no empty variable that would clear the user’s own',
    );
  });
});
