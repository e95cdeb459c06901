// The sandbox's own JSON endpoints under /_sandbox, for `lc sandbox inspect|reset|export|import`,
// tests and scripts: GET inspect, POST reset, GET/POST faults (add a rule or a spec, or clear),
// GET requests (the request log), GET export, POST import, POST devicecode/approve|decline
// {user_code} (the user's part of the device-code flow), and POST graph/lifecycle
// {subscriptionId, lifecycleEvent} (Graph's lifecycle notifications, on demand), GET acs/sms (the SMS
// sent) and POST acs/eventSubscription {endpoint, delayMs} (where ACS's delivery reports go).

import { LifeCockpitError } from '../core/errors';
import { parseFaultSpec } from './faults';
import { LIFECYCLE_EVENTS, type LifecycleEvent } from './graph';
import type { FaultRule, SandboxRequest, SandboxResponse, ServiceHandler } from './types';

export interface InspectorTarget {
  inspect(): object;
  reset(): void;
  faults: { add(rule: FaultRule): void; clear(): void; list(): unknown[] };
  requestLog(): unknown[];
  exportState(): object;
  importState(state: object): void;
  settleDeviceCode?(userCode: string, outcome: 'approved' | 'declined'): boolean;
  graphLifecycle?(subscriptionId: string, event: LifecycleEvent): boolean;
  sentSms?(): unknown[];
  subscribeSmsDeliveryReports?(endpoint: string, delayMs?: number): Promise<{ ok: boolean; reason?: string }>;
}

export function createInspector(target: InspectorTarget): ServiceHandler {
  return {
    name: 'inspector',
    handle: (request) =>
      request.method === 'POST' && request.path.replace(/\/+$/, '') === '/acs/eventSubscription'
        ? subscribeSmsReports(target, request)
        : Promise.resolve(answer(target, request)),
  };
}

function answer(target: InspectorTarget, request: SandboxRequest): SandboxResponse | undefined {
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /inspect':
        return { status: 200, body: target.inspect() };
      case 'POST /reset':
        target.reset();
        return { status: 200, body: { reset: true } };
      case 'GET /faults':
        return { status: 200, body: { rules: target.faults.list() } };
      case 'POST /faults':
        return changeFaults(target, parseJson(request.body));
      case 'DELETE /faults':
        target.faults.clear();
        return { status: 200, body: { rules: [] } };
      case 'GET /requests': {
        const limit = Number(request.url.searchParams.get('limit') ?? 'NaN');
        const all = target.requestLog();
        return { status: 200, body: { requests: Number.isInteger(limit) && limit > 0 ? all.slice(-limit) : all } };
      }
      case 'GET /export':
        return { status: 200, body: target.exportState() };
      case 'POST /import':
        target.importState(parseJson(request.body) as object);
        return { status: 200, body: { imported: true } };
      case 'POST /devicecode/approve':
        return settleDeviceCode(target, parseJson(request.body), 'approved');
      case 'POST /devicecode/decline':
        return settleDeviceCode(target, parseJson(request.body), 'declined');
      case 'POST /graph/lifecycle':
        return fireGraphLifecycle(target, parseJson(request.body));
      case 'GET /acs/sms':
        return { status: 200, body: { sms: target.sentSms?.() ?? [] } };
      default:
        return undefined;
    }
  } catch (error) {
    if (error instanceof LifeCockpitError || error instanceof SyntaxError) {
      return {
        status: 400,
        body: {
          error: {
            code: error instanceof LifeCockpitError ? error.code : 'sandbox.invalidJson',
            message: error.message,
          },
        },
      };
    }
    throw error;
  }
}

/** POST /acs/eventSubscription {"endpoint":"http://127.0.0.1:PORT/acs","delayMs":5000}: ACS's delivery reports go there. */
async function subscribeSmsReports(target: InspectorTarget, request: SandboxRequest): Promise<SandboxResponse> {
  let body: { endpoint?: unknown; delayMs?: unknown };
  try {
    body = (parseJson(request.body) ?? {}) as typeof body;
  } catch {
    body = {};
  }
  if (typeof body.endpoint !== 'string' || !target.subscribeSmsDeliveryReports) {
    return {
      status: 400,
      body: { error: { code: 'sandbox.invalidSubscription', message: 'Send {"endpoint":"http://…","delayMs":5000}.' } },
    };
  }
  const delayMs = typeof body.delayMs === 'number' && body.delayMs >= 0 ? body.delayMs : undefined;
  const result = await target.subscribeSmsDeliveryReports(body.endpoint, delayMs);
  return result.ok
    ? { status: 201, body: { endpoint: body.endpoint } }
    : { status: 400, body: { error: { code: 'sandbox.validationFailed', message: result.reason ?? 'failed' } } };
}

function settleDeviceCode(target: InspectorTarget, body: unknown, outcome: 'approved' | 'declined'): SandboxResponse {
  const userCode = (body as { user_code?: unknown } | undefined)?.user_code;
  if (typeof userCode !== 'string' || userCode === '' || !target.settleDeviceCode) {
    return { status: 400, body: { error: { code: 'sandbox.invalidDeviceCode', message: 'Send {"user_code":"…"}.' } } };
  }
  if (!target.settleDeviceCode(userCode, outcome)) {
    return {
      status: 404,
      body: { error: { code: 'sandbox.deviceCodeNotPending', message: `No pending device code ${userCode}.` } },
    };
  }
  return { status: 200, body: { user_code: userCode, status: outcome } };
}

function fireGraphLifecycle(target: InspectorTarget, body: unknown): SandboxResponse {
  const b = (body ?? {}) as { subscriptionId?: unknown; lifecycleEvent?: unknown };
  const event = LIFECYCLE_EVENTS.find((e) => e === b.lifecycleEvent);
  if (typeof b.subscriptionId !== 'string' || event === undefined || !target.graphLifecycle) {
    return {
      status: 400,
      body: {
        error: {
          code: 'sandbox.invalidLifecycle',
          message: `Send {"subscriptionId":"…","lifecycleEvent":"${LIFECYCLE_EVENTS.join('|')}"}.`,
        },
      },
    };
  }
  if (!target.graphLifecycle(b.subscriptionId, event)) {
    return {
      status: 404,
      body: {
        error: {
          code: 'sandbox.subscriptionNotFound',
          message: `No live subscription ${b.subscriptionId} with a lifecycleNotificationUrl.`,
        },
      },
    };
  }
  return { status: 202, body: { subscriptionId: b.subscriptionId, lifecycleEvent: event } };
}

/** `{"action":"clear"}`, `{"spec":"graph:throttle:1:2"}`, `{"rule":{…}}` or a bare FaultRule. */
function changeFaults(target: InspectorTarget, body: unknown): SandboxResponse {
  const b = (body ?? {}) as { action?: string; spec?: string; rule?: FaultRule; kind?: string };
  if (b.action === 'clear') target.faults.clear();
  else if (typeof b.spec === 'string') target.faults.add(parseFaultSpec(b.spec));
  else if (b.rule !== undefined) target.faults.add(b.rule);
  else if (typeof b.kind === 'string') target.faults.add(body as FaultRule);
  else
    return {
      status: 400,
      body: {
        error: {
          code: 'sandbox.invalidFault',
          message: 'Send {"action":"clear"}, {"spec":"graph:throttle:0.1:2"} or {"rule":{…}}.',
        },
      },
    };
  return { status: 200, body: { rules: target.faults.list() } };
}

function parseJson(body: Buffer): unknown {
  return body.length === 0 ? undefined : (JSON.parse(body.toString('utf8')) as unknown);
}
