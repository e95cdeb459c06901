// What the Functions host does with a queue trigger, for tests (Azure Functions Core Tools cannot be installed
// here: it downloads its runtime): poll the queue on Azurite, take one message at a time under a visibility
// timeout, decode it as host.json's messageEncoding says, call the registered handler with an
// InvocationContext carrying the trigger metadata (dequeueCount, …), delete the message when the handler
// returns, make it visible again after host.json's visibilityTimeout when it throws, and move it to
// `<queue>-poison` once it failed maxDequeueCount times. A worker that "dies" (the sender's crash hook)
// leaves its message as it is, to reappear when the timeout it was taken with runs out.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvocationContext } from '@azure/functions';
import type { QueueClient } from '@azure/storage-queue';
import { SenderCrashedError } from '../../../src/core/reminders';

export const functionsDir = path.join(__dirname, '..', '..', '..', 'functions');

interface HostQueueSettings {
  maxDequeueCount: number;
  visibilityTimeout: string;
  messageEncoding: 'base64' | 'none';
}

export function hostQueueSettings(): HostQueueSettings {
  const host = JSON.parse(readFileSync(path.join(functionsDir, 'host.json'), 'utf8')) as {
    extensions: { queues: HostQueueSettings };
  };
  return host.extensions.queues;
}

export type QueueHandler = (message: unknown, context: InvocationContext) => Promise<unknown>;

export interface Invocation {
  worker: string;
  messageId: string;
  dequeueCount: number;
  takenAt: number;
  outcome: 'done' | 'failed' | 'died';
  errors: string[];
}

export interface QueueWorkerOptions {
  name: string;
  queue: QueueClient;
  poison: QueueClient;
  handler: QueueHandler;
  /** How long a taken message stays invisible (the host renews it while it runs; a dead host does not). */
  takeForMs: number;
  /** After a failure the message is visible again after this long (host.json visibilityTimeout; tests shorten it). */
  retryAfterMs: number;
  invocations: Invocation[];
}

/** Polls until the queue stays empty (nothing visible or hidden) or the worker dies. */
export async function runQueueWorker(options: QueueWorkerOptions, stopWhen: () => Promise<boolean>): Promise<void> {
  const settings = hostQueueSettings();
  for (;;) {
    const received = await options.queue.receiveMessages({
      numberOfMessages: 1,
      visibilityTimeout: Math.max(1, Math.round(options.takeForMs / 1000)),
    });
    const message = received.receivedMessageItems[0];
    if (!message) {
      if (await stopWhen()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const text =
      settings.messageEncoding === 'base64'
        ? Buffer.from(message.messageText, 'base64').toString('utf8')
        : message.messageText;
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown; // the host hands JSON over parsed
    } catch {
      body = text;
    }
    const invocation: Invocation = {
      worker: options.name,
      messageId: message.messageId,
      dequeueCount: message.dequeueCount,
      takenAt: Date.now(),
      outcome: 'done',
      errors: [],
    };
    options.invocations.push(invocation);
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'sendMailboxReminders',
      triggerMetadata: {
        id: message.messageId,
        dequeueCount: message.dequeueCount,
        insertionTime: message.insertedOn.toISOString(),
        expirationTime: message.expiresOn.toISOString(),
        popReceipt: message.popReceipt,
      },
      logHandler: (level, ...args) => {
        if (level === 'error') invocation.errors.push(args.map(String).join(' '));
      },
    });
    try {
      await options.handler(body, context);
      await options.queue.deleteMessage(message.messageId, message.popReceipt);
    } catch (error) {
      if (error instanceof SenderCrashedError) {
        invocation.outcome = 'died';
        return; // the process is gone: it neither deletes nor releases the message
      }
      invocation.outcome = 'failed';
      if (message.dequeueCount >= settings.maxDequeueCount) {
        await options.poison.createIfNotExists();
        await options.poison.sendMessage(message.messageText);
        await options.queue.deleteMessage(message.messageId, message.popReceipt);
      } else {
        await options.queue.updateMessage(
          message.messageId,
          message.popReceipt,
          undefined,
          Math.round(options.retryAfterMs / 1000),
        );
      }
    }
  }
}

/** The queue holds nothing, visible or hidden. */
export async function queueIsEmpty(queue: QueueClient): Promise<boolean> {
  const properties = await queue.getProperties();
  return (properties.approximateMessagesCount ?? 0) === 0;
}
