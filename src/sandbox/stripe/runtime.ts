// What every Stripe route works with: the live state, the injected clock and PRNG for `created` and
// ids, and the call being served (its params, path ids, request id and idempotency key), plus
// `emit`, which records an Event the way Stripe does on every state change and hands it to delivery.

import type { SandboxUrls, ServiceContext } from '../types';
import type { Params } from './params';
import type { StripeEvent, StripeState, WebhookEndpoint } from './state';
import { DEFAULT_API_VERSION, randomToken } from './wire';

/** Id body lengths as api.stripe.com issues them (cus_ 14, most others 24, cs_test_ 58). */
const ID_LENGTHS: Record<string, number> = { cus_: 14, prod_: 14, cs_test_: 58, req_: 14, whsec_: 32 };

export class StripeRuntime {
  constructor(
    private readonly ctx: ServiceContext,
    public state: StripeState,
    private readonly onEvent: (event: StripeEvent) => void,
  ) {}

  get urls(): SandboxUrls {
    return this.ctx.urls;
  }

  nowMs(): number {
    return this.ctx.clock.now();
  }

  /** Set while seeding, so seeded objects carry the time they would have been made at. */
  seedingAt: number | undefined;

  /** Unix seconds, as every `created` field carries it. */
  now(): number {
    return this.seedingAt ?? Math.floor(this.ctx.clock.now() / 1000);
  }

  id(prefix: string): string {
    return prefix + randomToken((n) => this.ctx.prng.int(0, n), ID_LENGTHS[prefix] ?? 24);
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.ctx.prng.int(0, 16).toString(16);
    return out;
  }

  /** Endpoints that would receive an event of this type (`*` or the exact type in enabled_events). */
  endpointsFor(type: string): WebhookEndpoint[] {
    return Object.values(this.state.webhookEndpoints).filter(
      (endpoint) =>
        endpoint.status === 'enabled' &&
        (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type)),
    );
  }

  /** Records an Event carrying a snapshot of the object as it is now, then hands it to delivery. */
  emit(call: CallInfo, type: string, object: object, previousAttributes?: Record<string, unknown>): StripeEvent {
    const event: StripeEvent = {
      id: this.id('evt_'),
      object: 'event',
      api_version: DEFAULT_API_VERSION,
      created: this.now(),
      // Seeding emits hundreds of thousands of events and keeps only the newest few: skip the snapshot copy
      // there (those few may then show the object's later state); every API-driven event is a true snapshot.
      data: { object: this.seedingAt === undefined ? structuredClone(object) : object },
      livemode: false,
      pending_webhooks: this.endpointsFor(type).length,
      request: { id: call.requestId, idempotency_key: call.idempotencyKey },
      type,
    };
    if (previousAttributes !== undefined) event.data.previous_attributes = structuredClone(previousAttributes);
    this.state.events[event.id] = event;
    this.onEvent(event);
    return event;
  }
}

/** The request behind a state change (null for changes the sandbox makes itself, e.g. seeding). */
export interface CallInfo {
  requestId: string | null;
  idempotencyKey: string | null;
}

export interface ApiCall extends CallInfo {
  rt: StripeRuntime;
  params: Params;
  /** The `:name` segments of the matched route, decoded. */
  path: Record<string, string>;
  method: string;
  /** The request path without query, e.g. `/v1/customers/cus_123`. */
  url: string;
}

export type RouteHandler = (call: ApiCall) => object;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string; // `/v1/customers/:id`
  handler: RouteHandler;
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; path: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.pattern.split('/');
    if (parts.length !== segments.length) continue;
    const found: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) {
        if (segment === '') return false;
        found[part.slice(1)] = decodeURIComponent(segment);
        return true;
      }
      return part === segment;
    });
    if (ok) return { route, path: found };
  }
  return undefined;
}
