// Routes one authenticated Graph call: matches the route, checks the app role, resolves the mailbox,
// applies the per-(app, mailbox) concurrency limit and the service latency, runs the handler and
// turns a GraphFault into Graph's error body. HTTP requests and $batch items both come through here.

import { accessDenied, hasAnyRole, isDelegated, readsOwnProfile } from './auth';
import { calendarRoutes } from './calendar';
import { messageRoutes } from './messages';
import type { Route, RouteEnv, RouteParams } from './routeTypes';
import { sendMailRoutes } from './sendMail';
import { findUser, type GraphState, type GraphUserRecord } from './state';
import { subscriptionRoutes } from './subscriptions';
import type { MailboxConcurrency } from './throttle';
import { userRoutes } from './users';
import { GraphFault, faults, graphError, type GraphCall, type GraphResult } from './wire';

export const ROUTES: readonly Route[] = [
  ...userRoutes,
  ...sendMailRoutes,
  ...messageRoutes,
  ...calendarRoutes,
  ...subscriptionRoutes,
];

export interface DispatchSettings {
  /** Milliseconds a handler takes (drawn per request). */
  latency(): number;
  retryAfterSeconds(): number;
}

function matchPattern(pattern: readonly string[], segments: string[]): RouteParams | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: RouteParams = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return undefined;
  }
  return params;
}

/** How far the path gets into the route table: Graph names the first segment it cannot place. */
function unknownSegment(segments: string[]): string {
  let reached = 0;
  for (const route of ROUTES) {
    let depth = 0;
    while (depth < Math.min(route.pattern.length, segments.length)) {
      const part = route.pattern[depth] ?? '';
      if (!part.startsWith(':') && part.toLowerCase() !== (segments[depth] ?? '').toLowerCase()) break;
      depth++;
    }
    reached = Math.max(reached, depth);
  }
  return segments[reached] ?? segments[segments.length - 1] ?? '';
}

function findRoute(call: GraphCall): { route: Route; params: RouteParams; call: GraphCall } {
  if (call.segments[0]?.toLowerCase() === 'me') {
    if (!isDelegated(call.claims))
      throw faults.badRequest('/me request is only valid with delegated authentication flow.');
    // Graph resolves /me to the signed-in user (the token's oid).
    call = { ...call, segments: ['users', call.claims.oid, ...call.segments.slice(1)] };
  }
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, call.segments);
    if (!params) continue;
    pathMatched = true;
    if (route.method === call.method) return { route, params, call };
  }
  if (pathMatched)
    throw new GraphFault(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  throw faults.badRequest(`Resource not found for the segment '${unknownSegment(call.segments)}'.`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class GraphDispatcher {
  constructor(
    private readonly env: RouteEnv,
    private readonly concurrency: MailboxConcurrency,
    private readonly settings: DispatchSettings,
    private readonly stats: () => GraphState['stats'],
  ) {}

  async dispatch(call: GraphCall): Promise<GraphResult> {
    try {
      return await this.run(call);
    } catch (error) {
      if (error instanceof GraphFault) {
        return graphError(call, this.env.now(), { status: error.status, code: error.code, message: error.message });
      }
      const message = error instanceof Error ? error.message : String(error);
      return graphError(call, this.env.now(), { status: 500, code: 'InternalServerError', message });
    }
  }

  private async run(request: GraphCall): Promise<GraphResult> {
    const { route, params, call } = findRoute(request);
    if (!hasAnyRole(call.claims, route.roles) && !readsOwnProfile(call.claims, route.workload, params.user))
      throw accessDenied(route.workload);
    let user: GraphUserRecord | undefined;
    let release: (() => void) | undefined;
    if (route.mailbox) {
      user = findUser(this.env.state(), params.user ?? '');
      if (!user) throw faults.invalidUser(params.user ?? '');
      release = this.concurrency.tryAcquire(call.claims.appid, user.id);
      if (!release) return this.throttled(call);
    }
    try {
      const latency = this.settings.latency();
      if (latency > 0) await sleep(latency);
      return await route.handle(call, params, this.env, user);
    } finally {
      release?.();
    }
  }

  private throttled(call: GraphCall): GraphResult {
    this.stats().throttled++;
    return graphError(call, this.env.now(), {
      status: 429,
      code: 'ApplicationThrottled',
      message: 'Application is over its MailboxConcurrency limit.',
      headers: { 'retry-after': String(this.settings.retryAfterSeconds()) },
    });
  }

  /** The mailbox (user id) a call counts against, for the batch runner's per-mailbox queue. */
  mailboxOf(call: GraphCall): string | undefined {
    if (call.segments[0]?.toLowerCase() !== 'users' || call.segments.length < 3) return undefined;
    return findUser(this.env.state(), call.segments[1] ?? '')?.id;
  }
}
