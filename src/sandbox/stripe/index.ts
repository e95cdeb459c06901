// The sandbox's Stripe API: what stripe-node reaches through `host`/`port`/`protocol`. Mounted at
// the origin root for `/v1/…`; authenticates with the practice's secret key, answers in Stripe's
// wire format, records Events for every state change and delivers them, signed, to webhook
// endpoints. See the route files for each resource.

import type { PracticeSeed, SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from '../types';
import { checkoutRoutes } from './checkout';
import { customerRoutes } from './customers';
import { dispatch } from './dispatch';
import { eventRoutes } from './events';
import { invoiceItemRoutes } from './invoiceItems';
import { invoiceRoutes } from './invoices';
import { PAGES_PREFIX, servePage } from './pages';
import { paymentRoutes } from './payments';
import { priceRoutes } from './prices';
import { type Route, StripeRuntime } from './runtime';
import { seededState, seedPractice } from './seed';
import { emptyState, isStripeState, type StripeState } from './state';
import { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions, WebhookDelivery, signatureHeader } from './webhookDelivery';
import { summarize } from './inspect';

export { DEFAULT_API_VERSION } from './wire';
export { signatureHeader };
export type { DeliveryOptions };

export interface StripeServiceOptions {
  /** Webhook retry timing; tests pass a small base delay. */
  delivery?: Partial<DeliveryOptions>;
}

export interface StripeSandboxService extends SandboxService {
  /** Resolves when no webhook delivery is in flight or waiting for a retry (for tests and shutdown). */
  webhooksIdle(): Promise<void>;
}

export function createStripeService(ctx: ServiceContext, options: StripeServiceOptions = {}): StripeSandboxService {
  const delivery = new WebhookDelivery(ctx.outbound, ctx.clock, () => rt.state, {
    ...DEFAULT_DELIVERY_OPTIONS,
    ...options.delivery,
  });
  const rt: StripeRuntime = new StripeRuntime(
    ctx,
    emptyState({ accountId: 'acct_sandbox', accountName: 'Sandbox', secretKey: '', webhookSecret: '' }),
    (event) =>
      delivery.enqueue(
        event,
        rt.endpointsFor(event.type).map((e) => e.id),
      ),
  );
  const routes: Route[] = [
    ...customerRoutes,
    ...invoiceItemRoutes,
    ...invoiceRoutes,
    ...paymentRoutes,
    ...priceRoutes,
    ...checkoutRoutes,
    ...eventRoutes((event, endpointIds) => delivery.enqueue(event, endpointIds)),
  ];

  function payFromPage(request: SandboxRequest, apiPath: string): SandboxResponse {
    return dispatch(rt, routes, {
      ...request,
      path: apiPath,
      headers: { authorization: `Bearer ${rt.state.secretKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('payment_method=pm_card_visa'),
    });
  }

  return {
    name: 'stripe',
    handle(request: SandboxRequest): Promise<SandboxResponse | undefined> {
      if (!request.path.startsWith('/v1/')) return Promise.resolve(undefined);
      if (request.path.startsWith(PAGES_PREFIX)) {
        return Promise.resolve(servePage(rt, request, (apiPath) => payFromPage(request, apiPath)));
      }
      return Promise.resolve(dispatch(rt, routes, request));
    },
    load(practice: PracticeSeed): void {
      rt.state = seededState(practice);
      seedPractice(rt, practice);
    },
    exportState(): unknown {
      return structuredClone(rt.state);
    },
    importState(state: unknown): void {
      if (!isStripeState(state))
        throw new Error('Not a Stripe sandbox state (expected version 1 with secretKey and customers).');
      rt.state = structuredClone(state);
    },
    inspect(): unknown {
      return summarize(rt.state);
    },
    webhooksIdle(): Promise<void> {
      return delivery.idle();
    },
    dispose(): void {
      delivery.dispose();
    },
  };
}

export type { StripeState };
