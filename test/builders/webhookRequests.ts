// Builders for webhook tests: Stripe events signed as Stripe signs them, a receiver over a temporary
// inbox, and a small HTTP poster on a keep-alive agent (the fuzz and burst tests send thousands).
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import type { Clock } from '../../src/core/clock';
import type { LogFields, Logger } from '../../src/core/log';
import {
  payloadKeyFrom,
  startWebhookReceiver,
  WebhookInbox,
  WebhookProcessor,
  type InboxEntry,
  type ProcessorOptions,
  type RunningReceiver,
} from '../../src/core/webhooks';

export const WEBHOOK_SECRET = 'whsec_test_current_0123456789';
export const OLD_WEBHOOK_SECRET = 'whsec_test_previous_0123456789';
export const PAYLOAD_KEY = 'test payload key, long enough';

let eventCounter = 0;

/** `anEvent('invoice.paid').on('in_1', { session_id: 's1' }).build()` */
export function anEvent(type = 'invoice.paid') {
  let id = `evt_test_${++eventCounter}`;
  let object: Record<string, unknown> = { id: 'in_test_1', object: type.split('.')[0] ?? 'invoice', metadata: {} };
  const builder = {
    withId(eventId: string) {
      id = eventId;
      return builder;
    },
    on(objectId: string, metadata: Record<string, string> = {}, objectType?: string) {
      object = { ...object, id: objectId, metadata, ...(objectType ? { object: objectType } : {}) };
      return builder;
    },
    build(): string {
      return JSON.stringify({ id, object: 'event', type, created: 1767600000, data: { object } });
    },
  };
  return builder;
}

export function stripeSignature(body: string, nowMs: number, secret = WEBHOOK_SECRET): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(nowMs / 1000) });
}

export interface LoggedLine {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

export function recordingLogger(lines: LoggedLine[] = []): Logger & { lines: LoggedLine[] } {
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger & { lines: LoggedLine[] } = {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

export interface ReceiverRig {
  directory: string;
  inbox: WebhookInbox;
  receiver: RunningReceiver;
  processor: WebhookProcessor;
  log: ReturnType<typeof recordingLogger>;
  stop(): Promise<void>;
}

/** A receiver on an ephemeral port over a fresh (or given) inbox directory, its processor run on every arrival. */
export async function startRig(options: {
  clock: Clock;
  handlers?: ProcessorOptions['handlers'];
  directory?: string;
  maxBodyBytes?: number;
  processOnArrival?: boolean;
  graphClientState?: string;
  flows?: Record<string, string>;
}): Promise<ReceiverRig> {
  const directory = options.directory ?? mkdtempSync(path.join(tmpdir(), 'lc-webhooks-'));
  const log = recordingLogger();
  const inbox = await WebhookInbox.open({ directory, key: payloadKeyFrom(PAYLOAD_KEY), clock: options.clock });
  const processor = new WebhookProcessor({ inbox, log, handlers: options.handlers ?? {} });
  const receiver = await startWebhookReceiver({
    inbox,
    clock: options.clock,
    log,
    port: 0,
    secrets: {
      stripe: [WEBHOOK_SECRET],
      graphClientState: options.graphClientState,
      flows: options.flows,
    },
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    onStored: (_entry: InboxEntry) => {
      if (options.processOnArrival !== false) void processor.processPending().catch(() => undefined);
    },
  });
  return {
    directory,
    inbox,
    receiver,
    processor,
    log,
    stop: async () => {
      await receiver.close();
      await processor.processPending();
      await inbox.close();
    },
  };
}

export function removeDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
}

export interface Reply {
  status: number;
  contentType: string | undefined;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves once `check` holds; polls the event loop, never a fixed sleep. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
