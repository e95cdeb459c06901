// Events and webhook endpoints as the API exposes them: `GET /v1/events` (filters `type`, with
// Stripe's `invoice.*` wildcard, `types[]`, `created`), endpoint create/list/update/delete (the
// secret shown only at creation), and the sandbox-only `POST /v1/_sandbox/webhook_endpoints`, which
// registers an endpoint under the practice's known secret so `lc webhooks serve` can verify.

import { applyExpand } from './expand';
import { filterCreated, listPage, newestFirst } from './listing';
import { applyMetadata, type Params } from './params';
import type { ApiCall, Route, StripeRuntime } from './runtime';
import type { StripeEvent, WebhookEndpoint } from './state';
import { invalidValue, parameterMissing, resourceMissing } from './wire';

function typeMatches(type: string, pattern: string): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

function listEvents(call: ApiCall): object {
  const { params, rt } = call;
  const type = params.string('type');
  const types = params.strings('types');
  const items = filterCreated(newestFirst(rt.state.events), params).filter(
    (event) =>
      (type === undefined || typeMatches(event.type, type)) &&
      (types === undefined || types.some((t) => typeMatches(event.type, t))),
  );
  return listPage(items, params, '/v1/events', 'event');
}

function requireEvent(rt: StripeRuntime, id: string): StripeEvent {
  const event = rt.state.events[id];
  if (event === undefined) throw resourceMissing('event', id, 'id');
  return event;
}

function readEnabledEvents(params: Params, required: boolean): string[] | undefined {
  const events = params.strings('enabled_events');
  if (events === undefined) {
    if (required) throw parameterMissing('enabled_events');
    return undefined;
  }
  if (events.length === 0) throw parameterMissing('enabled_events');
  events.forEach((name, i) => {
    if (name !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(name)) {
      throw invalidValue(`enabled_events[${i}]`, `Invalid enabled_events[${i}]: ${name} is not a known event type.`);
    }
  });
  return events;
}

function readUrl(params: Params): string {
  const url = params.requiredString('url');
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalidValue('url', `Invalid URL: ${url}`);
  return url;
}

export function addEndpoint(
  rt: StripeRuntime,
  fields: {
    url: string;
    enabledEvents: string[];
    secret: string;
    description?: string | null;
    metadata?: Record<string, string>;
  },
): WebhookEndpoint {
  const endpoint: WebhookEndpoint = {
    id: rt.id('we_'),
    object: 'webhook_endpoint',
    api_version: null,
    application: null,
    created: rt.now(),
    description: fields.description ?? null,
    enabled_events: fields.enabledEvents,
    livemode: false,
    metadata: fields.metadata ?? {},
    status: 'enabled',
    url: fields.url,
  };
  rt.state.webhookEndpoints[endpoint.id] = endpoint;
  rt.state.webhookSecrets[endpoint.id] = fields.secret;
  return endpoint;
}

function createEndpoint(call: ApiCall, secret: string, defaultEvents?: string[]): object {
  const { params, rt } = call;
  const enabledEvents = readEnabledEvents(params, defaultEvents === undefined) ?? defaultEvents ?? ['*'];
  const endpoint = addEndpoint(rt, {
    url: readUrl(params),
    enabledEvents,
    secret,
    description: params.string('description') ?? null,
    metadata: applyMetadata({}, params.metadataPatch()),
  });
  // The secret appears in the create response only; retrieve and list leave it out.
  return { ...endpoint, secret };
}

function requireEndpoint(rt: StripeRuntime, id: string): WebhookEndpoint {
  const endpoint = rt.state.webhookEndpoints[id];
  if (endpoint === undefined) throw resourceMissing('webhook_endpoint', id, 'id');
  return endpoint;
}

function updateEndpoint(call: ApiCall): object {
  const { params, rt } = call;
  const endpoint = requireEndpoint(rt, call.path.id ?? '');
  if (params.has('url')) endpoint.url = readUrl(params);
  const events = readEnabledEvents(params, false);
  if (events !== undefined) endpoint.enabled_events = events;
  const disabled = params.bool('disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  const description = params.string('description');
  if (description !== undefined) endpoint.description = description === '' ? null : description;
  endpoint.metadata = applyMetadata(endpoint.metadata, params.metadataPatch());
  return endpoint;
}

function deleteEndpoint(call: ApiCall): object {
  const endpoint = requireEndpoint(call.rt, call.path.id ?? '');
  delete call.rt.state.webhookEndpoints[endpoint.id];
  delete call.rt.state.webhookSecrets[endpoint.id];
  return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
}

export function eventRoutes(resend: (event: StripeEvent, endpointIds: string[]) => void): Route[] {
  return [
    { method: 'GET', pattern: '/v1/events', handler: listEvents },
    {
      method: 'GET',
      pattern: '/v1/events/:id',
      handler: (call) =>
        applyExpand(call.rt.state, requireEvent(call.rt, call.path.id ?? ''), call.params.strings('expand')),
    },
    { method: 'POST', pattern: '/v1/webhook_endpoints', handler: (call) => createEndpoint(call, call.rt.id('whsec_')) },
    {
      method: 'GET',
      pattern: '/v1/webhook_endpoints',
      handler: (call) =>
        listPage(newestFirst(call.rt.state.webhookEndpoints), call.params, '/v1/webhook_endpoints', 'webhook_endpoint'),
    },
    {
      method: 'GET',
      pattern: '/v1/webhook_endpoints/:id',
      handler: (call) => requireEndpoint(call.rt, call.path.id ?? ''),
    },
    { method: 'POST', pattern: '/v1/webhook_endpoints/:id', handler: updateEndpoint },
    { method: 'DELETE', pattern: '/v1/webhook_endpoints/:id', handler: deleteEndpoint },
    {
      method: 'POST',
      pattern: '/v1/_sandbox/webhook_endpoints',
      handler: (call) => createEndpoint(call, call.rt.state.webhookSecret, ['*']),
    },
    {
      // Sandbox-only: deliver an existing event again to every endpoint that wants its type.
      method: 'POST',
      pattern: '/v1/_sandbox/events/:id/resend',
      handler: (call) => {
        const event = requireEvent(call.rt, call.path.id ?? '');
        const endpoints = call.rt.endpointsFor(event.type).map((e) => e.id);
        event.pending_webhooks += endpoints.length;
        resend(event, endpoints);
        return event;
      },
    },
  ];
}
