// The dashboard webview as the editor loads it: the minified bundle (Chart.js inside) under 300 kB, run in a DOM
// with a stand-in for the webview API. Hostile text from the practice stays text; every chart has a table
// alternative with caption and headers, whose rows open the sessions behind them from the keyboard.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { JSDOM, VirtualConsole } from 'jsdom';
import { dashboardData, type DashboardRequest, type DashboardView } from '../../../src/core/dashboard';
import { aSession } from '../../builders/sessionBuilder';

const ROOT = path.join(__dirname, '..', '..', '..');
const HOSTILE = '<img src=x onerror=alert(1)>';

interface Bundle {
  js: string;
  css: string;
}

async function bundle(): Promise<Bundle> {
  const { dashboardWebview } = (await import(path.join(ROOT, 'esbuild.webview.mjs'))) as {
    dashboardWebview: esbuild.BuildOptions;
  };
  const result = await esbuild.build({
    ...dashboardWebview,
    entryPoints: (dashboardWebview.entryPoints as string[]).map((e) => path.join(ROOT, e)),
    outfile: path.join(ROOT, 'dist', 'webview', 'dashboard.js'),
    write: false,
    logLevel: 'silent',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

function load(js: string) {
  const sent: DashboardRequest[] = [];
  const alerts: unknown[] = [];
  const quiet = new VirtualConsole(); // jsdom has no canvas: Chart.js draws nothing, the tables stay
  const dom = new JSDOM('<!DOCTYPE html><html><body class="vscode-dark"><div id="root"></div></body></html>', {
    runScripts: 'outside-only',
    pretendToBeVisual: true,
    virtualConsole: quiet,
  });
  const window = dom.window as unknown as Window & {
    acquireVsCodeApi: () => unknown;
    eval(code: string): unknown;
  };
  window.alert = (message?: unknown) => void alerts.push(message);
  window.acquireVsCodeApi = () => ({ postMessage: (m: DashboardRequest) => sent.push(JSON.parse(JSON.stringify(m))) });
  window.eval(js);
  const show = (view: DashboardView) =>
    window.dispatchEvent(new dom.window.MessageEvent('message', { data: { type: 'show', view } }));
  return { dom, document: dom.window.document, sent, alerts, show };
}

const NOW = new Date('2026-12-02T10:00:00Z');

function viewWith(clientName: string): DashboardView {
  const owed = aSession().id('owed-1').attended().unpaid().fee(9000).at('2026-11-30T09:00:00Z').build();
  owed.clientName = clientName;
  const data = dashboardData({
    sessions: [owed, aSession().id('next-1').at('2026-12-03T09:00:00Z').build()],
    reminders: [],
    now: NOW,
    timeZone: 'Europe/Berlin',
    paymentsConfigured: true,
  });
  return { kind: 'data', profile: 'sandbox', data, loading: false, fetchedAt: NOW.toISOString() };
}

describe('dashboard webview', function () {
  this.timeout(30_000);
  let built: Bundle;
  before(async () => {
    built = await bundle();
  });

  it('bundles Chart.js in, minified, under 300 kB with its stylesheet', () => {
    const size = Buffer.byteLength(built.js) + Buffer.byteLength(built.css);
    assert.ok(size < 300 * 1024, `the webview bundle is ${size} bytes`);
    assert.ok(built.js.length > 50_000, 'Chart.js is inside the bundle');
    assert.doesNotMatch(built.js, /https?:\/\/cdn/i);
  });

  it('writes a client named like markup as text: nothing of it runs', () => {
    const page = load(built.js);
    assert.deepEqual(page.sent, [{ type: 'ready' }]);
    page.show(viewWith(HOSTILE));
    assert.equal(page.document.querySelectorAll('img').length, 0);
    assert.deepEqual(page.alerts, []);
    const debts = page.document.querySelector('.debts');
    assert.ok(debts?.textContent?.includes(HOSTILE), debts?.textContent ?? 'no debts listed');
  });

  it('gives each chart a table with a caption and headers, whose row opens the sessions behind it', () => {
    const page = load(built.js);
    page.show(viewWith('Ada Lovelace'));
    const tables = [...page.document.querySelectorAll('section[data-chart] table')];
    assert.equal(tables.length, 4);
    for (const table of tables) {
      assert.ok(table.querySelector('caption')?.textContent, 'a caption');
      assert.ok(table.querySelectorAll('thead th[scope=col]').length >= 2, 'column headers');
      assert.ok(table.querySelectorAll('tbody th[scope=row]').length >= 3, 'row headers');
    }
    const week = page.document.querySelector('section[data-chart=week] tr[data-key="2026-12-03"]');
    assert.equal(week?.textContent, 'Thu 3 Dec00011');
    const button = week?.querySelector('button');
    assert.ok(button, 'a row with sessions is a button the keyboard reaches');
    button.click();
    assert.deepEqual(page.sent.at(-1), { type: 'openSessions', chart: 'week', bar: '2026-12-03' });
    const money = page.document.querySelector('section[data-chart=money] tr[data-key="2026-11-30"]');
    assert.equal(
      [...(money?.querySelectorAll('td') ?? [])].map((td) => td.textContent).join(' | '),
      '0.00 EUR | 0.00 EUR | 90.00 EUR | 90.00 EUR',
    );
  });

  it('says plainly when signed out and while loading, with nothing of a profile left', () => {
    const page = load(built.js);
    page.show(viewWith('Ada Lovelace'));
    page.show({ kind: 'signedOut' });
    assert.match(page.document.body.textContent ?? '', /You are signed out/);
    assert.doesNotMatch(page.document.body.textContent ?? '', /Ada Lovelace|sandbox/);
    page.show({ kind: 'loading', profile: 'work' });
    assert.ok(page.document.querySelector('[data-state=loading]'));
  });
});
