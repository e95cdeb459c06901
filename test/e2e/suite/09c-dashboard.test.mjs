// Issue 19 in the editor: the dashboard opened from the Sessions view's button, signed in on the sandbox. Each
// chart's table alternative is opened and read as a screen-reader user would, and this week's sessions per day
// by state and the outstanding total are compared with what the test itself computes from the sandbox's
// Dataverse (`lc dv query` with the ready line's environment). In a dark and a light theme the charts redraw in
// the theme's colours while the tables stay the same; a row's day offers the sessions behind it; no
// Content-Security-Policy violation shows in the console. Screenshots of both themes go to the artifacts, and
// to media/screenshots (README's) with LC_SAVE_SCREENSHOTS=1.
// Runs before 10-startSandbox, which repoints the sandbox profile at a sandbox of the extension's own.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/processes.mjs';
import { artifactsRoot, repoRoot } from '../harness/paths.mjs';
import { editor } from './hooks.mjs';
import { COMMANDS, CONTAINER, STATUS_SIGNED_IN, STATUS_SIGNED_OUT, VIEWS } from './expectations.mjs';
import {
  barsInSeriesColours,
  canvasPixelsOfColour,
  dashboardFrame,
  dashboardScreenshot,
  expectedDashboard,
  readDashboardTables,
  refreshSessions,
  setColorTheme,
  weekRowsByState,
} from './steps.mjs';

const OPEN_DASHBOARD = 'Open Dashboard';
// The pick's labels; the setting (workbench.colorTheme) holds them as "Default Dark Modern" and "Default Light Modern".
const DARK = { name: 'Dark Modern', bodyClass: 'vscode-dark', file: 'dashboard-dark.png' };
const LIGHT = { name: 'Light Modern', bodyClass: 'vscode-light', file: 'dashboard-light.png' };

let frame;
let expected;
let darkTables;
let darkCanvas;
const consoleLines = [];

/** Where a screenshot of the panel goes: the artifacts always, README's folder when asked. */
function screenshotPaths(file) {
  const dir = join(artifactsRoot, 'dashboard');
  mkdirSync(dir, { recursive: true });
  const paths = [join(dir, file)];
  if (process.env.LC_SAVE_SCREENSHOTS === '1') {
    mkdirSync(join(repoRoot, 'media', 'screenshots'), { recursive: true });
    paths.push(join(repoRoot, 'media', 'screenshots', file));
  }
  return paths;
}

/** The panel in a theme: the body's class switched, and the week chart redrawn in the theme's foreground. */
async function inTheme(theme) {
  const { workbench } = editor();
  await setColorTheme(workbench, theme.name);
  await waitFor(`the dashboard's body to take ${theme.bodyClass}`, async () =>
    (await frame.evaluate(() => document.body.className)).split(/\s+/).includes(theme.bodyClass),
  );
  const canvas = await waitFor(`the week chart drawn in the ${theme.name} foreground`, async () => {
    const drawn = await canvasPixelsOfColour(frame, 'week', '--vscode-foreground');
    return drawn.matching > 20 ? drawn : false;
  });
  await workbench.runCommand('Notifications: Clear All Notifications');
  const tables = await readDashboardTables(frame);
  const bars = await barsInSeriesColours(frame, tables);
  assert.ok(bars.length > 0, 'some chart has bars');
  for (const drawn of bars)
    assert.ok(
      drawn.pixels > 100,
      `the ${drawn.chart} chart's ${drawn.series} bars are drawn in ${drawn.colour} in ${theme.name}: ${JSON.stringify(drawn)}`,
    );
  for (const path of screenshotPaths(theme.file)) await dashboardScreenshot(frame, path);
  return canvas;
}

describe('Life Cockpit: the Dashboard on the sandbox', function () {
  this.timeout(120_000);

  before(() => {
    editor().page.on('console', (message) => consoleLines.push(message.text()));
  });

  it('opens from the Sessions view’s button once signed in on the sandbox', async () => {
    const { workbench, sandbox } = editor();
    await workbench.openViewContainer(CONTAINER);
    const status = new RegExp(`${STATUS_SIGNED_IN.source}|${STATUS_SIGNED_OUT.source}`);
    const { text } = await workbench.waitForStatusBarItem(status, { timeoutMs: 60_000 });
    if (STATUS_SIGNED_OUT.test(text)) {
      await workbench.runCommand(COMMANDS.signIn);
      await workbench.waitForQuickInput();
      await workbench.typeIntoQuickInput(sandbox.clientSecret);
      await workbench.waitForStatusBarItem(STATUS_SIGNED_IN);
    }
    await workbench.waitForTreeRows(VIEWS.sessions, 5, { timeoutMs: 60_000 });
    // What earlier steps changed in Dataverse is read again, as a user refreshing before looking would.
    await refreshSessions(workbench, VIEWS.sessions);
    await workbench.viewTitleAction(VIEWS.sessions, OPEN_DASHBOARD);
    frame = await dashboardFrame(workbench.page);
    const title = await frame.locator('h1').innerText();
    assert.equal(title, 'Life Cockpit: Dashboard');
  });

  it('in a dark theme, shows this week’s sessions per day by state and the outstanding total as Dataverse holds them', async () => {
    const { sandbox } = editor();
    const before = new Date();
    darkCanvas = await inTheme(DARK);
    darkTables = await readDashboardTables(frame);
    expected = expectedDashboard(sandbox, darkTables.timeZone, before, new Date());

    assert.deepEqual(
      darkTables.charts.map((c) => c.id),
      ['week', 'money', 'attendance', 'reminders'],
      'each chart has its table alternative',
    );
    const week = darkTables.charts.find((c) => c.id === 'week');
    assert.deepEqual(
      week.rows.map((r) => r.key),
      expected.week.map((d) => d.day),
      'the week table lists Monday to Sunday of this week',
    );
    for (const [i, row] of week.rows.entries())
      assert.match(row.label, new RegExp(`^${expected.week[i].weekday} \\d{1,2} [A-Z][a-z]{2}$`), 'a day’s label');
    assert.deepEqual(weekRowsByState(week), expected.week, 'this week’s sessions per day by state');
    assert.ok(
      expected.week.some((d) => d.total > 0),
      'the seeded practice has sessions this week (the comparison is not of empty tables)',
    );
    assert.ok(
      expected.outstanding.some((o) => o === darkTables.outstanding),
      `the outstanding total: the panel says "${darkTables.outstanding}", Dataverse gives "${expected.outstanding.join('" or "')}"`,
    );
  });

  it('in a light theme, redraws the charts in the theme’s colours with the same table data', async () => {
    const lightCanvas = await inTheme(LIGHT);
    assert.notEqual(lightCanvas.colour, darkCanvas.colour, 'the themes’ foregrounds differ');
    assert.notEqual(lightCanvas.image, darkCanvas.image, 'the week chart is drawn anew');
    const lightTables = await readDashboardTables(frame);
    assert.deepEqual(lightTables.charts, darkTables.charts, 'the tables hold the same data in both themes');
    assert.equal(lightTables.outstanding, darkTables.outstanding);
  });

  it('offers the sessions behind a day of the week table in a quick pick', async () => {
    const { workbench } = editor();
    const busiest = [...expected.week].sort((a, b) => b.total - a.total)[0];
    const row = frame.locator(`section[data-chart="week"] tr[data-key="${busiest.day}"]`);
    await frame.locator('section[data-chart="week"] details.table-alternative summary').click();
    await row.locator('th button').click();
    const pick = await workbench.waitForQuickInput({ titleIncludes: 'Life Cockpit:' });
    const count = busiest.total === 1 ? '1 Session' : `${busiest.total} Sessions`;
    assert.equal(pick.title.trim(), `Life Cockpit: ${count}`, 'the pick names as many sessions as the day has');
    const items = await workbench.quickPickItems();
    // The list draws only the rows in view: a short day shows all of them.
    assert.ok(items.length > 0 && items.length <= busiest.total, `${items.length} rows for ${busiest.total} sessions`);
    if (busiest.total <= 5) assert.equal(items.length, busiest.total);
    assert.ok(
      items.every((i) => i.label),
      'each session is offered by its label',
    );
    await workbench.closeQuickInput();
    await frame.locator('section[data-chart="week"] details.table-alternative summary').click();
  });

  it('shows no Content-Security-Policy violation in the console', async () => {
    const { workbench } = editor();
    const refused = consoleLines.filter((line) => /Refused to/.test(line));
    assert.deepEqual(refused, []);
    await setColorTheme(workbench, DARK.name);
  });
});
