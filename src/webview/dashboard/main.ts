// The dashboard webview's entry (bundled by esbuild into dist/webview/dashboard.js): takes views from the
// extension by postMessage, draws them, follows the editor's theme, and sends back which sessions to open.
import './dashboard.css';
import type { DashboardRequest, DashboardShow } from '../../core/dashboard';
import { DashboardPage } from './render';
import { onThemeChange, readTheme } from './theme';

interface VsCodeApi {
  postMessage(message: DashboardRequest): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;
const page = new DashboardPage(root, (request) => vscode.postMessage(request), readTheme());
onThemeChange(() => page.applyTheme(readTheme()));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as Partial<DashboardShow> | undefined;
  if (message?.type === 'show' && message.view) page.show(message.view);
});
vscode.postMessage({ type: 'ready' });
