// The local webhook receiver: one node:http server (127.0.0.1 unless configured otherwise) with
// /stripe, /graph, /flows/<name> and /acs (ACS's SMS delivery reports through Event Grid). Each request is read up to a size cap, verified (cheap: one HMAC),
// recorded in the inbox and made durable, and only then answered — at once, since Graph marks an endpoint
// slow past 2.9 s and Stripe retries what it thinks failed. The handling runs afterwards, from the store
// (WebhookProcessor), never inside the request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { InboxEntry, NewRequest, Verification, WebhookInbox } from './inbox';
import { verifyFlow, verifyGraph, verifyStripe, type Checked } from './verification';
import { acsValidationAnswer, verifyAcs } from './acsVerification';

/** Stripe's events stay well under this; anything larger is refused before it fills memory or disk. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_VALIDATION_TOKEN_LENGTH = 4096;
const FLOW_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface ReceiverSecrets {
  /** The Stripe endpoint secrets (`whsec_…`): the current one, and the previous during a roll. */
  stripe: readonly string[];
  /** The clientState given to Graph when subscribing. */
  graphClientState?: string;
  /** A shared secret per flow name. */
  flows?: Readonly<Record<string, string>>;
  /** The key Event Grid's subscription URL carries for /acs (`/acs?key=…`, acsWebhookKey); none: /acs refuses. */
  acs?: string;
}

export interface ReceiverOptions {
  inbox: WebhookInbox;
  secrets: ReceiverSecrets;
  clock: Clock;
  log: Logger;
  port: number;
  /** Default 127.0.0.1: anything listening binds the loopback unless the user chose otherwise. */
  bindAddress?: string;
  maxBodyBytes?: number;
  /** Local endpoints each verified Stripe event is to be forwarded to: recorded with the request. */
  forwardTo?: readonly string[];
  /** Called after an accepted request is durable (the processor picks it up from the store). */
  onStored?: (entry: InboxEntry) => void;
  /** Called after any request is durable, accepted or refused (the inbox view refreshes). */
  onRecorded?: (entry: InboxEntry) => void;
}

export interface ReceiverRoutes {
  stripe: string;
  graph: string;
  flows: string;
  acs: string;
}

export interface RunningReceiver {
  url: string;
  port: number;
  routes: ReceiverRoutes;
  /** Stops accepting, ends idle keep-alive connections, and resolves once the port is released. */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

interface Decision {
  record: NewRequest;
  answer: Answer;
  reason?: string;
}

export async function startWebhookReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    receive(req, res, options, maxBody).catch((error: unknown) => {
      options.log.error('webhook receiver failed on a request', { error });
      answer(res, { status: 500, contentType: 'text/plain', body: 'internal error' });
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Malformed HTTP (bad request line, oversized headers) ends that connection only.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const host = options.bindAddress ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.log.info('webhook receiver listening', { url });
  return {
    url,
    port,
    routes: { stripe: `${url}/stripe`, graph: `${url}/graph`, flows: `${url}/flows/<name>`, acs: `${url}/acs` },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroySoon();
      }),
  };
}

async function receive(req: IncomingMessage, res: ServerResponse, options: ReceiverOptions, maxBody: number) {
  const url = new URL(req.url ?? '/', 'http://receiver.invalid');
  const route = routeOf(url.pathname);
  const body = await readCapped(req, maxBody);
  const decision =
    body === undefined
      ? reject(route, 'oversized', 413, 0, `the body is over ${maxBody} bytes`)
      : decide(req, url, route, body, options);
  if (decision.record.verification === 'verified' && route === 'stripe' && options.forwardTo?.length) {
    decision.record.forwardTo = options.forwardTo;
  }
  let entry: InboxEntry;
  try {
    entry = await options.inbox.storeRequest(decision.record);
  } catch (error) {
    // Not stored, so not acknowledged: the sender will deliver it again.
    options.log.error('webhook not stored', { route, error });
    answer(res, { status: 503, contentType: 'text/plain', body: 'cannot store the request; retry later' });
    return;
  }
  if (decision.record.verification !== 'verified' && decision.record.verification !== 'validationHandshake') {
    options.log.warn('webhook rejected', {
      id: entry.id,
      route,
      verification: decision.record.verification,
      status: decision.answer.status,
      reason: decision.reason,
    });
  }
  answer(res, decision.answer);
  options.onRecorded?.(entry);
  if (decision.record.verification === 'verified') options.onStored?.(entry);
}

function decide(req: IncomingMessage, url: URL, route: string, body: Buffer, options: ReceiverOptions): Decision {
  const now = options.clock.now();
  const { secrets } = options;
  const bytes = body.length;
  if (route === 'graph') {
    // Graph's subscription handshake: echo the (already URL-decoded) token as text/plain within 10 s.
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      if (token.length > MAX_VALIDATION_TOKEN_LENGTH) return reject(route, 'malformed', 400, bytes, 'token too long');
      return {
        record: { route, verification: 'validationHandshake', status: 200, bytes },
        answer: { status: 200, contentType: 'text/plain; charset=utf-8', body: token },
      };
    }
  }
  if (req.method !== 'POST') {
    return route === 'unknown'
      ? reject(route, 'unknownRoute', 404, bytes, `no route ${url.pathname}`)
      : reject(route, 'methodNotAllowed', 405, bytes, `${req.method ?? '?'} is not accepted`);
  }
  if (route === 'stripe') {
    const checked = verifyStripe(body, headerOf(req, 'stripe-signature'), secrets.stripe, now);
    return accepted(route, checked, bytes, body, 200, (e) => ({ eventId: e.id, eventType: e.type }));
  }
  if (route === 'graph') {
    const checked = verifyGraph(body, secrets.graphClientState);
    return accepted(route, checked, bytes, body, 202, (n) => ({
      eventType: n.value[0]?.lifecycleEvent ?? n.value[0]?.changeType ?? 'notification',
    }));
  }
  if (route === 'acs') {
    const checked = verifyAcs(body, url.searchParams.get('key'), secrets.acs);
    if (checked.ok && headerOf(req, 'aeg-event-type') === 'SubscriptionValidation') {
      // Event Grid's handshake: echo the validation code in the answer, within 30 s.
      const validation = acsValidationAnswer(checked.value);
      if (validation === undefined) return reject(route, 'malformed', 400, bytes, 'no validation event');
      return {
        record: { route, verification: 'validationHandshake', status: 200, bytes },
        answer: { status: 200, contentType: 'application/json', body: JSON.stringify(validation) },
      };
    }
    return accepted(route, checked, bytes, body, 200, (events) => ({
      eventId: events[0]?.id,
      eventType: events[0]?.eventType,
    }));
  }
  if (route.startsWith('flows/')) {
    const name = route.slice('flows/'.length);
    const secret = Object.hasOwn(secrets.flows ?? {}, name) ? secrets.flows?.[name] : undefined;
    const checked = verifyFlow(body, headerOf(req, 'x-lc-signature'), secret, now);
    if (!checked.ok && checked.verification === 'unknownRoute')
      return reject(route, 'unknownRoute', 404, bytes, checked.reason);
    return accepted(route, checked, bytes, body, 202, (f) => ({ eventId: f.id, eventType: f.type ?? 'call' }));
  }
  return reject(route, 'unknownRoute', 404, bytes, `no route ${url.pathname}`);
}

function accepted<T>(
  route: string,
  checked: Checked<T>,
  bytes: number,
  body: Buffer,
  status: number,
  describe: (value: T) => { eventId?: string | undefined; eventType?: string | undefined },
): Decision {
  if (!checked.ok) return reject(route, checked.verification, 400, bytes, checked.reason);
  const { eventId, eventType } = describe(checked.value);
  return {
    record: {
      route,
      verification: 'verified',
      status,
      bytes,
      body,
      ...(eventId === undefined ? {} : { eventId }),
      ...(eventType === undefined ? {} : { eventType }),
    },
    answer: { status, contentType: 'application/json', body: '{"received":true}' },
  };
}

function reject(route: string, verification: Verification, status: number, bytes: number, reason: string): Decision {
  return {
    record: { route, verification, status, bytes },
    answer: { status, contentType: 'application/json', body: JSON.stringify({ error: verification }) },
    reason,
  };
}

function routeOf(pathname: string): string {
  if (pathname === '/stripe') return 'stripe';
  if (pathname === '/graph') return 'graph';
  if (pathname === '/acs') return 'acs';
  const flow = /^\/flows\/([^/]+)$/.exec(pathname)?.[1];
  return flow !== undefined && FLOW_NAME.test(flow) ? `flows/${flow}` : 'unknown';
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The body, or undefined once it passes `max` bytes (the rest is drained, not kept). */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > max;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(over ? undefined : Buffer.concat(chunks)));
  });
}

function answer(res: ServerResponse, a: Answer): void {
  if (res.headersSent) return;
  res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body) });
  res.end(a.body);
}
