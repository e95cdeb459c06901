// Issue 16's burst, shared by the load test (which checks that nothing is lost or done twice) and
// bench/webhookLoad.bench.ts (which measures the answer times against a plain endpoint's): signed Stripe
// deliveries at a fixed rate from a local load generator, one in five a second delivery of an earlier event, as
// Stripe sends when it doubts the first; and the receiver under test as `lc webhooks serve` and the editor run
// it (startWebhookService) with an encrypted inbox on disk, a handler that counts its applications and a local
// endpoint that counts what is forwarded to it.
//
// The load generator is undici (already the HTTP layer's transport) with a pacer, not autocannon: every
// request needs its own body and a signature over it at the moment it is sent, duplicates must repeat an
// exact earlier body, and we want each request's own answer time; autocannon's overallRate with a
// setupRequest hook could do the first two but adds a dependency tree for what is forty lines here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { systemClock } from '../../../src/core/clock';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { payloadKeyFrom, startWebhookService, WebhookInbox, type InboxEntry } from '../../../src/core/webhooks';
import { anEvent, PAYLOAD_KEY, stripeSignature, WEBHOOK_SECRET } from '../../builders/webhookRequests';

/** Every DUPLICATE_EVERY-th request re-sends an earlier event. */
export const DUPLICATE_EVERY = 5;

export interface BurstOptions {
  /** The receiver's origin (`http://127.0.0.1:PORT`); the burst posts to its /stripe. */
  url: string;
  ratePerSecond: number;
  seconds: number;
}

export interface BurstResult {
  requests: number;
  /** The event of each distinct delivery, in the order first sent. */
  distinctIds: string[];
  /** Each answered request's time from start to the end of its answer, ms. */
  latencies: number[];
  statuses: Map<number, number>;
  /** Requests that got no answer at all. */
  failures: string[];
  /** From the first request's start to the last's; the rate asks for `seconds`. */
  sendingSeconds: number;
  /** How late the pacer started its latest request, ms. */
  maxPacerLagMs: number;
}

/**
 * Sends ratePerSecond × seconds signed deliveries to `url`/stripe. The pacer starts request i at i / rate seconds
 * from the start, whatever the answers are doing (an open model, as senders are: Stripe does not wait for our
 * last answer before sending the next event), so a slow receiver shows in the answer times, not in the pace.
 */
export async function sendBurst(options: BurstOptions): Promise<BurstResult> {
  const total = options.ratePerSecond * options.seconds;
  const pool = new Pool(options.url, { connections: 128, pipelining: 1 });
  const bodies: string[] = [];
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let maxPacerLagMs = 0;

  const sendOne = async (i: number): Promise<void> => {
    const duplicate = i % DUPLICATE_EVERY === DUPLICATE_EVERY - 1 && bodies.length > 0;
    // A duplicate repeats a recent event byte for byte, freshly signed, as Stripe's retries are.
    const body = duplicate
      ? (bodies[Math.max(0, bodies.length - 1 - (i % 50))] as string)
      : anEvent('invoice.paid').withId(`evt_load_${i}`).build();
    if (!duplicate) bodies.push(body);
    const started = performance.now();
    try {
      const response = await pool.request({
        path: '/stripe',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, Date.now()) },
        body,
      });
      await response.body.dump();
      latencies.push(performance.now() - started);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    } catch (error) {
      failures.push(String(error));
    }
  };

  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / options.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      maxPacerLagMs = Math.max(maxPacerLagMs, performance.now() - due);
      inFlight.push(sendOne(i));
    }
    const sendingSeconds = (performance.now() - start) / 1000;
    await Promise.all(inFlight);
    return {
      requests: total,
      distinctIds: bodies.map((b) => (JSON.parse(b) as { id: string }).id),
      latencies,
      statuses,
      failures,
      sendingSeconds,
      maxPacerLagMs,
    };
  } finally {
    await Promise.allSettled(inFlight);
    await pool.close();
  }
}

/** The p-th percentile of ascending values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** A local HTTP endpoint that reads each request's body and answers 200. */
export interface PlainEndpoint {
  url: string;
  /** How many times each event id (the body's `id`) arrived; only when asked to count. */
  counts: Map<string, number>;
  close(): Promise<void>;
}

/**
 * node:http answering 200 once the body is read: the forwarding target of the receiver under test, and the
 * benchmark's baseline (the least any receiver on this machine does for a request).
 */
export async function startPlainEndpoint(options: { countIds: boolean }): Promise<PlainEndpoint> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (options.countIds) {
        const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The receiver under test, with what it applied and forwarded. */
export interface ReceiverUnderLoad {
  url: string;
  /** How many times the handler applied each event id. */
  applications: Map<string, number>;
  /** How many times each event id reached the forwarding target. */
  forwarded: Map<string, number>;
  /** Stops the receiver and the forwarding target (handling and forwarding finish first); the inbox stays. */
  close(): Promise<void>;
  /** The inbox on disk, read after close. */
  storedEntries(): Promise<InboxEntry[]>;
}

export async function startReceiverUnderLoad(inboxDirectory: string): Promise<ReceiverUnderLoad> {
  const applications = new Map<string, number>();
  const target = await startPlainEndpoint({ countIds: true });
  const http = new HttpClient({ logger: silentLogger });
  const service = await startWebhookService({
    inboxDirectory,
    payloadKey: payloadKeyFrom(PAYLOAD_KEY),
    secrets: { stripe: [WEBHOOK_SECRET] },
    port: 0,
    forwardTo: [`${target.url}/hooks`],
    handlers: {
      stripe: (body) => {
        const id = (JSON.parse(body.toString('utf8')) as { id: string }).id;
        applications.set(id, (applications.get(id) ?? 0) + 1);
        return Promise.resolve({ outcome: 'applied' });
      },
    },
    http,
    clock: systemClock,
    log: silentLogger,
  });
  return {
    url: service.url,
    applications,
    forwarded: target.counts,
    close: async () => {
      await service.close();
      await http.close();
      await target.close();
    },
    storedEntries: async () => {
      const inbox = await WebhookInbox.open({ directory: inboxDirectory, clock: systemClock });
      const entries = inbox.entries();
      await inbox.close();
      return [...entries];
    },
  };
}
