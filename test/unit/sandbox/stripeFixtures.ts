// Test builders for the Stripe sandbox: a fake ServiceContext (settable clock, seeded PRNG, scripted
// outbound HTTP), a small practice, and `stripeCall`, which sends a form-encoded request through
// the handler as stripe-node would.

import qs from 'qs';
import type { PracticeSeed, Prng, SandboxRequest, ServiceContext } from '../../../src/sandbox/types';
import type { StripeSandboxService } from '../../../src/sandbox/stripe';

export const SECRET_KEY = 'sk_test_51SandboxPracticeKey0000Abcd';
export const WEBHOOK_SECRET = 'whsec_practiceSecretForTests0000000000';
export const ORIGIN = 'https://localhost:4443';

export function seededPrng(seed: number): Prng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    uuid: () => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(next() * 16).toString(16)),
  };
}

export interface OutboundCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeContext {
  ctx: ServiceContext;
  clock: { ms: number };
  sent: OutboundCall[];
  /** What the next outbound calls answer; the last entry repeats. A string throws as a network error. */
  answers: (number | string)[];
}

export function fakeContext(): FakeContext {
  const clock = { ms: Date.parse('2026-03-02T10:00:00Z') };
  const sent: OutboundCall[] = [];
  const fake: FakeContext = { clock, sent, answers: [200], ctx: undefined as unknown as ServiceContext };
  fake.ctx = {
    urls: {
      origin: ORIGIN,
      authorityHost: ORIGIN,
      graphUrl: `${ORIGIN}/graph`,
      dataverseUrl: `${ORIGIN}/dataverse`,
      stripeUrl: ORIGIN,
    },
    tokens: { verify: () => Promise.resolve({ ok: false, reason: 'missing', message: 'unused' }) },
    clock: { now: () => clock.ms },
    prng: seededPrng(7),
    outbound: (url, init) => {
      sent.push({ url, headers: init.headers, body: init.body ?? '' });
      const answer = fake.answers.length > 1 ? fake.answers.shift() : fake.answers[0];
      if (typeof answer === 'string') return Promise.reject(new Error(answer));
      return Promise.resolve({ status: answer ?? 200, body: '' });
    },
  };
  return fake;
}

export function aPractice(): PracticeSeed {
  return {
    tenantId: 't',
    practiceName: 'Praxis Sonnenweg',
    practitioner: { userId: 'u', displayName: 'Dr. A', mail: 'a@praxis.test', systemUserId: 's' },
    businessUnitId: 'b',
    organizationId: 'o',
    stripe: { accountId: 'acct_1Sandbox000000', secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET },
    app: {
      clientId: 'c',
      displayName: 'app',
      clientSecret: 'x',
      secretExpiresAt: '2027-01-01T00:00:00Z',
      graphRoles: [],
      applicationUserId: 'au',
    },
    clients: [
      {
        id: 'contact-1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.test',
        phone: '+49 1',
        language: 'de',
        timeZone: 'Europe/Berlin',
        stripeCustomerId: 'cus_Seed00000000A1',
      },
      {
        id: 'contact-2',
        firstName: 'Bob',
        lastName: 'Byte',
        email: 'bob@example.test',
        phone: '+49 2',
        language: 'en',
        timeZone: 'Europe/Berlin',
      },
    ],
    sessions: [
      {
        id: 'session-1',
        clientId: 'contact-1',
        subject: 'Session 1',
        start: '2026-02-02T09:00:00Z',
        end: '2026-02-02T09:50:00Z',
        state: 'attended',
        location: 'Praxis',
        feeCents: 9000,
        currency: 'eur',
        paymentStatus: 'paid',
        inCalendar: true,
      },
      {
        id: 'session-2',
        clientId: 'contact-1',
        subject: 'Session 2',
        start: '2026-02-09T09:00:00Z',
        end: '2026-02-09T09:50:00Z',
        state: 'attended',
        location: 'Praxis',
        feeCents: 9000,
        currency: 'eur',
        paymentStatus: 'invoiced',
        stripeInvoiceId: 'in_Seeded0000000000000000B2',
        inCalendar: true,
      },
      {
        id: 'session-3',
        clientId: 'contact-2',
        subject: 'Session 3',
        start: '2026-02-10T09:00:00Z',
        end: '2026-02-10T09:50:00Z',
        state: 'attended',
        location: 'Praxis',
        feeCents: 9000,
        currency: 'eur',
        paymentStatus: 'unpaid',
        inCalendar: true,
      },
    ],
    reminders: [],
  };
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  // Test code reads arbitrary wire fields; the assertions check them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

let requestCounter = 0;

export async function stripeCall(
  service: StripeSandboxService,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const encoded = qs.stringify(params, { arrayFormat: 'indices' });
  const withQuery = method === 'POST' || encoded === '' ? path : `${path}?${encoded}`;
  const request: SandboxRequest = {
    method,
    url: new URL(`${ORIGIN}${withQuery}`),
    path: withQuery.split('?')[0] ?? withQuery,
    headers: { authorization: `Bearer ${SECRET_KEY}`, ...lowerCase(headers) },
    body: Buffer.from(method === 'POST' ? encoded : ''),
    requestId: `sandbox-${++requestCounter}`,
  };
  const response = await service.handle(request);
  if (response === undefined) throw new Error(`no route for ${method} ${path}`);
  const body = response.body;
  return {
    status: response.status,
    headers: response.headers ?? {},
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body.toString() : body,
  };
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Polls until `check` holds (no fixed sleeps), failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
