// Signed in, the Sessions and Reminders views fill from the sandbox's practice: groups with their counts,
// rows labelled with clients' names, and a session's context menu that copies its id.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import {
  CONTAINER,
  COPIED_SESSION_ID,
  COPY_SESSION_ID,
  PAST_GROUP,
  REMINDER_GROUPS,
  SESSION_GROUPS,
  VIEWS,
} from './expectations.mjs';

describe('Life Cockpit: Sessions and Reminders views', () => {
  it('shows the five session groups, each with its count, and some sessions', async () => {
    const { workbench } = editor();
    await workbench.openViewContainer(CONTAINER);
    const groups = await showAllGroups(workbench, VIEWS.sessions, SESSION_GROUPS);
    assert.deepEqual(
      groups.map((g) => g.label),
      SESSION_GROUPS,
    );
    // A count; Needs Attention adds what clients owe ("65 · 6030.00 EUR owed").
    for (const group of groups)
      assert.match(group.description, /^\d+( · [\d.,]+ [A-Z]{3} owed)?$/, `${group.label} shows no count`);
    assert.ok(
      groups.some((g) => parseInt(g.description, 10) > 0),
      `every session group is empty: ${JSON.stringify(groups)}`,
    );
  });

  it('expands "Past 30 Days" to rows labelled with client names and dates', async () => {
    const { workbench } = editor();
    const before = groupRow(await workbench.treeRows(VIEWS.sessions), PAST_GROUP);
    assert.equal(before.expanded, false, `"${PAST_GROUP}" starts collapsed`);
    assert.ok(Number(before.description) > 0, 'the seeded practice has sessions in the past 30 days');
    await workbench.expandTreeItem(VIEWS.sessions, PAST_GROUP);
    const sessions = await waitForChildren(workbench, VIEWS.sessions, PAST_GROUP);
    for (const row of sessions) {
      assert.ok(row.label.length > 0, 'a session row has no label');
      // The label falls back to the appointment's subject ("Session – …") when the client is unknown.
      assert.doesNotMatch(row.label, /^Session\b|^undefined$|[0-9a-f]{8}-[0-9a-f]{4}-/i, 'not a client name');
      assert.match(row.description, /\d{1,2}[:.]\d{2}/, `"${row.label}" shows no time: ${row.description}`);
    }
  });

  it('copies a session id from its context menu and says so in the status bar', async () => {
    const { workbench } = editor();
    const [session] = await waitForChildren(workbench, VIEWS.sessions, PAST_GROUP);
    await workbench.contextMenuAction(VIEWS.sessions, session.label, COPY_SESSION_ID);
    const message = await workbench.waitForStatusBarItem(COPIED_SESSION_ID);
    const id = message.text.match(COPIED_SESSION_ID)[1];
    assert.equal(await workbench.readClipboard(), id, 'the clipboard holds the id the status bar names');
  });

  it('shows the six reminder groups with counts and expands a non-empty one to its reminders', async () => {
    const { workbench } = editor();
    const groups = await showAllGroups(workbench, VIEWS.reminders, REMINDER_GROUPS);
    assert.deepEqual(
      groups.map((g) => g.label),
      REMINDER_GROUPS,
    );
    for (const group of groups) assert.match(group.description, /^\d+$/, `${group.label} shows no count`);
    const filled = groups.find((g) => parseInt(g.description, 10) > 0);
    assert.ok(filled, `every reminder group is empty: ${JSON.stringify(groups)}`);
    await workbench.expandTreeItem(VIEWS.reminders, filled.label);
    const reminders = await waitForChildren(workbench, VIEWS.reminders, filled.label);
    for (const row of reminders) {
      assert.ok(row.label.length > 0 && row.label !== 'Unknown client', `a reminder row names no client`);
      assert.match(row.description, /^(reminder|follow-up) · /, `"${row.label}": ${row.description}`);
    }
  });
});

/**
 * Waits for a tree's top-level groups, then collapses them all (the view's "Collapse All") so every
 * group row is on screen at once, and returns the groups in display order.
 */
async function showAllGroups(workbench, view, names) {
  await waitFor(`the ${view} groups`, async () => groupsIn(await workbench.treeRows(view), names).length > 0);
  await workbench.viewTitleAction(view, 'Collapse All');
  return waitFor(`all ${names.length} ${view} groups`, async () => {
    const groups = groupsIn(await workbench.treeRows(view), names);
    return groups.length === names.length ? groups : false;
  });
}

function groupsIn(rows, names) {
  return rows.filter((row) => row.level === 1 && names.includes(row.label));
}

function groupRow(rows, name) {
  const row = rows.find((r) => r.level === 1 && r.label === name);
  assert.ok(row, `no "${name}" group in ${JSON.stringify(rows)}`);
  return row;
}

/** The rendered child rows of an expanded group, once there is at least one. */
async function waitForChildren(workbench, view, group) {
  return waitFor(`rows under "${group}" in ${view}`, async () => {
    const rows = await workbench.treeRows(view);
    const at = rows.findIndex((r) => r.level === 1 && r.label === group);
    if (at < 0) return false;
    const next = rows.findIndex((r, i) => i > at && r.level === 1);
    const children = rows.slice(at + 1, next < 0 ? undefined : next);
    return children.length > 0 ? children : false;
  });
}
