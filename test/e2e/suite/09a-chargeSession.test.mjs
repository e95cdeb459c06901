// Issue 16 in the real editor: test mode is plain to see (status bar), an attended unpaid session is charged
// from its context menu (the key asked for once in a password box, a question naming the profile, its mode
// and the amount), the notification says Stripe sends no invoice e-mail in test mode, and the Sessions tree
// shows the session invoiced.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import { expandGroup, refreshSessions } from './steps.mjs';
import {
  CHARGE_BUTTON,
  CHARGE_QUESTION,
  CHARGE_SESSION,
  CHARGED_IN_TEST_MODE,
  CONTAINER,
  PAST_GROUP,
  STRIPE_KEY_PROMPT,
  STRIPE_TEST_MODE,
  VIEWS,
} from './expectations.mjs';

/** The first segment of a session row's description: its local day and time. */
function whenOf(row) {
  return row.description.split(' · ')[0];
}

describe('Life Cockpit: Charge Session against the sandbox’s Stripe', () => {
  it('says Stripe TEST MODE in the status bar for the sandbox profile', async () => {
    const { workbench } = editor();
    await workbench.waitForStatusBarItem(STRIPE_TEST_MODE);
  });

  it('charges an attended unpaid session after one question, and the tree shows it invoiced', async function () {
    this.timeout(120_000);
    const { workbench, sandbox } = editor();
    await workbench.openViewContainer(CONTAINER);
    await refreshSessions(workbench, VIEWS.sessions);
    await expandGroup(workbench, VIEWS.sessions, PAST_GROUP);
    const unpaid = await waitFor('an attended unpaid session whose client has no other session shown', async () => {
      const rows = (await workbench.treeRows(VIEWS.sessions)).filter((r) => r.level === 2);
      // The same session may show in Needs Attention and in Past 30 Days; another session of the client may not.
      const alone = (row) => rows.every((r) => r.label !== row.label || whenOf(r) === whenOf(row));
      return rows.find((r) => r.icon === 'pass' && /\bunpaid\b/.test(r.description) && alone(r)) ?? false;
    });
    await workbench.contextMenuAction(VIEWS.sessions, unpaid.label, CHARGE_SESSION);

    const input = await workbench.waitForQuickInput();
    assert.match(`${input.title} ${input.prompt}`, STRIPE_KEY_PROMPT, 'the missing key is asked for');
    assert.ok(input.password, 'the Stripe key is typed into a password box');
    await workbench.typeIntoQuickInput(sandbox.stripeSecretKey);

    const question = await workbench.answerDialog(CHARGE_QUESTION, CHARGE_BUTTON);
    assert.match(question, /Stripe TEST MODE/);
    assert.match(question, CHARGED_IN_TEST_MODE);

    const said = await workbench.waitForNotification(CHARGED_IN_TEST_MODE, { timeoutMs: 60_000 });
    assert.match(said, /Invoiced ".*": \d+\.\d{2} [A-Z]{3} \(in_/);
    await waitFor(
      `"${unpaid.label}" shown invoiced`,
      async () => {
        const rows = await workbench.treeRows(VIEWS.sessions);
        return rows.some(
          (r) => r.label === unpaid.label && whenOf(r) === whenOf(unpaid) && /(^|· )invoiced\b/.test(r.description),
        );
      },
      { timeoutMs: 30_000 },
    );
  });
});
