// The webhook receiver's commands: Start, Stop (and the status bar's toggle), and the Webhook Inbox rows'
// Show Payload and Replay. Replay re-runs the handler on a stored event through the running receiver,
// which owns the inbox file while it listens; a stopped receiver is offered to be started first.
import * as vscode from 'vscode';
import { toLifeCockpitError, ValidationError } from '../core/errors';
import type { InboxEntry } from '../core/webhooks';
import type { EditorServices } from './services';
import { stripeFor, stripeWebhookSecretFor } from './stripeAccess';
import type { WebhookNode } from './webhookInboxTree';
import { payloadDocument } from './webhookPayloadView';
import type { ReceiverService } from './webhookReceiver';

export async function startWebhookReceiver(s: EditorServices): Promise<void> {
  await askForMissingStripeSecrets(s);
  const state = await s.webhooks.start();
  if (state.kind === 'listening')
    vscode.window.setStatusBarMessage(`Webhook receiver of ${state.profile} listening on ${state.url}`, 5000);
}

export async function stopWebhookReceiver(s: EditorServices): Promise<void> {
  await s.webhooks.stop();
}

/** The status bar's click: a listening receiver stops, a stopped or failed one starts. */
export async function toggleWebhookReceiver(s: EditorServices): Promise<void> {
  const { kind } = s.webhooks.state;
  if (kind === 'listening' || kind === 'starting') await stopWebhookReceiver(s);
  else if (kind === 'stopped' || kind === 'failed') await startWebhookReceiver(s);
}

export async function showWebhookPayload(s: EditorServices, node: unknown): Promise<void> {
  const entry = entryOf(node);
  if (!entry.hasPayload)
    throw new ValidationError(
      `Request ${entry.id} was refused (${entry.verification}), so its body was not kept: there is no payload to show.`,
      { code: 'webhooks.noPayload' },
    );
  const body = await s.webhooks.payload(entry.id);
  if (body === undefined)
    throw new ValidationError(`Request ${entry.id} is not in this profile's inbox.`, { code: 'webhooks.notFound' });
  const document = payloadDocument(entry.id, body);
  await s.documents.show(document.name, document.text, document.language);
}

export async function replayWebhook(s: EditorServices, node: unknown): Promise<void> {
  const entry = entryOf(node);
  const running = await runningReceiver(s, 'Replay runs the handler in the running receiver.');
  if (!running) return;
  const replayed = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Life Cockpit: replaying ${entry.eventType ?? entry.id}…`,
    },
    () => running.replay(entry.id),
  );
  s.log.info('webhook replayed', { id: entry.id, outcome: replayed.outcome });
  const detail = replayed.outcomeDetail ? `: ${replayed.outcomeDetail}` : '';
  void vscode.window.showInformationMessage(
    `Replayed ${replayed.eventType ?? replayed.route} (${replayed.id}): ${replayed.outcome ?? 'not handled'}${detail}.`,
  );
}

/**
 * Started by the user, the receiver asks now for what handling Stripe's events needs and the profile
 * lacks (the webhook signing secret, the secret key), rather than leaving events pending later. Declined,
 * it starts anyway and says what will happen.
 */
async function askForMissingStripeSecrets(s: EditorServices): Promise<void> {
  const clients = s.session.clients;
  if (!clients || clients.profile.name !== s.config.loaded.activeProfile?.name) return;
  const secret = await stripeWebhookSecretFor(s);
  if (secret === undefined) {
    void vscode.window.showWarningMessage(
      `No Stripe webhook signing secret for profile ${clients.profile.name}: /stripe will refuse every request until one is set (Set Stripe Keys…).`,
    );
    return;
  }
  try {
    await stripeFor(s, clients);
  } catch (error) {
    if (toLifeCockpitError(error).errorClass !== 'cancelled') throw error;
    void vscode.window.showWarningMessage(
      `No Stripe secret key for profile ${clients.profile.name}: Stripe events are stored and wait until one is set (Set Stripe Keys…), then Replay them.`,
    );
  }
}

/** The running receiver; when stopped, offers to start it (undefined when the user declines). */
export async function runningReceiver(s: EditorServices, why: string): Promise<ReceiverService | undefined> {
  if (s.webhooks.running) return s.webhooks.running;
  const choice = await vscode.window.showInformationMessage(
    `The webhook receiver is not running. ${why}`,
    'Start Webhook Receiver',
  );
  if (choice !== 'Start Webhook Receiver') return undefined;
  await startWebhookReceiver(s);
  return s.webhooks.running;
}

function entryOf(node: unknown): InboxEntry {
  const entry = (node as WebhookNode | undefined)?.kind === 'request' ? (node as WebhookNode).entry : undefined;
  if (!entry) throw new ValidationError('Pick a request in the Webhook Inbox view.', { code: 'webhooks.noneChosen' });
  return entry;
}
