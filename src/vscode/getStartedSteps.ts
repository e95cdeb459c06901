// The first-run steps (the walkthrough in package.json and the Get Started page show the same six) and
// what ticks each: the real event, seen by the extension, never the command merely invoked. A sandbox
// that answered, a sign-in that worked, the Sessions view shown with its sessions loaded, a dry run
// shown, a send that sent something and was not cancelled, the dashboard's panel open. A step once done
// stays done (as VS Code keeps a walkthrough step's tick): it is remembered in the global state and set
// as a context key, `lifeCockpit.firstRun.<step>`, which the walkthrough's completionEvents name.
// VS Code registers the walkthrough only when it first needs it (when it is opened) and drops an onContext
// event whose expression already holds then, so a step done before that would never tick. Each step
// therefore also completes on `<its key> && lifeCockpit.firstRun.shown`, a key turned off and on again
// each time an editor the extension API does not describe (the walkthrough is one) comes to the front:
// that change comes after the walkthrough registered, and ticks the steps done until then.
import * as vscode from 'vscode';
import type { AuthState } from '../core/auth';
import { Disposable } from './lifecycle';

export const STEP_IDS = ['sandbox', 'signIn', 'today', 'preview', 'send', 'dashboard'] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface FirstRunStep {
  id: StepId;
  title: string;
  /** What the step is for, one or two sentences (the walkthrough's description says the same). */
  text: string;
  /** The button: its label and the command it runs. */
  button: string;
  command: string;
  /** Under media/walkthrough/. */
  image: string;
  altText: string;
}

export const FIRST_RUN_STEPS: readonly FirstRunStep[] = [
  {
    id: 'sandbox',
    title: 'Start the Sandbox',
    text: 'A practice of its own on this computer: Entra ID, Graph, Dataverse and Stripe on 127.0.0.1, with clients, sessions and reminders. Nothing leaves the machine.',
    button: 'Start Sandbox',
    command: 'lifeCockpit.startSandbox',
    image: 'sandbox.png',
    altText: 'The Life Cockpit view with the sandbox running and the status bar saying sandbox.',
  },
  {
    id: 'signIn',
    title: 'Sign In',
    text: 'Sign in to a profile: Start Sandbox signs in to the sandbox by itself; your own practice needs its Entra app’s tenant, client id and secret.',
    button: 'Sign In',
    command: 'lifeCockpit.signIn',
    image: 'signIn.png',
    altText: 'The status bar item and its hover saying Life Cockpit is signed in to profile sandbox.',
  },
  {
    id: 'today',
    title: 'See Today',
    text: 'The Sessions view: today’s sessions first, then this week, later, and what needs attention.',
    button: 'Show Sessions',
    command: 'lifeCockpit.sessions.focus',
    image: 'today.png',
    altText: 'The Sessions view with today’s sessions, then This Week and Later.',
  },
  {
    id: 'preview',
    title: 'Preview Reminders',
    text: 'The dry run: every reminder that would leave now, to whom, from which mailbox, with its text. Nothing is sent.',
    button: 'Preview Due Reminders',
    command: 'lifeCockpit.previewDueReminders',
    image: 'preview.png',
    altText: 'The Due Reminders document listing the messages a send would let leave.',
  },
  {
    id: 'send',
    title: 'Send Them',
    text: 'Send what is due, after one question naming the count and the profile. Each reminder leaves once, even after a crash or a second window.',
    button: 'Send Due Reminders',
    command: 'lifeCockpit.sendDueReminders',
    image: 'send.png',
    altText: 'The one question before sending: how many reminders leave, and from which profile.',
  },
  {
    id: 'dashboard',
    title: 'Open the Dashboard',
    text: 'The practice at a glance: the week, money, attendance and reminders, drawn from the same data as the views.',
    button: 'Open Dashboard',
    command: 'lifeCockpit.openDashboard',
    image: 'dashboard.png',
    altText: 'The dashboard with the week’s sessions, money, attendance and reminders.',
  },
];

export const WALKTHROUGH_ID = 'lifeCockpit.firstRun';
const DONE_KEY = 'lifeCockpit.firstRunDone';

/** What the progress watches: each source fires when its real event may have happened. */
export interface FirstRunSources {
  globalState: vscode.Memento;
  auth: { readonly state: AuthState; onDidChangeState(listener: (state: AuthState) => void): { dispose(): void } };
  sandbox: { readonly running: unknown; onDidChange(listener: (running: boolean) => void): { dispose(): void } };
  /** The Sessions view (visible or not) and whether its sessions are loaded. */
  sessionsView: { readonly visible: boolean; onDidChangeVisibility(listener: () => void): { dispose(): void } };
  sessions: { readonly current: { data: unknown }; onDidChange(listener: () => void): { dispose(): void } };
  /** A dry run shown, or a send finished (sent counts what left; cancelled when the user stopped it). */
  reminders: {
    onDidFinish(listener: (e: { kind: 'preview' } | { kind: 'send'; sent: number; cancelled: boolean }) => void): {
      dispose(): void;
    };
  };
  /**
   * Fires when a tab opens, closes or comes to the front; `dashboardOpen()` says whether the dashboard's
   * panel is open, `frontEditor()` which editor is in front when the API cannot describe it (the
   * walkthrough, the Welcome page, the Settings editor…), undefined otherwise.
   */
  panels: {
    dashboardOpen(): boolean;
    frontEditor(): object | undefined;
    onDidChange(listener: () => void): { dispose(): void };
  };
}

/** Set again each time the walkthrough may have come to the front (see the top of this file). */
export const SHOWN_KEY = 'lifeCockpit.firstRun.shown';

export class FirstRunProgress extends Disposable {
  private readonly done: Set<StepId>;
  private readonly emitter = this.register(new vscode.EventEmitter<ReadonlySet<StepId>>());
  readonly onDidChange = this.emitter.event;
  private front: object | undefined;
  private shownChanges: Promise<unknown> = Promise.resolve();

  constructor(private readonly s: FirstRunSources) {
    super();
    const stored = s.globalState.get<string[]>(DONE_KEY) ?? [];
    this.done = new Set(STEP_IDS.filter((id) => stored.includes(id)));
    for (const id of this.done) void vscode.commands.executeCommand('setContext', contextKeyOf(id), true);
    this.register(s.sandbox.onDidChange((running) => running && this.mark('sandbox')));
    this.register(s.auth.onDidChangeState((state) => this.onAuth(state)));
    this.register(s.sessionsView.onDidChangeVisibility(() => this.checkToday()));
    this.register(s.sessions.onDidChange(() => this.checkToday()));
    this.register(
      s.reminders.onDidFinish((e) => {
        if (e.kind === 'preview') this.mark('preview');
        else if (e.sent > 0 && !e.cancelled) this.mark('send');
      }),
    );
    this.register(
      s.panels.onDidChange(() => {
        if (s.panels.dashboardOpen()) this.mark('dashboard');
        this.followFront();
      }),
    );
    if (s.sandbox.running) this.mark('sandbox');
    this.onAuth(s.auth.state);
    this.checkToday();
    if (s.panels.dashboardOpen()) this.mark('dashboard');
    this.followFront();
  }

  get steps(): ReadonlySet<StepId> {
    return this.done;
  }

  isDone(id: StepId): boolean {
    return this.done.has(id);
  }

  private onAuth(state: AuthState): void {
    if (state.kind !== 'signedIn') return;
    this.mark('signIn');
    // Signed in to a sandbox: one runs and answered, whoever started it (npm start, lc sandbox).
    if (state.profileKind === 'sandbox') this.mark('sandbox');
  }

  /** Off and on again when another such editor comes to the front, off when a described one does. */
  private followFront(): void {
    const front = this.s.panels.frontEditor();
    if (this.isDisposed || front === this.front) return;
    this.front = front;
    const set = (value: boolean) => () => vscode.commands.executeCommand('setContext', SHOWN_KEY, value);
    this.shownChanges = this.shownChanges.then(set(false));
    if (front) this.shownChanges = this.shownChanges.then(set(true));
  }

  private checkToday(): void {
    if (this.s.sessionsView.visible && this.s.sessions.current.data !== undefined) this.mark('today');
  }

  private mark(id: StepId): void {
    if (this.isDisposed || this.done.has(id)) return;
    this.done.add(id);
    void this.s.globalState.update(DONE_KEY, [...this.done]);
    void vscode.commands.executeCommand('setContext', contextKeyOf(id), true);
    this.emitter.fire(this.done);
  }
}

export function contextKeyOf(id: StepId): string {
  return `lifeCockpit.firstRun.${id}`;
}
