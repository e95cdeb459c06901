// Send Test Event…: a Stripe event of a chosen type about a chosen session, signed with the receiver
// profile's webhook signing secret exactly as Stripe signs, posted to the running receiver (offered to be
// started first). It then goes the way a real one does: stored, verified, handled, shown in the inbox. The
// handler re-reads the object from Stripe, so the event names the session's real invoice or Checkout
// Session; only the types the session has an object for are offered.
import * as vscode from 'vscode';
import { ValidationError } from '../core/errors';
import type { Session } from '../core/sessions';
import { readPaymentSession } from '../core/stripe';
import { sendTestEvent, signedTestEvent, type TestEventType } from '../core/webhooks';
import type { DataverseClients } from './profileSession';
import { sessionOf } from './sessionCommands';
import { sessionItemView } from './sessionItem';
import type { EditorServices } from './services';
import { runningReceiver } from './webhookCommands';
import { receiverSecretsFor } from './webhookLaunch';

const TITLE = 'Life Cockpit: Send Test Event';

/** The event types a session can be the subject of, each with the Stripe object it names. */
export function testEventChoices(stored: {
  invoiceId: string | undefined;
  checkoutSessionId: string | undefined;
}): Array<{ type: TestEventType; objectId: string; description: string }> {
  const choices: Array<{ type: TestEventType; objectId: string; description: string }> = [];
  if (stored.invoiceId) {
    choices.push({ type: 'invoice.paid', objectId: stored.invoiceId, description: `invoice ${stored.invoiceId} paid` });
    choices.push({
      type: 'invoice.payment_failed',
      objectId: stored.invoiceId,
      description: `a payment of invoice ${stored.invoiceId} failed`,
    });
  }
  if (stored.checkoutSessionId)
    choices.push({
      type: 'checkout.session.completed',
      objectId: stored.checkoutSessionId,
      description: `Checkout Session ${stored.checkoutSessionId} completed`,
    });
  return choices;
}

export async function sendTestEventCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const session = sessionOf(node) ?? (await pickSession(s));
  if (!session) return;
  const stored = await readPaymentSession({ dataverse: c.dataverse, tables: c.tables }, session.id);
  const choices = testEventChoices(stored);
  if (choices.length === 0)
    throw new ValidationError(
      `"${session.subject}" has no invoice or Checkout Session at Stripe yet, and the receiver re-reads the object an event names: charge the session first. Nothing was sent.`,
      { code: 'webhooks.nothingToTest', detail: { sessionId: session.id } },
    );
  const choice = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.type, description: c.description, choice: c })),
    { title: TITLE, placeHolder: 'The Stripe event to send' },
  );
  if (!choice) return;
  const running = await runningReceiver(s, 'Send Test Event posts to it.');
  if (!running) return;
  const profile = s.webhooks.state.kind === 'listening' ? s.webhooks.state.profile : c.profile.name;
  const [secret] = (await receiverSecretsFor(s, profile)).stripe;
  if (!secret)
    throw new ValidationError(
      `Profile ${profile} has no Stripe webhook signing secret, so the receiver refuses every Stripe event: set one with Set Stripe Keys…. Nothing was sent.`,
      { code: 'webhooks.noStripeSecret' },
    );
  const event = signedTestEvent({
    type: choice.choice.type,
    sessionId: session.id,
    objectId: choice.choice.objectId,
    secret,
    clock: s.clock,
  });
  const { status } = await sendTestEvent(c.http, running.url, event);
  s.log.info('test event sent', { type: choice.choice.type, sessionId: session.id, status });
  void vscode.window.showInformationMessage(
    `Sent a signed ${choice.choice.type} about "${session.subject}" to the receiver (HTTP ${status}); the Webhook Inbox shows how it was handled.`,
  );
}

async function pickSession(s: EditorServices): Promise<Session | undefined> {
  const sessions = s.session.sessions.current.data ?? [];
  if (sessions.length === 0)
    throw new ValidationError('No sessions are loaded yet: refresh the Sessions view first.', {
      code: 'webhooks.noSessions',
    });
  const pick = await vscode.window.showQuickPick(
    sessions.map((session) => {
      const view = sessionItemView(session);
      return { label: view.label, description: view.description, session };
    }),
    { title: TITLE, placeHolder: 'The session the event is about', matchOnDescription: true },
  );
  return pick?.session;
}
