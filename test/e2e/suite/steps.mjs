// Steps more than one test file takes, built on the harness's user actions.
import { waitFor } from '../harness/processes.mjs';

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
