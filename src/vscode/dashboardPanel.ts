// Life Cockpit: Open Dashboard. One webview panel (revealed when open) fed from the profile session's sessions
// and reminders stores, the same the trees read (no second network path): it re-renders on their change
// events, follows a profile switch and a sign-out, and says when it is loading or offline. A bar (or a row of
// its table) offers the sessions behind it in a quick pick; the one chosen opens as a read-only document.
// It keeps no secret: whether a Stripe key is set is read as a yes or no, and the key itself is dropped.
import * as vscode from 'vscode';
import { z } from 'zod';
import { dashboardView, sessionIdsBehind, type DashboardData, type DashboardShow } from '../core/dashboard';
import type { Session } from '../core/sessions';
import { dashboardHtml } from './dashboardHtml';
import { Disposable } from './lifecycle';
import type { EditorServices } from './services';
import { sessionItemView } from './sessionItem';
import { stripeSecretKeyName } from './stripeKeys';

/** What the webview may ask, checked before anything is done with it: the page is not trusted. */
const request = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('openSessions'),
    chart: z.enum(['week', 'money', 'attendance', 'reminders']),
    bar: z.string().max(20),
    series: z.string().max(40).optional(),
  }),
  z.object({ type: z.literal('openSession'), sessionId: z.string().max(64) }),
]);

export class DashboardPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Listeners that live as long as the panel: disposed when it closes. */
  private panelOwned: vscode.Disposable[] = [];
  private shown: DashboardData | undefined;
  /** Per profile: whether a Stripe key is stored (a yes or no, never the key). */
  private readonly payments = new Map<string, boolean>();

  constructor(private readonly s: EditorServices) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const root = this.s.context.extensionUri;
    const bundle = vscode.Uri.joinPath(root, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(
      'lifeCockpit.dashboard',
      'Life Cockpit: Dashboard',
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [bundle, vscode.Uri.joinPath(root, 'media')] },
    );
    panel.iconPath = vscode.Uri.joinPath(root, 'media', 'life-cockpit.svg');
    panel.webview.html = dashboardHtml(panel.webview, bundle);
    this.panel = panel;
    const { session, auth, context } = this.s;
    this.panelOwned = [
      panel.webview.onDidReceiveMessage((message: unknown) => void this.handle(message)),
      panel.onDidDispose(() => this.closed()),
      session.sessions.onDidChange(() => this.update()),
      session.reminders.onDidChange(() => this.update()),
      auth.onDidChangeState(() => this.update()),
      context.secrets.onDidChange((e) => {
        if (e.key.includes('/stripeSecretKey/')) {
          this.payments.clear();
          this.update();
        }
      }),
    ];
    this.s.log.info('dashboard opened');
  }

  private closed(): void {
    for (const owned of this.panelOwned.splice(0)) owned.dispose();
    this.panel = undefined;
    this.shown = undefined;
  }

  /** Sends the current view; the webview asks again (ready) whenever it is rebuilt. */
  private update(): void {
    const panel = this.panel;
    if (!panel) return;
    const { session, auth, config, clock } = this.s;
    const profile = session.clients ? auth.activeProfile : undefined;
    const state = auth.state;
    const view = dashboardView({
      profile: profile?.name,
      ...(state.kind === 'signingIn' ? { signingIn: state.profile } : {}),
      sessions: session.sessions.current,
      reminders: session.reminders.current,
      now: new Date(clock.now()),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      paymentsConfigured: profile ? this.paymentsConfigured(profile.name, profile.stripeMode) : false,
      currency: config.loaded.config.payments.currency,
    });
    this.shown = view.kind === 'data' ? view.data : undefined;
    const message: DashboardShow = { type: 'show', view };
    void panel.webview.postMessage(message);
  }

  private paymentsConfigured(profile: string, mode: 'test' | 'live'): boolean {
    const known = this.payments.get(profile);
    if (known !== undefined) return known;
    void this.s.context.secrets.get(stripeSecretKeyName(profile, mode)).then((key) => {
      this.payments.set(profile, key !== undefined && key !== '');
      this.update();
    });
    return true; // until known, the money panel does not claim payments are missing
  }

  private async handle(message: unknown): Promise<void> {
    const parsed = request.safeParse(message);
    if (!parsed.success) {
      this.s.log.warn('dashboard sent a message that does not fit', { issue: parsed.error.issues[0]?.message });
      return;
    }
    const m = parsed.data;
    if (m.type === 'ready') return this.update();
    const ids =
      m.type === 'openSession'
        ? [m.sessionId]
        : this.shown
          ? sessionIdsBehind(this.shown, m.chart, m.bar, m.series)
          : [];
    await this.offer(ids);
  }

  /** A quick pick of the sessions behind a bar; the one chosen opens as a read-only document. */
  private async offer(ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    const sessions = (this.s.session.sessions.current.data ?? []).filter((x) => wanted.has(x.id.toLowerCase()));
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage('No sessions behind that bar.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      sessions.map((session) => {
        const view = sessionItemView(session);
        return { label: view.label, description: view.description, detail: session.subject, session };
      }),
      {
        title: `Life Cockpit: ${sessions.length === 1 ? '1 Session' : `${sessions.length} Sessions`}`,
        placeHolder: 'Open a session',
        matchOnDescription: true,
      },
    );
    if (picked) await this.openSession(picked.session);
  }

  private async openSession(session: Session): Promise<void> {
    const text = `${sessionItemView(session).tooltip}\n\n- Id: \`${session.id}\`\n`;
    await this.s.documents.show(`Session ${session.id}.md`, text, 'markdown');
  }
}
