// What the handlers are given (the Functions app's composition root builds it from the app settings; tests
// build it over the sandbox and Azurite): the clock, a logger, the sender's and the payments' dependencies on
// the profile's signed-in clients, and the queue that spreads mailboxes across instances.
import type { Clock } from '../../src/core/clock';
import type { Logger } from '../../src/core/log';
import type { SenderDeps } from '../../src/core/reminders';
import type { PaymentDeps } from '../../src/core/stripe';

export interface WorkerServices {
  clock: Clock;
  log: Logger;
  /** The profile's name, for the logs. */
  profileName: string;
  /** Sender dependencies on the signed-in clients, with the channels other than Graph: close them after (closeTransports). */
  senderDeps(): Promise<SenderDeps>;
  /** Payment dependencies, or undefined when no Stripe key is set (reconciliation is then skipped). */
  paymentDeps(): Promise<PaymentDeps | undefined>;
  /** Puts one message on the mailbox queue (the text as the queue trigger will decode it). */
  enqueue(text: string): Promise<void>;
  /** Configuration problems that stop the worker, for the health check; empty when it can run. */
  problems(): string[];
}
