// The first run: the walkthrough in package.json and the Get Started page show the same six steps, each
// ticked by its real event (a cancelled send or a mere sign-in attempt ticks nothing), remembered once
// done; the page runs only our steps' commands; the first activation offers the walkthrough in VS Code
// and the page in Cursor, once.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuthState } from '../../../src/core/auth';
import type { Profile } from '../../../src/core/config';
import { aProfile } from '../../builders/profileBuilder';
import { loadWithVscode } from './vscodeStandIn';

type Steps = typeof import('../../../src/vscode/getStartedSteps');
type Panel = typeof import('../../../src/vscode/getStartedPanel');
type Offer = typeof import('../../../src/vscode/getStartedOffer');

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

const contextKeys = new Map<string, unknown>();
const contextChanges: Array<[string, unknown]> = [];
const shown: Array<{ message: string; actions: string[] }> = [];
const executed: unknown[][] = [];
let answer: string | undefined;
const standIn = {
  EventEmitter: Emitter,
  commands: {
    executeCommand: async (id: string, ...args: unknown[]) => {
      if (id === 'setContext') {
        contextKeys.set(args[0] as string, args[1]);
        contextChanges.push([args[0] as string, args[1]]);
      } else executed.push([id, ...args]);
    },
  },
  window: {
    showInformationMessage: async (message: string, ...actions: string[]) => {
      shown.push({ message, actions });
      return answer;
    },
  },
};
const steps = loadWithVscode<Steps>('../../../src/vscode/getStartedSteps', standIn);
const panel = loadWithVscode<Panel>('../../../src/vscode/getStartedPanel', standIn);
const offer = loadWithVscode<Offer>('../../../src/vscode/getStartedOffer', standIn);

function memento(): { get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void> } {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => void values.set(key, value),
  };
}

const signedIn = (profileKind: 'sandbox' | 'live'): AuthState =>
  ({
    kind: 'signedIn',
    profile: profileKind,
    profileKind,
    identity: { tenantId: 't', clientId: 'c', roles: [] },
  }) as AuthState;

function world(globalState = memento()) {
  const auth = new Emitter<AuthState>();
  const sandbox = new Emitter<boolean>();
  const visibility = new Emitter<void>();
  const sessions = new Emitter<void>();
  const reminders = new Emitter<{ kind: 'preview' } | { kind: 'send'; sent: number; cancelled: boolean }>();
  const panels = new Emitter<void>();
  const state = {
    auth: { kind: 'signedOut' } as AuthState,
    visible: false,
    data: undefined as unknown,
    dash: false,
    front: undefined as object | undefined,
  };
  const progress = new steps.FirstRunProgress({
    globalState: globalState as never,
    auth: {
      get state() {
        return state.auth;
      },
      onDidChangeState: auth.event,
    },
    sandbox: { running: undefined, onDidChange: sandbox.event },
    sessionsView: {
      get visible() {
        return state.visible;
      },
      onDidChangeVisibility: visibility.event,
    },
    sessions: {
      get current() {
        return { data: state.data };
      },
      onDidChange: sessions.event,
    },
    reminders: { onDidFinish: reminders.event },
    panels: { dashboardOpen: () => state.dash, frontEditor: () => state.front, onDidChange: panels.event },
  });
  const setAuth = (next: AuthState) => {
    state.auth = next;
    auth.fire(next);
  };
  return { progress, globalState, state, setAuth, sandbox, visibility, sessions, reminders, panels };
}

describe('first run', () => {
  beforeEach(() => {
    contextKeys.clear();
    contextChanges.length = 0;
    shown.length = 0;
    executed.length = 0;
    answer = undefined;
  });

  it('the walkthrough lists the same six steps as Get Started, each completing on its context key, with a small screenshot and its command', () => {
    const walkthrough = (pkg.contributes.walkthroughs as Array<Record<string, unknown>>).find(
      (w) => w.id === steps.WALKTHROUGH_ID,
    ) as {
      steps: Array<{
        id: string;
        title: string;
        description: string;
        media: { image: string };
        completionEvents: string[];
      }>;
    };
    assert.ok(walkthrough, 'the walkthrough is contributed');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      steps.FIRST_RUN_STEPS.map((s) => s.id),
    );
    const commands = new Set((pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command));
    const views = new Set(
      Object.values(pkg.contributes.views as Record<string, Array<{ id: string }>>)
        .flat()
        .map((v) => v.id),
    );
    for (const [i, step] of walkthrough.steps.entries()) {
      const model = steps.FIRST_RUN_STEPS[i];
      assert.equal(step.title, model.title);
      assert.ok(step.description.includes(`(command:${model.command})`), `${step.id} has its button`);
      // VS Code drops an onContext event whose expression already holds when it registers the walkthrough
      // (it does so when the walkthrough is first opened): a step done before then ticks on the second.
      assert.deepEqual(step.completionEvents, [
        `onContext:${steps.contextKeyOf(model.id)}`,
        `onContext:${steps.contextKeyOf(model.id)} && ${steps.SHOWN_KEY}`,
      ]);
      assert.equal(step.media.image, `media/walkthrough/${model.image}`);
      const image = path.join(root, step.media.image);
      assert.ok(fs.existsSync(image) && fs.statSync(image).size < 100_000, `${image} exists and is small`);
      assert.deepEqual([...fs.readFileSync(image).subarray(1, 4)], [...Buffer.from('PNG')], `${image} is a PNG`);
      const known =
        commands.has(model.command) ||
        views.has(model.command.replace(/\.focus$/, '')) ||
        // Contributed by the dashboard's own change, which lands on its own.
        model.command === 'lifeCockpit.openDashboard';
      assert.ok(known, `${model.command} is a command the extension has`);
    }
  });

  it('the signed-out welcome views link to Get Started', () => {
    const welcomes = (pkg.contributes.viewsWelcome as Array<{ view: string; when: string; contents: string }>).filter(
      (w) => w.when === '!lifeCockpit.signedIn' && ['lifeCockpit.sessions', 'lifeCockpit.reminders'].includes(w.view),
    );
    assert.equal(welcomes.length, 2);
    for (const w of welcomes) assert.match(w.contents, /\[Get Started\]\(command:lifeCockpit\.getStarted\)/);
  });

  it('ticks a step only on its real event: a cancelled send, a send that sent nothing or a failed sign-in tick nothing', () => {
    const w = world();
    w.setAuth({ kind: 'signingIn', profile: 'sandbox' } as AuthState);
    w.setAuth({ kind: 'signedOut', profile: 'sandbox', reason: 'AADSTS7000215' } as AuthState);
    w.reminders.fire({ kind: 'send', sent: 2, cancelled: true });
    w.reminders.fire({ kind: 'send', sent: 0, cancelled: false });
    w.state.visible = true;
    w.visibility.fire();
    assert.deepEqual([...w.progress.steps], []);
    assert.equal(contextKeys.size, 0);

    w.setAuth(signedIn('sandbox'));
    assert.ok(w.progress.isDone('signIn') && w.progress.isDone('sandbox'), 'signed in to a sandbox: one runs');
    assert.equal(w.progress.isDone('today'), false, 'the view is open but its sessions are not loaded yet');
    w.state.data = [];
    w.sessions.fire();
    w.reminders.fire({ kind: 'preview' });
    w.reminders.fire({ kind: 'send', sent: 3, cancelled: false });
    w.state.dash = true;
    w.panels.fire();
    assert.deepEqual([...w.progress.steps].sort(), [...steps.STEP_IDS].sort());
    for (const id of steps.STEP_IDS) assert.equal(contextKeys.get(steps.contextKeyOf(id)), true, id);
  });

  it('a live sign-in ticks Sign In but not the sandbox; the Sessions view loaded but hidden is not seen', () => {
    const w = world();
    w.setAuth(signedIn('live'));
    w.state.data = [];
    w.sessions.fire();
    assert.deepEqual([...w.progress.steps], ['signIn']);
    w.sandbox.fire(true);
    assert.ok(w.progress.isDone('sandbox'), 'the started sandbox ticks its step');
  });

  it('remembers done steps after a restart and sets their context keys at once', () => {
    const globalState = memento();
    const first = world(globalState);
    first.reminders.fire({ kind: 'preview' });
    first.progress.dispose();
    contextKeys.clear();
    const second = world(globalState);
    assert.ok(second.progress.isDone('preview'));
    assert.equal(contextKeys.get('lifeCockpit.firstRun.preview'), true);
  });

  it('sets the context keys at activation of the steps already done: signed in to a sandbox, today shown, the dashboard open', () => {
    const auth = new Emitter<AuthState>();
    const never = new Emitter<void>();
    const progress = new steps.FirstRunProgress({
      globalState: memento() as never,
      auth: { state: signedIn('sandbox'), onDidChangeState: auth.event },
      sandbox: { running: undefined, onDidChange: new Emitter<boolean>().event },
      sessionsView: { visible: true, onDidChangeVisibility: never.event },
      sessions: { current: { data: [] }, onDidChange: never.event },
      reminders: { onDidFinish: new Emitter<never>().event },
      panels: { dashboardOpen: () => true, frontEditor: () => undefined, onDidChange: never.event },
    });
    for (const id of ['sandbox', 'signIn', 'today', 'dashboard'] as const) {
      assert.ok(progress.isDone(id), id);
      assert.equal(contextKeys.get(steps.contextKeyOf(id)), true, id);
    }
    assert.equal(contextKeys.has(steps.contextKeyOf('preview')), false, 'nothing was previewed');
    assert.equal(contextKeys.has(steps.contextKeyOf('send')), false, 'nothing was sent');
    progress.dispose();
  });

  it('turns the shown key off and on each time another editor the API cannot describe (the walkthrough) comes to the front', async () => {
    const w = world();
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const shownChanges = () => contextChanges.filter(([key]) => key === steps.SHOWN_KEY).map(([, value]) => value);
    w.panels.fire();
    await settle();
    assert.deepEqual(shownChanges(), [], 'a text editor in front changes nothing');
    const walkthrough = {};
    w.state.front = walkthrough;
    w.panels.fire();
    await settle();
    assert.deepEqual(shownChanges(), [false, true]);
    w.panels.fire();
    await settle();
    assert.deepEqual(shownChanges(), [false, true], 'the same editor still in front: no change');
    w.state.front = {};
    w.panels.fire();
    await settle();
    assert.deepEqual(shownChanges(), [false, true, false, true], 'another one (Settings, then the walkthrough)');
    w.state.front = undefined;
    w.panels.fire();
    await settle();
    assert.deepEqual(shownChanges(), [false, true, false, true, false]);
    w.progress.dispose();
  });

  it('Get Started runs only the steps’ own commands, whatever the page posts', () => {
    assert.equal(panel.stepAsked({ type: 'run', step: 'send' }), 'send');
    for (const hostile of [
      { type: 'run', step: 'workbench.action.terminal.new' },
      { type: 'run', command: 'lifeCockpit.signOut' },
      { type: 'run', step: 'constructor' },
      { type: 'other', step: 'send' },
      null,
      'send',
    ])
      assert.equal(panel.stepAsked(hostile), undefined, JSON.stringify(hostile));
  });

  it('Get Started has a strict CSP with a nonce, a button per step and the ticks of the steps done', () => {
    const html = panel.getStartedHtml({
      cspSource: 'vscode-resource:',
      nonce: 'abc123',
      imageUri: (file) => `vscode-resource:/media/${file}`,
      done: new Set(['sandbox', 'signIn'] as const),
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal([...html.matchAll(/<script nonce="abc123">/g)].length, 1);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'no script without the nonce');
    for (const step of steps.FIRST_RUN_STEPS)
      assert.match(html, new RegExp(`<button type="button" data-step="${step.id}">`));
    assert.equal((html.match(/<span class="state" role="status">Done<\/span>/g) ?? []).length, 2);
    assert.match(html, /var\(--vscode-button-background\)/, 'theme colours');
  });

  it('offers the walkthrough in VS Code once, and opens it when asked', async () => {
    const globalState = memento();
    answer = 'Open Walkthrough';
    const o = {
      globalState: globalState as never,
      extensionId: 'lifecockpit.life-cockpit',
      env: { appName: 'Visual Studio Code', uriScheme: 'vscode' },
    };
    await offer.offerFirstRun(o);
    await offer.offerFirstRun(o);
    assert.equal(shown.length, 1, 'shown once');
    assert.deepEqual(shown[0]?.actions, ['Open Walkthrough']);
    assert.deepEqual(executed, [
      ['workbench.view.extension.lifeCockpit'],
      ['workbench.action.openWalkthrough', 'lifecockpit.life-cockpit#lifeCockpit.firstRun', false],
    ]);
  });

  it('offers Get Started in Cursor, where walkthroughs do not open', async () => {
    answer = 'Get Started';
    await offer.offerFirstRun({
      globalState: memento() as never,
      extensionId: 'x.y',
      env: { appName: 'Cursor', uriScheme: 'cursor' },
    });
    assert.deepEqual(shown[0]?.actions, ['Get Started']);
    assert.deepEqual(executed, [['workbench.view.extension.lifeCockpit'], ['lifeCockpit.getStarted']]);
    assert.equal(offer.isCursor({ appName: 'Code - OSS', uriScheme: 'code-oss' }), false);
  });

  describe('the sandbox secret npm start hands over', () => {
    const signIn = loadWithVscode<typeof import('../../../src/vscode/getStartedSignIn')>(
      '../../../src/vscode/getStartedSignIn',
      standIn,
    );
    const env = { [signIn.HANDED_SANDBOX_SECRET_ENV]: 'lcsbx~handed' };
    const sandbox = aProfile()
      .named('sandbox')
      .with({ kind: 'sandbox', authorityHost: 'https://localhost:8443' })
      .build();

    function services(profile: Profile) {
      const signedInWith: string[] = [];
      return {
        signedInWith,
        s: {
          auth: { state: { kind: 'signedOut' } },
          config: { loaded: { activeProfile: profile } },
          session: {
            signIn: async (_p: Profile, c: { clientSecret: string }) => void signedInWith.push(c.clientSecret),
            refresh: async () => undefined,
          },
          log: { info: () => undefined, warn: () => undefined },
        } as never,
      };
    }

    it('signs a sandbox profile on this machine in with it', async () => {
      const { s, signedInWith } = services(sandbox);
      await signIn.signInWithHandedSecret(s, env);
      assert.deepEqual(signedInWith, ['lcsbx~handed']);
    });

    it('never gives it to a live or test profile, or to a sandbox profile whose authority is another host', async () => {
      for (const profile of [
        { ...sandbox, kind: 'live' as const },
        { ...sandbox, kind: 'test' as const },
        { ...sandbox, authorityHost: 'https://login.microsoftonline.com' },
        { ...sandbox, authorityHost: 'https://localhost.evil.example:8443' },
        { ...sandbox, authorityHost: 'https://127.0.0.2:8443' },
      ]) {
        const { s, signedInWith } = services(profile);
        await signIn.signInWithHandedSecret(s, env);
        assert.deepEqual(signedInWith, [], `${profile.kind} ${profile.authorityHost}`);
      }
    });

    it('does nothing without the variable, or when already signed in', async () => {
      const { s, signedInWith } = services(sandbox);
      await signIn.signInWithHandedSecret(s, {});
      (s as { auth: { state: { kind: string } } }).auth.state = { kind: 'signedIn' };
      await signIn.signInWithHandedSecret(s, env);
      assert.deepEqual(signedInWith, []);
    });
  });
});
