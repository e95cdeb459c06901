// The MCP server the editor registers for its agent: it runs the bundled CLI with the editor's Node, as
// the workspace's active profile, with that profile's secrets in its environment only (never argv, never
// the definition VS Code gets eagerly), none for a profile the editor is not signed in to; a profile
// switch or sign-out restarts it (VS Code's change event, Cursor's unregister + register); an editor
// without any MCP API still activates; a live profile's agent writes need the editor's confirmation.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { secretKey, type AuthState } from '../../../src/core/auth';
import { loadConfiguration, type LoadedConfiguration, type Profile } from '../../../src/core/config';
import { LogHub } from '../../../src/core/log';
import { aProfile } from '../../builders/profileBuilder';
import { loadWithVscode } from './vscodeStandIn';

type Registration = typeof import('../../../src/vscode/mcpRegistration');
type Gate = typeof import('../../../src/vscode/mcpAgentWrites');
type Environment = typeof import('../../../src/vscode/mcpServerEnvironment');

const CLIENT_SECRET = 'canaryClientSecret~1';
const STRIPE_KEY = 'sk_test_canaryStripeKey2';
const EXTENSION = path.join(path.sep, 'ext', 'life-cockpit-0.1.0');

class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class StdioDefinition {
  cwd: unknown;
  constructor(
    readonly label: string,
    public command: string,
    public args: string[] = [],
    public env: Record<string, string | number | null> = {},
    public version?: string,
  ) {}
}

/** The editor's `vscode` module as these modules see it; each test sets `lm` and `cursor` to the editor it plays. */
const editor = {
  questions: [] as string[],
  answers: [] as Array<string | undefined>,
  providers: [] as string[],
  cursorCalls: [] as Array<{ call: 'register' | 'unregister'; name: string; env?: Record<string, string> }>,
};
const standIn = {
  EventEmitter: Emitter,
  McpStdioServerDefinition: StdioDefinition,
  Uri: { file: (fsPath: string) => ({ fsPath }) },
  commands: { executeCommand: async () => undefined },
  window: {
    showWarningMessage: async (message: string, options: { detail?: string }) => {
      editor.questions.push(`${message}\n${options.detail ?? ''}`);
      return editor.answers.shift();
    },
  },
  lm: undefined as unknown,
  cursor: undefined as unknown,
};

function playVsCode(): void {
  standIn.cursor = undefined;
  standIn.lm = {
    registerMcpServerDefinitionProvider: (id: string) => {
      editor.providers.push(id);
      return { dispose: () => undefined };
    },
  };
}

function playCursor(): void {
  // Cursor keeps VS Code's provider API as a stub; the registration must not use it there.
  playVsCode();
  standIn.cursor = {
    mcp: {
      registerServer: (config: { name: string; server: { env: Record<string, string> } }) =>
        editor.cursorCalls.push({ call: 'register', name: config.name, env: config.server.env }),
      unregisterServer: (name: string) => editor.cursorCalls.push({ call: 'unregister', name }),
    },
  };
}

function playEditorWithoutMcp(): void {
  standIn.cursor = undefined;
  standIn.lm = undefined;
}

function memento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: (key: string) => values.get(key),
    update: async (key: string, value: unknown) =>
      void (value === undefined ? values.delete(key) : values.set(key, value)),
  } as unknown as vscode.Memento;
}

function configured(profiles: Profile[], active: string): LoadedConfiguration {
  return loadConfiguration({
    settings: {
      activeProfile: active,
      profiles,
      reminders: { perMinute: 12, leadTimesMinutes: [2880, 60] },
      // The practice's own tables: a server on the default names would read the wrong table.
      tables: { session: { entitySet: 'cr123_sessions', columns: { fee: 'cr123_price' } } },
    },
  });
}

/** The editor around the registration: settings, sign-in state and SecretStorage, each observable. */
class World {
  readonly configChanged = new Emitter<LoadedConfiguration>();
  readonly authChanged = new Emitter<AuthState>();
  readonly secretChanged = new Emitter<{ key: string }>();
  readonly secrets = new Map<string, string>();
  loaded: LoadedConfiguration;
  state: AuthState = { kind: 'signedOut' };
  stripeKeys = new Map<string, string>();

  constructor(profiles: Profile[], active: string) {
    this.loaded = configured(profiles, active);
  }

  signIn(profile: Profile): void {
    this.secrets.set(secretKey(profile.name), CLIENT_SECRET);
    this.state = {
      kind: 'signedIn',
      profile: profile.name,
      profileKind: profile.kind,
      identity: { tenantId: profile.tenantId ?? '', clientId: profile.clientId ?? '', roles: [] },
    };
    this.authChanged.fire(this.state);
  }

  signOut(profile: Profile): void {
    this.secrets.delete(secretKey(profile.name));
    this.state = { kind: 'signedOut', profile: profile.name };
    this.authChanged.fire(this.state);
  }

  switchTo(profiles: Profile[], active: string): void {
    this.loaded = configured(profiles, active);
    this.configChanged.fire(this.loaded);
  }
}

describe('MCP server registration', () => {
  let R: Registration;
  let G: Gate;
  let E: Environment;
  const live = aProfile().named('clinic').live().with({ agentWrites: true }).build();
  const practice = aProfile().named('practice').build();

  before(() => {
    G = loadWithVscode<Gate>('../../../src/vscode/mcpAgentWrites', standIn);
    R = loadWithVscode<Registration>('../../../src/vscode/mcpRegistration', standIn);
    E = loadWithVscode<Environment>('../../../src/vscode/mcpServerEnvironment', standIn);
  });
  beforeEach(() => {
    editor.questions = [];
    editor.answers = [];
    editor.providers = [];
    editor.cursorCalls = [];
    playVsCode();
  });

  function registration(world: World, state = memento()) {
    const gate = new G.AgentWritesGate(state, () => new Date('2026-12-02T09:00:00Z'));
    const mcp = new R.McpRegistration({
      extensionPath: EXTENSION,
      extensionVersion: '0.1.0',
      storagePath: path.join(path.sep, 'storage'),
      config: {
        get loaded() {
          return world.loaded;
        },
        onDidChange: world.configChanged.event,
      },
      auth: {
        get state() {
          return world.state;
        },
        onDidChangeState: world.authChanged.event,
      },
      secrets: {
        get: async (key: string) => world.secrets.get(key),
        onDidChange: world.secretChanged.event as unknown as vscode.Event<vscode.SecretStorageChangeEvent>,
      },
      stripeSecretKey: async (profile) => world.stripeKeys.get(profile.name),
      gate,
      log: new LogHub({ level: 'error' }).logger('business'),
    });
    return { mcp, gate };
  }

  async function definition(mcp: InstanceType<Registration['McpRegistration']>) {
    const [eager] = await mcp.provideMcpServerDefinitions();
    const eagerJson = JSON.stringify(eager);
    const started = await mcp.resolveMcpServerDefinition(eager);
    return { eagerJson, started, env: started.env as Record<string, string | null> };
  }

  it("launches the bundled CLI's `mcp` verb with the editor's own executable run as Node", async () => {
    const world = new World([practice], 'practice');
    const { mcp } = registration(world);
    const { started, env } = await definition(mcp);
    assert.equal(started.command, process.execPath);
    assert.deepEqual(started.args, [path.join(EXTENSION, 'dist', 'cli.js'), 'mcp']);
    assert.equal(started.label, 'Life Cockpit');
    assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
    assert.equal(env.LC_PROFILE, 'practice');
    assert.deepEqual((started as unknown as StdioDefinition).cwd, { fsPath: path.join(path.sep, 'storage') });
    mcp.dispose();
  });

  it('gives the signed-in profile’s secrets to the server’s environment at start, never to argv or the eager definition', async () => {
    const world = new World([practice], 'practice');
    world.signIn(practice);
    world.stripeKeys.set('practice', STRIPE_KEY);
    const { mcp } = registration(world);
    const { eagerJson, started, env } = await definition(mcp);
    assert.equal(env.LC_CLIENT_SECRET, CLIENT_SECRET);
    assert.equal(env.LC_STRIPE_SECRET_KEY, STRIPE_KEY);
    for (const secret of [CLIENT_SECRET, STRIPE_KEY]) {
      assert.ok(!started.args.join(' ').includes(secret), 'a secret in argv');
      assert.ok(!eagerJson.includes(secret), 'a secret in the definition VS Code gets before the server starts');
      assert.ok(!String(started.version).includes(secret));
    }
    mcp.dispose();
  });

  it('passes no secret for a profile the editor is not signed in to, and removes any the editor’s own environment holds', async () => {
    const world = new World([practice, live], 'clinic');
    world.signIn(practice); // signed in to another profile: its secret stays with it
    world.secrets.set(secretKey('clinic'), 'storedButNotConfirmedForThisTarget');
    const { mcp } = registration(world);
    const { env } = await definition(mcp);
    assert.equal(env.LC_PROFILE, 'clinic');
    // null removes the variable from what the child inherits (a LC_CLIENT_SECRET exported before the editor started).
    assert.equal(env.LC_CLIENT_SECRET, null);
    assert.equal(env.LC_STRIPE_SECRET_KEY, null);
    assert.equal(env.LC_CERTIFICATE_PASSWORD, null);
    assert.ok(!JSON.stringify(env).includes(CLIENT_SECRET));
    mcp.dispose();
  });

  it('tells the server the editor’s effective profile and settings, so a profile only the editor knows reaches `lc` whole', async () => {
    const sandbox = aProfile()
      .named('sandbox')
      .with({ kind: 'sandbox', caFile: '/storage/ca.pem', graphUrl: 'https://127.0.0.1:4443', sendToSelf: true })
      .build();
    const world = new World([sandbox], 'sandbox');
    const { mcp } = registration(world);
    const { env } = await definition(mcp);
    const childEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== null));
    const seenByChild = loadConfiguration({ env: childEnv });
    assert.deepEqual(seenByChild.problems, []);
    assert.deepEqual(seenByChild.activeProfile, world.loaded.activeProfile);
    assert.deepEqual(seenByChild.config.reminders, world.loaded.config.reminders);
    assert.deepEqual(seenByChild.config.payments, world.loaded.config.payments);
    assert.deepEqual(seenByChild.config.tables, world.loaded.config.tables);
    mcp.dispose();
  });

  it('restarts the server on a profile switch (the change event fires), and not for a reload that changed nothing', async () => {
    const world = new World([practice, live], 'practice');
    const { mcp } = registration(world);
    let fired = 0;
    mcp.onDidChangeMcpServerDefinitions(() => fired++);
    mcp.start();
    assert.deepEqual(editor.providers, ['lifeCockpit.mcpServer']);
    await mcp.refresh();
    assert.equal(fired, 0, 'registering is not a change');
    const before = (await mcp.provideMcpServerDefinitions())[0];

    world.switchTo([practice, live], 'clinic');
    await mcp.refresh();
    assert.equal(fired, 1);
    const after = (await mcp.provideMcpServerDefinitions())[0];
    assert.equal(after.env.LC_PROFILE, 'clinic');
    assert.notEqual(after.version, before.version);

    world.switchTo([practice, live], 'clinic');
    await mcp.refresh();
    assert.equal(fired, 1, 'the same configuration again restarts nothing');
    mcp.dispose();
  });

  it('restarts the server on sign-out, which then starts without the secret', async () => {
    const world = new World([practice], 'practice');
    world.signIn(practice);
    const { mcp } = registration(world);
    let fired = 0;
    mcp.onDidChangeMcpServerDefinitions(() => fired++);
    mcp.start();
    await mcp.refresh();
    assert.equal((await definition(mcp)).env.LC_CLIENT_SECRET, CLIENT_SECRET);

    world.signOut(practice);
    await mcp.refresh();
    assert.equal(fired, 1);
    assert.equal((await definition(mcp)).env.LC_CLIENT_SECRET, null);
    mcp.dispose();
  });

  it('activates in an editor without any MCP API: nothing registered, nothing thrown', async () => {
    playEditorWithoutMcp();
    const world = new World([practice], 'practice');
    const { mcp } = registration(world);
    assert.doesNotThrow(() => mcp.start());
    await mcp.refresh();
    assert.equal(mcp.registeredWith, undefined);
    mcp.dispose();
  });

  it('in Cursor registers through vscode.cursor.mcp (not the stubbed provider API) and re-registers on a switch and on dispose unregisters', async () => {
    playCursor();
    const world = new World([practice, live], 'practice');
    world.signIn(practice);
    const { mcp } = registration(world);
    mcp.start();
    await mcp.refresh();
    assert.deepEqual(editor.providers, []);
    assert.equal(mcp.registeredWith, 'cursor');
    assert.deepEqual(
      editor.cursorCalls.map((c) => c.call),
      ['register'],
    );
    const first = editor.cursorCalls[0];
    assert.equal(first.name, 'life-cockpit');
    assert.equal(first.env?.LC_CLIENT_SECRET, CLIENT_SECRET);
    assert.ok(Object.values(first.env ?? {}).every((v) => typeof v === 'string'));

    world.switchTo([practice, live], 'clinic');
    editor.answers.push(undefined); // the live profile's agent-writes question, declined
    await mcp.refresh();
    assert.deepEqual(
      editor.cursorCalls.map((c) => c.call),
      ['register', 'unregister', 'register'],
    );
    const second = editor.cursorCalls[2];
    assert.equal(second.env?.LC_PROFILE, 'clinic');
    assert.equal(second.env?.LC_CLIENT_SECRET, '', 'signed in to another profile: no secret');
    assert.equal(second.env?.LC_AGENT_WRITES_CONFIRMED, '');

    mcp.dispose();
    assert.equal(editor.cursorCalls.at(-1)?.call, 'unregister');
  });

  describe('agent writes on a live profile', () => {
    it('passes LC_AGENT_WRITES_CONFIRMED only after a modal naming the profile and its tenant is accepted', async () => {
      const world = new World([live], 'clinic');
      const { mcp, gate } = registration(world);

      editor.answers.push(undefined); // dismissed
      assert.equal((await definition(mcp)).env.LC_AGENT_WRITES_CONFIRMED, null);
      assert.equal(editor.questions.length, 1);
      assert.match(editor.questions[0], /LIVE profile "clinic" \(tenant 11111111-2222-3333-4444-555555555555\)/);

      assert.equal((await definition(mcp)).env.LC_AGENT_WRITES_CONFIRMED, null);
      assert.equal(editor.questions.length, 1, 'declined: not asked again at every start in this window');

      editor.answers.push('Allow Agent Writes');
      assert.equal(await gate.ask(live), true);
      const { env } = await definition(mcp);
      assert.equal(env.LC_AGENT_WRITES_CONFIRMED, '1');
      assert.equal(env.LC_AGENT_WRITES, 'true');
      mcp.dispose();
    });

    it('remembers the confirmation per profile across windows, asks again when the tenant changes, and revokes it', async () => {
      const state = memento();
      const world = new World([live], 'clinic');
      editor.answers.push('Allow Agent Writes');
      const first = registration(world, state);
      assert.equal((await definition(first.mcp)).env.LC_AGENT_WRITES_CONFIRMED, '1');
      first.mcp.dispose();

      const next = registration(world, state); // a new window
      assert.equal((await definition(next.mcp)).env.LC_AGENT_WRITES_CONFIRMED, '1');
      assert.equal(editor.questions.length, 1, 'remembered');

      const moved = aProfile().named('clinic').live().with({ agentWrites: true, tenantId: 'contoso.onmicrosoft.com' });
      world.switchTo([moved.build()], 'clinic');
      editor.answers.push(undefined);
      assert.equal((await definition(next.mcp)).env.LC_AGENT_WRITES_CONFIRMED, null);
      assert.equal(editor.questions.length, 2, 'another tenant under the same name is asked about again');

      world.switchTo([live], 'clinic');
      assert.deepEqual(next.gate.confirmedProfiles(), ['clinic']);
      await next.gate.revoke('clinic');
      assert.equal(next.gate.isConfirmed(live), false);
      next.mcp.dispose();
    });

    it('never asks for, nor passes, the confirmation for a test profile or a live one with agent writes off', async () => {
      const testWrites = aProfile().named('trial').with({ agentWrites: true }).build();
      const liveReadOnly = aProfile().named('clinic').live().build();
      for (const profile of [testWrites, liveReadOnly]) {
        const world = new World([profile], profile.name);
        const { mcp } = registration(world);
        assert.equal((await definition(mcp)).env.LC_AGENT_WRITES_CONFIRMED, null);
        mcp.dispose();
      }
      assert.deepEqual(editor.questions, []);
    });
  });

  it('takes the Stripe key SecretStorage holds for the profile’s mode, never a key of the other mode', async () => {
    const stored = new Map<string, string>([
      ['lifeCockpit/practice/stripeSecretKey/test', STRIPE_KEY],
      ['lifeCockpit/clinic/stripeSecretKey/live', 'sk_test_storedUnderTheWrongMode'],
    ]);
    const keyOf = R.storedStripeSecretKey({ get: async (key: string) => stored.get(key) });
    assert.equal(await keyOf(practice), STRIPE_KEY);
    assert.equal(await keyOf({ ...live, stripeMode: 'live' }), undefined);
    assert.equal(await keyOf(aProfile().named('other').build()), undefined);
  });

  it('the fingerprint names no secret, only whether one is there', () => {
    const cli = { command: '/node', args: ['cli.js', 'mcp'], env: { ELECTRON_RUN_AS_NODE: '1' as const } };
    const base = { config: configured([practice], 'practice').config, profile: practice, agentWritesConfirmed: false };
    const a = E.launchFingerprint(cli, { ...base, secrets: { clientSecret: 'one' } });
    const b = E.launchFingerprint(cli, { ...base, secrets: { clientSecret: 'two' } });
    const none = E.launchFingerprint(cli, { ...base, secrets: {} });
    assert.equal(a, b);
    assert.notEqual(a, none);
  });
});
