// The webhook service: the one composition of inbox, receiver and processor that `lc webhooks serve` and
// the editor both run. Requests are stored before they are answered (the receiver); each stored event is
// handled from the store, once (the processor); what an earlier run stored and did not handle is handled
// at start. `onChange` tells a view to refresh after a request is stored and after a handling pass.
import type { Clock } from '../clock';
import type { HttpClient } from '../http';
import type { Logger } from '../log';
import type { TableMapping } from '../practice';
import type { PracticeRecords } from '../reminders';
import { recordPayment, type StripeApi } from '../stripe';
import { checkedForwardTargets, WebhookForwarder } from './forwarding';
import { WebhookInbox, type InboxEntry } from './inbox';
import { WebhookProcessor, type ProcessorOptions, type WebhookHandler } from './processor';
import { startWebhookReceiver, type ReceiverRoutes, type ReceiverSecrets } from './receiver';
import { stripeObjectReader, stripePaymentHandler } from './stripePayments';

export interface WebhookServiceOptions {
  inboxDirectory: string;
  payloadKey: Buffer;
  secrets: ReceiverSecrets;
  port: number;
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** Settings webhooks.forwardTo: local endpoints each verified Stripe event is forwarded to (loopback only). */
  forwardTo?: readonly string[];
  /** By route: stripe, graph, flows. */
  handlers: ProcessorOptions['handlers'];
  /** Forwarding goes through the HTTP layer. */
  http: HttpClient;
  clock: Clock;
  log: Logger;
  /** After a request is stored (accepted or refused) and after a handling pass: views refresh. */
  onChange?: () => void;
  /**
   * Runs after an accepted request is durable and answered, before it is handled or forwarded: the
   * reliability tests' crash point (`lc webhooks serve` with LC_TEST_CRASH_AT=webhookStored).
   */
  afterStore?: (entry: InboxEntry) => void;
}

export interface RunningWebhookService {
  url: string;
  port: number;
  routes: ReceiverRoutes;
  inbox: WebhookInbox;
  processor: WebhookProcessor;
  /**
   * Re-runs the handler on a stored event, as `lc webhooks replay` does; throws WebhookNotFoundError.
   * With `forward`, sends it again to every forward target too (only when the user asks).
   */
  replay(id: string, options?: { forward?: boolean }): Promise<InboxEntry>;
  /** Stops listening, finishes the handling pass, and closes the inbox. */
  close(): Promise<void>;
}

export async function startWebhookService(options: WebhookServiceOptions): Promise<RunningWebhookService> {
  const { log } = options;
  // Checked before anything opens: a target that is not loopback (a hostile workspace setting) stops the start.
  const forwardTo = options.forwardTo ?? [];
  checkedForwardTargets(forwardTo);
  const inbox = await WebhookInbox.open({
    directory: options.inboxDirectory,
    key: options.payloadKey,
    clock: options.clock,
  });
  const processor = new WebhookProcessor({ inbox, log, handlers: options.handlers });
  const changed = (): void => {
    try {
      options.onChange?.();
    } catch (error) {
      log.warn('a webhook change listener failed', { error });
    }
  };
  const forwarder =
    forwardTo.length === 0
      ? undefined
      : new WebhookForwarder({
          inbox,
          http: options.http,
          targets: forwardTo,
          stripeSecret: options.secrets.stripe[0],
          clock: options.clock,
          log,
          onForwarded: changed,
        });
  let closing = false;
  // Handling and forwarding run beside each other, after the answer: a slow endpoint delays neither the
  // sender nor the handling.
  const handlePending = (): Promise<void> =>
    processor
      .processPending()
      .then(changed)
      .catch((error: unknown) => log.error('webhook handling pass failed', { error }));
  const forwardPending = (): Promise<void> =>
    forwarder?.forwardPending().catch((error: unknown) => log.error('webhook forwarding pass failed', { error })) ??
    Promise.resolve();
  let receiver;
  try {
    receiver = await startWebhookReceiver({
      inbox,
      secrets: options.secrets,
      clock: options.clock,
      log,
      port: options.port,
      ...(options.bindAddress === undefined ? {} : { bindAddress: options.bindAddress }),
      ...(forwarder === undefined ? {} : { forwardTo }),
      onRecorded: changed,
      onStored: (entry) => {
        options.afterStore?.(entry);
        if (closing) return;
        void handlePending();
        void forwardPending();
      },
    });
  } catch (error) {
    await inbox.close();
    throw error;
  }
  // Events stored by an earlier run that stopped before handling or forwarding them are handled now, once.
  void handlePending();
  void forwardPending();
  const running = receiver;
  return {
    url: running.url,
    port: running.port,
    routes: running.routes,
    inbox,
    processor,
    replay: async (id, replayOptions = {}) => {
      try {
        if (replayOptions.forward === true) await forwarder?.forwardAgain(id);
        return await processor.replay(id);
      } finally {
        changed();
      }
    },
    close: async () => {
      closing = true;
      await running.close();
      await Promise.all([handlePending(), forwardPending()]);
      await inbox.close();
    },
  };
}

export interface StripeWebhookDeps {
  stripe: StripeApi;
  dataverse: PracticeRecords;
  tables: TableMapping;
  log: Logger;
}

/** The /stripe handler over a profile's Stripe (re-reading each object) and Dataverse (recording the payment). */
export function stripeWebhookHandler(deps: StripeWebhookDeps): WebhookHandler {
  const paymentDeps = { dataverse: deps.dataverse, tables: deps.tables, log: deps.log };
  return stripePaymentHandler({
    objects: stripeObjectReader(deps.stripe),
    recordPayment: (sessionId, update) => recordPayment(paymentDeps, sessionId, update),
  });
}
