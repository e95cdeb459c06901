// Builds the dashboard's page from a view. Everything that came from data is written with textContent (a
// client named `<img src=x onerror=…>` stays text); each chart has a real table alternative whose rows open
// the sessions behind them from the keyboard as a click on a bar does.
import type { Chart, DashboardData, DashboardRequest, DashboardView, MoneyChart } from '../../core/dashboard';
import { BarChart } from './barChart';
import { barNoun, moneyText, totalText, valueText } from './format';
import type { ThemeColours } from './theme';

export type Send = (request: DashboardRequest) => void;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { text?: string; className?: string; attrs?: Record<string, string> } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.text !== undefined) node.textContent = options.text;
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export class DashboardPage {
  private charts: BarChart[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly send: Send,
    private theme: ThemeColours,
  ) {}

  show(view: DashboardView): void {
    this.clear();
    const header = el('header', {}, el('h1', { text: 'Life Cockpit: Dashboard' }));
    this.root.append(header);
    if (view.kind === 'signedOut') {
      this.root.append(
        el('p', {
          className: 'state',
          text: 'You are signed out. Sign in (Life Cockpit: Sign In) to see your practice at a glance; nothing of the previous profile is shown.',
          attrs: { role: 'status', 'data-state': 'signedOut' },
        }),
      );
      return;
    }
    header.append(el('p', { className: 'profile', text: `Profile: ${view.profile}` }));
    if (view.kind === 'loading') {
      this.root.append(
        el('p', {
          className: 'state',
          text: 'Loading sessions and reminders…',
          attrs: { role: 'status', 'data-state': 'loading' },
        }),
      );
      return;
    }
    if (view.kind === 'error') {
      this.root.append(
        el('p', { className: 'state error', text: view.message, attrs: { role: 'alert', 'data-state': 'error' } }),
      );
      return;
    }
    header.append(this.freshness(view));
    const grid = el('main', { className: 'grid' });
    this.root.append(grid);
    this.section(grid, view.data.week, view.data);
    this.section(grid, view.data.money, view.data, this.moneyFacts(view.data.money));
    this.section(grid, view.data.attendance, view.data);
    const share = view.data.reminders.share;
    this.section(
      grid,
      view.data.reminders,
      view.data,
      el('p', {
        className: 'fact',
        attrs: { 'data-fact': 'reminderShare' },
        text:
          share.percent === undefined
            ? 'No sessions in the last 7 days.'
            : `${share.percent}% of the last 7 days' sessions had a reminder sent (${share.withReminder} of ${share.sessions}).`,
      }),
    );
  }

  applyTheme(theme: ThemeColours): void {
    this.theme = theme;
    for (const chart of this.charts) chart.applyTheme(theme);
  }

  private clear(): void {
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
    this.root.replaceChildren();
  }

  private freshness(view: Extract<DashboardView, { kind: 'data' }>): HTMLElement {
    const parts: string[] = [];
    if (view.fetchedAt) parts.push(`Updated ${localTime(view.fetchedAt)}`);
    parts.push(`days in ${view.data.timeZone}`);
    if (view.loading) parts.push('refreshing…');
    const line = el('p', { className: 'freshness', text: parts.join(' · '), attrs: { role: 'status' } });
    if (view.offlineSince) {
      const offline = el('p', {
        className: 'state warning',
        attrs: { 'data-state': 'offline' },
        text: `Offline since ${localTime(view.offlineSince)}: showing the last data fetched.${view.error ? ` ${view.error}` : ''}`,
      });
      return el('div', {}, line, offline);
    }
    return line;
  }

  private moneyFacts(money: MoneyChart): HTMLElement {
    const box = el('div', { className: 'facts' });
    if (money.needs)
      box.append(el('p', { className: 'state warning', text: money.needs, attrs: { 'data-fact': 'moneyNeeds' } }));
    const { outstanding } = money;
    box.append(
      el('p', {
        className: 'fact',
        attrs: { 'data-fact': 'outstandingTotal' },
        text:
          outstanding.sessions === 0
            ? 'Nothing outstanding.'
            : `Outstanding: ${moneyText(outstanding.totalCents, money.currency)} for ${outstanding.sessions} attended session${outstanding.sessions === 1 ? '' : 's'}.`,
      }),
    );
    if (outstanding.oldest.length > 0) {
      const list = el('ol', { className: 'debts', attrs: { 'aria-label': 'Oldest debts' } });
      for (const debt of outstanding.oldest) {
        const button = el('button', {
          className: 'link',
          text: `${debt.clientName}: ${moneyText(debt.feeCents, money.currency)}, ${debt.day} (${debt.payment})`,
        });
        button.addEventListener('click', () => this.send({ type: 'openSession', sessionId: debt.sessionId }));
        list.append(el('li', {}, button));
      }
      box.append(el('p', { className: 'fact', text: 'Oldest debts:' }), list);
    }
    return box;
  }

  private section(grid: HTMLElement, chart: Chart, data: DashboardData, extra?: HTMLElement): void {
    const currency = data.money.currency;
    const titleId = `title-${chart.id}`;
    const section = el('section', {
      className: 'chart',
      attrs: { 'aria-labelledby': titleId, 'data-chart': chart.id },
    });
    section.append(el('h2', { text: chart.title, attrs: { id: titleId } }));
    if (extra) section.append(extra);
    if (chart.empty)
      section.append(
        el('p', { className: 'state', text: 'Nothing to show here yet.', attrs: { 'data-empty': 'true' } }),
      );
    const canvas = el('canvas', {
      attrs: { role: 'img', 'aria-label': `${chart.title}: bar chart. The same data is in the table below.` },
    });
    section.append(el('div', { className: 'canvas' }, canvas));
    section.append(this.table(chart, currency));
    grid.append(section);
    this.charts.push(
      new BarChart(canvas, chart, currency, this.theme, (bar, series) =>
        this.send({ type: 'openSessions', chart: chart.id, bar, series }),
      ),
    );
  }

  private table(chart: Chart, currency: string): HTMLElement {
    const total = chart.stacked;
    const head = el(
      'tr',
      {},
      el('th', { text: barNoun(chart), attrs: { scope: 'col' } }),
      ...chart.series.map((s) => el('th', { text: s.label, attrs: { scope: 'col' } })),
      ...(total ? [el('th', { text: 'Total', attrs: { scope: 'col' } })] : []),
    );
    const body = el('tbody');
    for (const bar of chart.bars) {
      const ids = new Set(bar.sessionIds.flat());
      const label =
        ids.size > 0
          ? el('button', {
              className: 'link',
              text: bar.label,
              attrs: {
                'aria-label': `${bar.label}: open the ${ids.size} session${ids.size === 1 ? '' : 's'} behind it`,
              },
            })
          : document.createTextNode(bar.label);
      if (label instanceof HTMLButtonElement)
        label.addEventListener('click', () => this.send({ type: 'openSessions', chart: chart.id, bar: bar.key }));
      body.append(
        el(
          'tr',
          { attrs: { 'data-key': bar.key } },
          el('th', { attrs: { scope: 'row' } }, label),
          ...chart.series.map((_, i) => el('td', { text: valueText(chart, bar, i, currency) })),
          ...(total ? [el('td', { text: totalText(chart, bar, currency) })] : []),
        ),
      );
    }
    const table = el('table', {}, el('caption', { text: chart.caption }), el('thead', {}, head), body);
    return el(
      'details',
      { className: 'table-alternative' },
      el('summary', { text: `${chart.title} as a table` }),
      table,
    );
  }
}
