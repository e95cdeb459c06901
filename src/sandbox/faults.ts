// Fault injection for the sandbox: rules (global, per service, per route) decide, deterministically
// under the seed, which requests are delayed, throttled, failed, dropped or answered slowly. The
// server asks before a request reaches its service; the bodies come from serviceErrors.ts.
//
// Fault spec syntax (CLI `--fault`, repeatable; also POST /_sandbox/faults {"spec": "…"}):
//
//   SERVICE:KIND:RATE[:VALUE[:LIMIT]][@ROUTE]
//
//   SERVICE  graph | dataverse | stripe | entra | sendgrid | * (every service)
//   KIND     latency   delay the request by VALUE ms (default 500)
//            throttle  429 with Retry-After: VALUE seconds (default 2), in the service's own shape:
//                      Graph TooManyRequests, Dataverse 0x80072322, Stripe rate_limit, Entra 429,
//                      SendGrid errors[] "too many requests" with X-RateLimit-*
//            error500  500 in the service's error shape
//            error503  503 in the service's error shape (with Retry-After when VALUE is given)
//            drop      destroy the connection without an answer (the request never reaches the service)
//            lostAnswer  let the service apply the request, then destroy the connection before its answer:
//                      a write that happened although the client never heard so
//            slowBody  send the answer in pieces spread over VALUE ms (default 2000)
//   RATE     probability in [0, 1] that a matching request gets the fault
//   LIMIT    stop after this many hits
//   ROUTE    a regular expression matched against "METHOD /path" below the service's prefix
//
//   Examples: --fault graph:throttle:0.1:2         10 % of Graph requests get 429, Retry-After 2
//             --fault '*:latency:1:200'            every request waits 200 ms
//             --fault 'graph:throttle:1:1:3@^POST /v1.0/users/.+/sendMail'   the first 3 sendMails get 429
//             --fault dataverse:error503:0.05      5 % of Dataverse requests get 503

import { ValidationError } from '../core/errors';
import type { SeededPrng } from './prng';
import type { FaultKind, FaultRule, ServiceName } from './types';

export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'throttle',
  'error500',
  'error503',
  'drop',
  'lostAnswer',
  'slowBody',
];
const KIND_ALIASES: Readonly<Record<string, FaultKind>> = {
  '429': 'throttle',
  '500': 'error500',
  '503': 'error503',
  slow: 'slowBody',
  delay: 'latency',
  applyThenDrop: 'lostAnswer',
};
const SERVICES: readonly ServiceName[] = ['entra', 'graph', 'dataverse', 'stripe', 'sendgrid', 'acs'];

export interface FaultPlan {
  /** Total delay before the request is handled. */
  latencyMs: number;
  /** The answer that replaces the service's (throttle/error500/error503/drop/lostAnswer), if any. */
  terminal?: { kind: Exclude<FaultKind, 'latency' | 'slowBody'>; value?: number };
  /** Spread the response body over this many ms. */
  slowBodyMs?: number;
  /** The kinds that fired, for the request log. */
  fired: FaultKind[];
}

interface ActiveRule {
  rule: FaultRule;
  route?: RegExp;
  prng: SeededPrng;
  hits: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private added = 0;

  constructor(
    private readonly prng: SeededPrng,
    rules: readonly FaultRule[] = [],
  ) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: FaultRule): void {
    const checked = validateRule(rule);
    // Each rule draws from its own stream, so adding a rule never changes another rule's decisions.
    this.rules.push({
      rule: checked,
      route: checked.route === undefined ? undefined : new RegExp(checked.route),
      prng: this.prng.fork(`rule-${this.added++}`),
      hits: 0,
    });
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<FaultRule & { hits: number }> {
    return this.rules.map((r) => ({ ...r.rule, hits: r.hits }));
  }

  /** Decides the faults for one request. The inspector is never faulted. */
  plan(service: ServiceName, method: string, path: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, fired: [] };
    if (service === 'inspector') return plan;
    const target = `${method} ${path}`;
    for (const active of this.rules) {
      if (!this.matches(active, service, target)) continue;
      // Draw even when a terminal fault already fired: each rule's stream advances once per matching request.
      const fires = active.prng.next() < active.rule.rate;
      if (!fires || (plan.terminal !== undefined && isTerminal(active.rule.kind))) continue;
      active.hits++;
      plan.fired.push(active.rule.kind);
      this.apply(plan, active.rule);
    }
    return plan;
  }

  private matches(active: ActiveRule, service: ServiceName, target: string): boolean {
    if (active.rule.service !== undefined && active.rule.service !== service) return false;
    if (active.rule.limit !== undefined && active.hits >= active.rule.limit) return false;
    return active.route === undefined || active.route.test(target);
  }

  private apply(plan: FaultPlan, rule: FaultRule): void {
    switch (rule.kind) {
      case 'latency':
        plan.latencyMs += rule.value ?? 500;
        return;
      case 'slowBody':
        plan.slowBodyMs = Math.max(plan.slowBodyMs ?? 0, rule.value ?? 2000);
        return;
      case 'throttle':
        plan.terminal = { kind: 'throttle', value: rule.value ?? 2 };
        return;
      default:
        plan.terminal = { kind: rule.kind, ...(rule.value === undefined ? {} : { value: rule.value }) };
    }
  }
}

function isTerminal(kind: FaultKind): boolean {
  return kind !== 'latency' && kind !== 'slowBody';
}

export function validateRule(rule: FaultRule): FaultRule {
  const fail = (message: string): never => {
    throw new ValidationError(`Invalid fault rule: ${message}`, { code: 'sandbox.invalidFault', detail: { rule } });
  };
  if (!FAULT_KINDS.includes(rule.kind)) fail(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  if (!(typeof rule.rate === 'number' && rule.rate >= 0 && rule.rate <= 1)) fail('rate must be a number in [0, 1]');
  if (rule.service !== undefined && !SERVICES.includes(rule.service))
    fail(`service must be one of ${SERVICES.join(', ')}`);
  if (rule.value !== undefined && !(Number.isFinite(rule.value) && rule.value >= 0))
    fail('value must be a non-negative number');
  if (rule.limit !== undefined && !(Number.isInteger(rule.limit) && rule.limit > 0))
    fail('limit must be a positive integer');
  if (rule.route !== undefined) {
    try {
      new RegExp(rule.route);
    } catch (error) {
      fail(`route is not a regular expression (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { ...rule };
}

/** Parses `SERVICE:KIND:RATE[:VALUE[:LIMIT]][@ROUTE]` (see the comment at the top of this file). */
export function parseFaultSpec(spec: string): FaultRule {
  const at = spec.indexOf('@');
  const head = at < 0 ? spec : spec.slice(0, at);
  const route = at < 0 ? undefined : spec.slice(at + 1);
  const [service, kind, rate, value, limit, ...extra] = head.split(':');
  const bad = (why: string): never => {
    throw new ValidationError(
      `Invalid --fault "${spec}": ${why}. Expected SERVICE:KIND:RATE[:VALUE[:LIMIT]][@ROUTE], e.g. graph:throttle:0.1:2.`,
      {
        code: 'sandbox.invalidFault',
      },
    );
  };
  if (service === undefined || kind === undefined || rate === undefined || rate === '' || extra.length > 0)
    bad('wrong number of parts');
  const number = (text: string | undefined, name: string): number | undefined => {
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : bad(`${name} "${text}" is not a number`);
  };
  const resolvedKind = (KIND_ALIASES[kind as string] ?? kind) as FaultKind;
  const rule: FaultRule = { kind: resolvedKind, rate: number(rate, 'rate') as number };
  if (service !== '*' && service !== 'all') rule.service = service as ServiceName;
  const v = number(value, 'value');
  if (v !== undefined) rule.value = v;
  const l = number(limit, 'limit');
  if (l !== undefined) rule.limit = l;
  if (route !== undefined && route !== '') rule.route = route;
  return validateRule(rule);
}
