// Steps more than one test file takes, built on the harness's user actions.
import { spawnSync } from 'node:child_process';
import { cliPath, repoRoot } from '../harness/paths.mjs';
import { waitFor } from '../harness/processes.mjs';
import { OUTPUT_CHANNEL, VIEWS } from './expectations.mjs';

/** The active editor's text once it contains `expected` (the document may open before it is filled). */
export async function waitForEditorText(workbench, expected) {
  return waitFor(`an editor showing ${expected}`, async () => {
    const text = await workbench.activeEditorText({ timeoutMs: 2_000 });
    return text.includes(expected) ? text : false;
  });
}

/** The names of the sandbox's secrets (client secret, Stripe keys) that appear in `text`. */
export function secretsIn(text, sandbox) {
  const secrets = {
    'client secret': sandbox.clientSecret,
    'Stripe secret key': sandbox.stripeSecretKey,
    'Stripe webhook secret': sandbox.stripeWebhookSecret,
  };
  return Object.entries(secrets)
    .filter(([, value]) => value && text.includes(value))
    .map(([name]) => name);
}

/**
 * Expands a top-level group of a tree once its row is rendered: the tree draws only the rows in view, so the
 * open groups above it (Today, Needs Attention with dozens of rows) are collapsed until it shows.
 */
export async function expandGroup(workbench, view, group) {
  await waitFor(`the "${group}" group in ${view}`, async () => {
    const rows = await workbench.treeRows(view);
    if (rows.some((r) => r.level === 1 && r.label === group)) return true;
    await workbench.viewTitleAction(view, 'Collapse All');
    return false;
  });
  await workbench.expandTreeItem(view, group);
}

/**
 * Clicks Refresh Sessions and waits until the extension logged the refresh as done: a row clicked while the
 * tree is being rebuilt reaches its command without its session.
 */
export async function refreshSessions(workbench, view) {
  const count = () => (workbench.readOutputChannel('Life Cockpit').match(/views refreshed/g) ?? []).length;
  const before = count();
  await workbench.viewTitleAction(view, 'Refresh Sessions');
  await waitFor('the sessions refreshed', async () => count() > before);
}

// ---- the dashboard (09c-dashboard) ----

/** The dashboard webview's own document (the inner frame of its iframe) once it shows data. */
export async function dashboardFrame(page) {
  return waitFor(
    'the dashboard’s webview to show its charts',
    async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached() || (await frame.title().catch(() => '')) !== 'Life Cockpit: Dashboard') continue;
        const charts = await frame.locator('section[data-chart]').count();
        const refreshing = /refreshing/.test(await frame.locator('header').innerText());
        if (charts === 4 && !refreshing) return frame;
      }
      return false;
    },
    { timeoutMs: 60_000 },
  );
}

/** "12300 cents for 4 sessions" from the panel's outstanding line ("Outstanding: 123.00 EUR for 4 …"). */
function outstandingKey(cents, sessions) {
  return `${cents} cents for ${sessions} sessions`;
}

/**
 * Opens each chart's table alternative (a click on its summary, as a user would), reads its header and rows
 * (key, the row's label, the cells) and closes it again; with the outstanding line and the time zone the
 * panel counts days in.
 */
export async function readDashboardTables(frame) {
  const charts = [];
  for (const section of await frame.locator('section[data-chart]').all()) {
    const id = await section.getAttribute('data-chart');
    const details = section.locator('details.table-alternative');
    const summary = details.locator('summary');
    await summary.click();
    const table = details.locator('table');
    await table.waitFor({ state: 'visible' });
    const columns = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        key: tr.getAttribute('data-key'),
        label: (tr.querySelector('th')?.textContent ?? '').trim(),
        cells: [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()),
      })),
    );
    await summary.click();
    await table.waitFor({ state: 'hidden' });
    charts.push({ id, columns, rows });
  }
  const line = await frame.locator('[data-fact="outstandingTotal"]').innerText();
  const owed = /Outstanding: (\d+)\.(\d{2}) [A-Z]{3} for (\d+) attended sessions?\./.exec(line);
  if (!owed && !/Nothing outstanding/.test(line)) throw new Error(`an outstanding line not understood: ${line}`);
  const outstanding = owed
    ? outstandingKey(Number(owed[1]) * 100 + Number(owed[2]), Number(owed[3]))
    : outstandingKey(0, 0);
  const freshness = await frame.locator('header .freshness').innerText();
  const timeZone = /days in (\S+)/.exec(freshness)?.[1];
  if (!timeZone) throw new Error(`the panel names no time zone: ${freshness}`);
  return { charts, outstanding, timeZone };
}

/** The week table's rows as { day, weekday, attended, noShow, canceled, upcoming, total }, by its headers. */
export function weekRowsByState(week) {
  const column = (pattern) => {
    const index = week.columns.findIndex((c) => pattern.test(c)) - 1; // the first column is the day
    if (index < 0) throw new Error(`no ${pattern} column in ${week.columns.join(', ')}`);
    return index;
  };
  const at = {
    attended: column(/^attended$/i),
    noShow: column(/^no-show$/i),
    canceled: column(/^cancell?ed$/i),
    upcoming: column(/^upcoming$/i),
    total: column(/^total$/i),
  };
  return week.rows.map((row) => ({
    day: row.key,
    weekday: row.label.split(' ')[0],
    ...Object.fromEntries(Object.entries(at).map(([state, i]) => [state, Number(row.cells[i])])),
  }));
}

/** Every appointment in the sandbox's Dataverse, read with `lc dv query` in the ready line's environment. */
export function sandboxAppointments(sandbox) {
  const columns = 'activityid,scheduledstart,scheduledend,statecode,cre92_outcome,cre92_paymentstatus,cre92_fee';
  const run = spawnSync(
    process.execPath,
    [cliPath, 'dv', 'query', 'appointments', '--select', columns, '--all', '--json'],
    { cwd: repoRoot, env: { ...process.env, ...sandbox.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`lc dv query failed (${run.status}): ${run.stdout}${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

const DAY_MS = 86_400_000;
// Dataverse's appointment state, the practice's outcome and payment choices (the sandbox's schema).
const COMPLETED = 1;
const CANCELED = 2;
const NO_SHOW = 100000001;
const OWED_PAYMENTS = new Set([null, undefined, 100000000, 100000001, 100000002, 100000004]); // none, unpaid, invoiced, failed

function dayIn(instant, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

/**
 * What the dashboard should show, computed here from the appointments alone: this week's sessions per day by
 * state in `timeZone`, and the outstanding total (attended sessions that ended, with a fee, not paid nor
 * refunded, of the 98 days the editor's store reads). The panel computed its view at some instant between
 * `from` and `to`, so the outstanding total is given at both ends (usually the same).
 */
export function expectedDashboard(sandbox, timeZone, from, to) {
  const rows = sandboxAppointments(sandbox);
  const stateOf = (r) =>
    r.statecode === CANCELED
      ? 'canceled'
      : r.statecode === COMPLETED
        ? r.cre92_outcome === NO_SHOW
          ? 'noShow'
          : 'attended'
        : 'upcoming';
  const today = dayIn(to, timeZone);
  const mondayIndex = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const week = Array.from({ length: 7 }, (_, i) => {
    const date = new Date(Date.parse(`${today}T00:00:00Z`) + (i - mondayIndex) * DAY_MS);
    const day = date.toISOString().slice(0, 10);
    const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(date);
    return { day, weekday, attended: 0, noShow: 0, canceled: 0, upcoming: 0, total: 0 };
  });
  for (const r of rows) {
    const entry = week.find((d) => d.day === dayIn(new Date(r.scheduledstart), timeZone));
    if (!entry) continue;
    entry[stateOf(r)] += 1;
    entry.total += 1;
  }
  const outstandingAt = (now) => {
    const owed = rows.filter(
      (r) =>
        stateOf(r) === 'attended' &&
        Date.parse(r.scheduledstart) >= now.getTime() - 98 * DAY_MS &&
        Date.parse(r.scheduledend) <= now.getTime() &&
        typeof r.cre92_fee === 'number' &&
        r.cre92_fee > 0 &&
        OWED_PAYMENTS.has(r.cre92_paymentstatus),
    );
    const cents = owed.reduce((sum, r) => sum + Math.round(r.cre92_fee * 100), 0);
    return outstandingKey(cents, owed.length);
  };
  return { week, outstanding: [...new Set([outstandingAt(from), outstandingAt(to)])] };
}

/** Picks a colour theme through Preferences: Color Theme, as a user does. */
export async function setColorTheme(workbench, name) {
  await workbench.runCommand('Preferences: Color Theme');
  await workbench.waitForQuickInput();
  await workbench.typeIntoQuickInput(name, { submit: false });
  await workbench.pickQuickItem(name);
  await workbench.quickInput().waitFor({ state: 'hidden' });
}

/**
 * How much of a chart's canvas is drawn in a theme colour (its axis labels and legend are drawn in the
 * foreground): the colour as the page resolves `variable`, the count of pixels near it, and the canvas's image.
 */
export async function canvasPixelsOfColour(frame, chartId, variable, { aboveLegend = false } = {}) {
  return frame.evaluate(
    ({ chartId, variable, aboveLegend }) => {
      const probe = document.createElement('span');
      probe.style.color = getComputedStyle(document.body).getPropertyValue(variable).trim();
      document.body.append(probe);
      const colour = getComputedStyle(probe).color;
      probe.remove();
      const [r, g, b] = (colour.match(/\d+/g) ?? []).map(Number);
      const canvas = document.querySelector(`section[data-chart="${chartId}"] canvas`);
      // The legend's swatches (the bottom 40 px) are drawn in the series' colours whatever the bars are.
      const height = aboveLegend ? canvas.height - Math.ceil(40 * devicePixelRatio) : canvas.height;
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, height);
      let matching = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 24)
          matching++;
      return { colour, matching, image: canvas.toDataURL() };
    },
    { chartId, variable, aboveLegend },
  );
}

/** A screenshot of the dashboard's panel (its webview's iframe) saved to `path`. */
export async function dashboardScreenshot(frame, path) {
  // The panel from its top, with no notification toast over it.
  await frame.evaluate(() => window.scrollTo(0, 0));
  await waitFor('the dashboard scrolled to its top', () => frame.evaluate(() => window.scrollY === 0));
  const outer = await frame.parentFrame()?.frameElement();
  if (!outer) throw new Error('the dashboard’s webview has no iframe');
  await outer.screenshot({ path });
}

/** The colour each series of each chart is drawn in (src/core/dashboard's series), by its table header. */
const SERIES_COLOURS = {
  week: { Attended: 'green', 'No-show': 'red', Canceled: 'orange', Upcoming: 'blue' },
  money: { Paid: 'green', Invoiced: 'yellow', Outstanding: 'red' },
  attendance: { 'No-show rate': 'red', 'Late-cancellation rate': 'orange' },
  reminders: { Sent: 'green', Failed: 'red', Pending: 'blue' },
};

/**
 * For each chart, the series its table gives the most to (by the numbers in its cells) and how many pixels of
 * the chart's bars, above its legend, are drawn in that series' theme colour (`--vscode-charts-<colour>`).
 */
export async function barsInSeriesColours(frame, tables) {
  const drawn = [];
  for (const chart of tables.charts) {
    const sums = chart.columns
      .slice(1)
      .map((label, i) => ({ label, sum: chart.rows.reduce((a, r) => a + (Number.parseFloat(r.cells[i]) || 0), 0) }))
      .filter((s) => SERIES_COLOURS[chart.id][s.label]);
    const largest = sums.sort((a, b) => b.sum - a.sum)[0];
    if (!largest || largest.sum === 0) continue;
    const variable = `--vscode-charts-${SERIES_COLOURS[chart.id][largest.label]}`;
    const pixels = await canvasPixelsOfColour(frame, chart.id, variable, { aboveLegend: true });
    drawn.push({ chart: chart.id, series: largest.label, colour: pixels.colour, pixels: pixels.matching });
  }
  return drawn;
}

/** Moves the mouse off the trees and closes what it opened: a row's hover can cover the Reminders view's header. */
export async function clearHovers(workbench) {
  await workbench.page.mouse.move(700, 450);
  await workbench.page.keyboard.press('Escape');
}

/**
 * Refreshes the Reminders view (waiting until it is rebuilt), collapses it, and opens only `group`. The other
 * views of the container are collapsed first: groups earlier steps left open there (Past 30 Days, a Dataverse
 * table) would leave the Reminders view a few rows tall, and the tree draws only the rows in view. A later step
 * that reads another view expands it again (Workbench.view does).
 */
export async function openRemindersGroup(workbench, group) {
  await clearHovers(workbench);
  for (const other of [VIEWS.sessions, 'Dataverse', VIEWS.webhookInbox]) await workbench.collapseView(other);
  const refreshes = () => (workbench.readOutputChannel(OUTPUT_CHANNEL).match(/views refreshed/g) ?? []).length;
  const before = refreshes();
  await workbench.viewTitleAction(VIEWS.reminders, 'Refresh Reminders');
  await waitFor('the views refreshed', async () => refreshes() > before);
  await workbench.viewTitleAction(VIEWS.reminders, 'Collapse All');
  await workbench.expandTreeItem(VIEWS.reminders, group);
}
