// Life Cockpit: Get Started — the walkthrough's six steps in a webview, for Cursor, where walkthroughs
// do not open (../shared/reference/editor-compat.md §5), and for anyone who prefers a page. Each step is
// a button that runs its command, and its tick comes from the same progress the walkthrough's context
// keys come from. A strict Content-Security-Policy: no script but ours (its nonce), images and styles
// from the extension only; colours are the theme's CSS variables. The page can only ask for a step by
// its id: the command is looked up here, so a message from the page never names a command to run.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { FIRST_RUN_STEPS, FirstRunProgress, STEP_IDS, type FirstRunSources, type StepId } from './getStartedSteps';
import { Disposable } from './lifecycle';

export const GET_STARTED_VIEW_TYPE = 'lifeCockpit.getStarted';

export class GetStartedPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly steps: FirstRunProgress,
  ) {
    super();
    this.register(steps.onDidChange(() => this.postState()));
    this.register({ dispose: () => this.panel?.dispose() });
  }

  get progress(): FirstRunProgress {
    return this.steps;
  }

  /** Takes ownership of something disposed with the page. */
  owns(value: vscode.Disposable): void {
    this.register(value);
  }

  /** Opens the page, or brings it to the front when it is open. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media', 'walkthrough');
    const panel = vscode.window.createWebviewPanel(
      GET_STARTED_VIEW_TYPE,
      'Life Cockpit: Get Started',
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [media] },
    );
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'life-cockpit.svg');
    panel.webview.html = getStartedHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      imageUri: (file) => panel.webview.asWebviewUri(vscode.Uri.joinPath(media, file)).toString(),
      done: this.progress.steps,
    });
    panel.webview.onDidReceiveMessage((message: unknown) => void this.run(message));
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private async run(message: unknown): Promise<void> {
    const step = stepAsked(message);
    if (!step) return;
    await vscode.commands.executeCommand(FIRST_RUN_STEPS.find((s) => s.id === step)?.command as string);
  }

  private postState(): void {
    void this.panel?.webview.postMessage({ type: 'done', steps: [...this.progress.steps] });
  }
}

/** The step a message from the page asks to run, when it is one of ours; anything else is ignored. */
export function stepAsked(message: unknown): StepId | undefined {
  const m = message as { type?: unknown; step?: unknown } | null | undefined;
  if (m?.type !== 'run' || typeof m.step !== 'string') return undefined;
  return (STEP_IDS as readonly string[]).includes(m.step) ? (m.step as StepId) : undefined;
}

export interface GetStartedPage {
  cspSource: string;
  nonce: string;
  imageUri(file: string): string;
  done: ReadonlySet<StepId>;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function getStartedHtml(page: GetStartedPage): string {
  const { cspSource, nonce } = page;
  const steps = FIRST_RUN_STEPS.map((step, index) => {
    const done = page.done.has(step.id);
    return `
    <li class="step${done ? ' done' : ''}" data-step="${step.id}">
      <div class="text">
        <h2><span class="tick" aria-hidden="true">${done ? '✓' : index + 1}</span> ${escapeHtml(step.title)}
          <span class="state" role="status">${done ? 'Done' : 'Not done yet'}</span></h2>
        <p>${escapeHtml(step.text)}</p>
        <button type="button" data-step="${step.id}">${escapeHtml(step.button)}</button>
      </div>
      <img src="${page.imageUri(step.image)}" alt="${escapeHtml(step.altText)}" width="240">
    </li>`;
  }).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Life Cockpit: Get Started</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 24px 24px; max-width: 880px; }
  h1 { font-weight: 600; font-size: 1.6em; }
  ol { list-style: none; padding: 0; margin: 0; }
  .step { display: flex; gap: 24px; align-items: flex-start; padding: 16px; margin: 0 0 12px; border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); border-radius: 6px; }
  .text { flex: 1; }
  h2 { font-size: 1.15em; margin: 0 0 6px; display: flex; align-items: center; gap: 8px; }
  .tick { display: inline-flex; justify-content: center; align-items: center; width: 22px; height: 22px; border-radius: 50%; border: 1px solid var(--vscode-descriptionForeground); font-size: 0.85em; }
  .done .tick { background: var(--vscode-testing-iconPassed, var(--vscode-button-background)); color: var(--vscode-button-foreground); border-color: transparent; }
  .state { font-weight: normal; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
  p { color: var(--vscode-descriptionForeground); margin: 0 0 10px; }
  button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 4px 12px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  img { border: 1px solid var(--vscode-widget-border, transparent); border-radius: 4px; max-width: 40%; height: auto; }
</style>
</head>
<body>
<h1>Get started with Life Cockpit</h1>
<p>Six steps from the built-in sandbox to sending reminders. Each ticks when it really happened.</p>
<ol>${steps}
</ol>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  for (const button of document.querySelectorAll('button[data-step]'))
    button.addEventListener('click', () => vscode.postMessage({ type: 'run', step: button.dataset.step }));
  window.addEventListener('message', (event) => {
    if (event.data?.type !== 'done') return;
    const done = new Set(event.data.steps);
    document.querySelectorAll('li.step').forEach((item, index) => {
      const isDone = done.has(item.dataset.step);
      item.classList.toggle('done', isDone);
      item.querySelector('.tick').textContent = isDone ? '✓' : String(index + 1);
      item.querySelector('.state').textContent = isDone ? 'Done' : 'Not done yet';
    });
  });
</script>
</body>
</html>`;
}

/** What the first run watches, as the composition root has it. */
export interface FirstRunServices {
  context: vscode.ExtensionContext;
  auth: FirstRunSources['auth'];
  sandbox: FirstRunSources['sandbox'];
  sessions: FirstRunSources['sessions'];
  sessionsView: FirstRunSources['sessionsView'];
  sender: FirstRunSources['reminders'];
}

/** The first run's progress and its Get Started page; the dashboard and the walkthrough are seen among the tabs. */
export function startFirstRun(s: FirstRunServices): GetStartedPanel {
  const progress = new FirstRunProgress({
    globalState: s.context.globalState,
    auth: s.auth,
    sandbox: s.sandbox,
    sessions: s.sessions,
    sessionsView: s.sessionsView,
    reminders: s.sender,
    panels: {
      dashboardOpen,
      frontEditor,
      onDidChange: (listener) => vscode.window.tabGroups.onDidChangeTabs(listener),
    },
  });
  const panel = new GetStartedPanel(s.context.extensionUri, progress);
  panel.owns(progress);
  return panel;
}

/** Whether the dashboard's webview panel is open in any tab group (its view type names the dashboard). */
function dashboardOpen(): boolean {
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some(
      (tab) => tab.input instanceof vscode.TabInputWebview && /lifeCockpit\.dashboard/i.test(tab.input.viewType),
    ),
  );
}

/** The tab in front when it is an editor the API does not describe (its input is undefined), as the walkthrough. */
function frontEditor(): object | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab && tab.input === undefined ? tab : undefined;
}
