// The sandbox's Microsoft Graph v1.0 (mounted under /graph): users, drafts, /send, sendMail and the
// Drafts, Outbox and Sent Items folders with Exchange's transport and sending rate, calendars, JSON
// $batch and change-notification subscriptions, with Graph's auth errors and Outlook's per-mailbox
// concurrency throttling. The server hands it requests; this file turns them
// into authenticated calls and owns the state's life cycle.

import type { SandboxRequest, SandboxResponse, SandboxService, ServiceContext, PracticeSeed } from '../types';
import { authenticate } from './auth';
import { runBatch } from './batch';
import { GraphDispatcher } from './dispatch';
import { inspectState, readState } from './inspect';
import { DEFAULT_RETRY_DELAYS_MS, SubscriptionNotifier, type LifecycleEvent } from './notifier';
import type { RouteEnv } from './routeTypes';
import { emptyState, stateFromPractice, type GraphState } from './state';
import { MAILBOX_CONCURRENCY, MailboxConcurrency } from './throttle';
import { advanceTransport, SUBMISSIONS_PER_MINUTE } from './transport';
import { GraphFault, graphError, type GraphCall, type GraphResult } from './wire';

export interface GraphServiceOptions {
  /**
   * Service time of each request in ms: a fixed number, or [min, max) drawn from ctx.prng.
   * Default [0, 6). It is what makes in-flight concurrency observable.
   */
  latencyMs?: number | readonly [number, number];
  /** Outlook's per-(app, mailbox) in-flight limit (default 4). */
  mailboxConcurrency?: number;
  /** Retry-After (seconds) on the MailboxConcurrency 429 (default 1). */
  retryAfterSeconds?: number;
  /** How long the subscription validation handshake may take (Graph: 10 s). */
  validationTimeoutMs?: number;
  /** How long a submitted message waits in the Outbox before transport takes it (default 2000 ms). */
  transportDelayMs?: number;
  /** Between leaving the Outbox and its Sent Items copy, a read by id finds nothing (default 500 ms). */
  transitGapMs?: number;
  /** How long a message submitted by `/send` still shows in Drafts before the Outbox (default 0). */
  submittedDraftMs?: number;
  /** Messages one mailbox submits a minute; the surplus queues with no error (Exchange Online: 30). */
  submissionsPerMinute?: number;
  /** Exchange's minutes and transport delays run this many times faster (default 1). */
  timeScale?: number;
  /** Waits before each new attempt at a notification the endpoint failed (Graph: growing, for up to 4 hours). */
  notificationRetryDelaysMs?: readonly number[];
}

export interface GraphService extends SandboxService {
  /** Changes options at run time (benchmarks set latency; tests shorten the handshake timeout). */
  configure(options: GraphServiceOptions): void;
  /** Resolves when every change notification sent so far has been answered or has failed. */
  notificationsSettled(): Promise<void>;
  /** Sends a lifecycle notification as Graph would; false when the subscription is unknown or has no lifecycle URL. */
  fireLifecycle(subscriptionId: string, event: LifecycleEvent): boolean;
}

export type { GraphState } from './state';
export { MAX_BATCH_REQUESTS } from './batch';
export { LIFECYCLE_EVENTS, type LifecycleEvent } from './notifier';

const DEFAULTS: Required<GraphServiceOptions> = {
  latencyMs: [0, 6],
  mailboxConcurrency: MAILBOX_CONCURRENCY,
  retryAfterSeconds: 1,
  validationTimeoutMs: 10_000,
  transportDelayMs: 2_000,
  transitGapMs: 500,
  submittedDraftMs: 0,
  submissionsPerMinute: SUBMISSIONS_PER_MINUTE,
  timeScale: 1,
  notificationRetryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
};

/** The path below the mount (`/v1.0/users/x`) as decoded segments; undefined when not under /v1.0. */
function segmentsOf(path: string): string[] | undefined {
  const raw = path.split('?')[0] ?? '';
  const parts = raw.split('/').filter((part) => part !== '');
  if (parts[0]?.toLowerCase() !== 'v1.0') return undefined;
  // OData key syntax `mailFolders('sentitems')` is another way to write `mailFolders/sentitems`.
  return parts
    .slice(1)
    .map((part) => decodeURIComponent(part))
    .flatMap((part) => {
      const key = /^([^(]+)\('([^']*)'\)$/.exec(part);
      return key ? [key[1] ?? '', key[2] ?? ''] : [part];
    });
}

function lowerHeaders(request: SandboxRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function toSandboxResponse(result: GraphResult): SandboxResponse {
  return result.body === undefined
    ? { status: result.status, headers: result.headers }
    : { status: result.status, headers: result.headers, body: result.body };
}

export function createGraphService(ctx: ServiceContext, initial: GraphServiceOptions = {}): GraphService {
  let state: GraphState = emptyState();
  let options: Required<GraphServiceOptions> = { ...DEFAULTS, ...initial };
  const notifier = new SubscriptionNotifier(
    ctx,
    () => state,
    () => options.notificationRetryDelaysMs,
  );
  const env: RouteEnv = {
    ctx,
    state: () => state,
    now: () => ctx.clock.now(),
    root: `${ctx.urls.graphUrl.replace(/\/+$/, '')}/v1.0`,
    changes: notifier,
    validationTimeoutMs: () => options.validationTimeoutMs,
    transport: () => ({
      transportDelayMs: options.transportDelayMs,
      transitGapMs: options.transitGapMs,
      submittedDraftMs: options.submittedDraftMs,
      submissionsPerMinute: options.submissionsPerMinute,
      timeScale: options.timeScale,
    }),
  };
  /** Lets Exchange's transport catch up with the clock; every request and inspection starts with it. */
  const catchUp = (): void => advanceTransport(state, ctx.clock.now(), notifier);
  const latency = (): number => {
    const setting = options.latencyMs;
    return typeof setting === 'number' ? setting : ctx.prng.int(setting[0], Math.max(setting[0] + 1, setting[1]));
  };
  const dispatcher = new GraphDispatcher(
    env,
    new MailboxConcurrency(() => options.mailboxConcurrency),
    { latency, retryAfterSeconds: () => options.retryAfterSeconds },
    () => state.stats,
  );

  async function handle(request: SandboxRequest): Promise<SandboxResponse | undefined> {
    catchUp();
    try {
      return await route(request);
    } finally {
      catchUp();
    }
  }

  async function route(request: SandboxRequest): Promise<SandboxResponse | undefined> {
    const headers = lowerHeaders(request);
    const ids = { requestId: request.requestId, clientRequestId: headers['client-request-id'] ?? request.requestId };
    let segments: string[] | undefined;
    try {
      segments = segmentsOf(request.path);
    } catch {
      return toSandboxResponse(
        graphError(ids, ctx.clock.now(), { status: 400, code: 'BadRequest', message: 'The request URI is not valid.' }),
      );
    }
    if (!segments) return undefined;
    const auth = await authenticate(ctx.tokens, headers.authorization, ids, ctx.clock.now());
    if (!auth.ok) return toSandboxResponse(auth.result);
    const call: GraphCall = {
      method: request.method.toUpperCase(),
      segments,
      query: request.url.searchParams,
      headers,
      body: request.body,
      claims: auth.claims,
      ...ids,
    };
    if (segments.length === 1 && segments[0] === '$batch' && call.method === 'POST') {
      return toSandboxResponse(await batch(call));
    }
    return toSandboxResponse(await dispatcher.dispatch(call));
  }

  async function batch(call: GraphCall): Promise<GraphResult> {
    try {
      return await runBatch(call, dispatcher);
    } catch (error) {
      if (!(error instanceof GraphFault)) throw error;
      return graphError(call, ctx.clock.now(), { status: error.status, code: error.code, message: error.message });
    }
  }

  return {
    name: 'graph',
    handle,
    load(practice: PracticeSeed): void {
      state = stateFromPractice(practice);
    },
    exportState: () => {
      catchUp();
      return structuredClone(state);
    },
    importState(saved: unknown): void {
      state = readState(saved);
    },
    inspect: () => {
      catchUp();
      return inspectState(state, ctx.clock.now(), env.transport());
    },
    configure(next: GraphServiceOptions): void {
      options = { ...options, ...next };
    },
    notificationsSettled: () => notifier.settled(),
    fireLifecycle: (subscriptionId, event) => notifier.lifecycle(subscriptionId, event),
    dispose: () => notifier.dispose(),
  };
}
