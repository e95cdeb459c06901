// Issue 16 in the real editor: the practitioner starts the webhook receiver (the status bar says where it
// listens), an attended unpaid session is charged, the sandbox's Stripe pays it and delivers invoice.paid
// to the receiver, and the Sessions tree marks the session paid, with the request in the Webhook Inbox.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import Stripe from 'stripe';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import {
  CONTAINER,
  COPIED_SESSION_ID,
  COPY_SESSION_ID,
  PAST_GROUP,
  START_WEBHOOK_RECEIVER,
  STRIPE_KEY_PROMPT,
  STRIPE_WEBHOOK_SECRET_PROMPT,
  VIEWS,
  WEBHOOK_RECEIVER_LISTENING,
  WEBHOOK_RECEIVER_STOPPED,
  STOP_WEBHOOK_RECEIVER,
} from './expectations.mjs';
import { secretsIn, expandGroup, refreshSessions } from './steps.mjs';

let settingsFile;
let settingsBefore;
let port;

function sandboxStripe(sandbox) {
  const url = new URL(sandbox.stripeUrl);
  return new Stripe(sandbox.stripeSecretKey, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'https',
    httpAgent: new Agent({ ca: readFileSync(sandbox.caFile) }),
  });
}

/** The first segment of a session row's description: its local day and time. */
function whenOf(row) {
  return row.description.split(' · ')[0];
}

describe('Life Cockpit: a charged session paid through the webhook receiver', () => {
  before(() => {
    // A free port, whatever else this machine runs: the receiver picks one when the setting is 0.
    const { workspace } = editor();
    settingsFile = join(workspace, '.vscode', 'settings.json');
    settingsBefore = readFileSync(settingsFile, 'utf8');
    writeFileSync(
      settingsFile,
      `${JSON.stringify({ ...JSON.parse(settingsBefore), 'lifeCockpit.webhooks.port': 0 }, null, 2)}\n`,
    );
  });

  after(() => {
    if (settingsBefore !== undefined) writeFileSync(settingsFile, settingsBefore);
  });

  it('starts the receiver, asking once for what Stripe needs, and the status bar names its port', async () => {
    const { workbench, sandbox } = editor();
    await workbench.waitForStatusBarItem(WEBHOOK_RECEIVER_STOPPED);
    await workbench.runCommand(START_WEBHOOK_RECEIVER);
    const listening = await waitFor('the receiver to listen', async () => {
      const texts = await workbench.statusBarTexts();
      const status = texts.find((t) => WEBHOOK_RECEIVER_LISTENING.test(t));
      if (status) return status;
      if (!(await workbench.quickInput().isVisible())) return false;
      const input = await workbench.waitForQuickInput();
      const asked = `${input.title} ${input.prompt} ${input.placeholder}`;
      if (STRIPE_WEBHOOK_SECRET_PROMPT.test(asked)) await workbench.typeIntoQuickInput(sandbox.stripeWebhookSecret);
      else if (STRIPE_KEY_PROMPT.test(asked)) await workbench.typeIntoQuickInput(sandbox.stripeSecretKey);
      else throw new Error(`unexpected input while starting the receiver: ${asked}`);
      assert.ok(input.password, 'a Stripe secret is typed into a password box');
      return false;
    });
    port = Number(WEBHOOK_RECEIVER_LISTENING.exec(listening)?.[1]);
    assert.ok(port > 0, `the status bar names the port: ${listening}`);
  });

  it('marks a charged session paid in the Sessions tree once the sandbox delivers invoice.paid', async function () {
    this.timeout(120_000);
    const { workbench, sandbox } = editor();
    await workbench.openViewContainer(CONTAINER);
    await refreshSessions(workbench, VIEWS.sessions);
    await expandGroup(workbench, VIEWS.sessions, PAST_GROUP);
    const unpaid = await waitFor('an attended unpaid session with a name of its own', async () => {
      const rows = (await workbench.treeRows(VIEWS.sessions)).filter((r) => r.level === 2);
      const count = (label) => rows.filter((r) => r.label === label).length;
      return rows.find((r) => /\bunpaid\b/.test(r.description) && count(r.label) === 1) ?? false;
    });
    await workbench.contextMenuAction(VIEWS.sessions, unpaid.label, COPY_SESSION_ID);
    const copied = await waitFor('the copied session id', async () => {
      const texts = await workbench.statusBarTexts();
      return texts.map((t) => COPIED_SESSION_ID.exec(t)?.[1]).find(Boolean) ?? false;
    });

    // The sandbox's Stripe sends its events to the receiver the editor started, as `stripe listen` would.
    const stripe = sandboxStripe(sandbox);
    await stripe.rawRequest('POST', '/v1/_sandbox/webhook_endpoints', {
      url: `http://127.0.0.1:${port}/stripe`,
      enabled_events: ['invoice.paid'],
    });
    // Charged as Charge Session charges it: an invoice naming the session, then paid by the client.
    const customer = await stripe.customers.create({ email: 'e2e-webhooks@example.test' });
    const invoice = await stripe.invoices.create({ customer: customer.id, metadata: { session_id: copied } });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 9000, currency: 'eur' });
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });

    await waitFor(
      `"${unpaid.label}" shown paid`,
      async () => {
        const rows = await workbench.treeRows(VIEWS.sessions);
        return rows.some(
          (r) => r.label === unpaid.label && whenOf(r) === whenOf(unpaid) && /(^|· )paid\b/.test(r.description),
        );
      },
      { timeoutMs: 60_000 },
    );

    const inbox = await waitFor('invoice.paid applied in the Webhook Inbox', async () => {
      const rows = await workbench.treeRows(VIEWS.webhookInbox);
      return rows.find((r) => r.label === 'invoice.paid' && /verified · applied/.test(r.description)) ?? false;
    });
    assert.match(inbox.description, /\/stripe/);
  });

  it('stops the receiver from the command palette and logs no Stripe secret', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(STOP_WEBHOOK_RECEIVER);
    await workbench.waitForStatusBarItem(WEBHOOK_RECEIVER_STOPPED);
    const log = await workbench.waitForOutputLine('Life Cockpit', /webhook handled/);
    assert.deepEqual(secretsIn(log, sandbox), []);
  });
});
