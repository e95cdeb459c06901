// Builders for the Graph sandbox's unit tests: a fake ServiceContext (a token verifier that trusts
// `Bearer app=<id>;roles=<a,b>`, a settable clock, recorded outbound calls), a small practice, and
// a request builder that calls the handler the way the server would.

import { createPrng } from '../../../src/sandbox/prng';
import type {
  PracticeSeed,
  SandboxRequest,
  SandboxResponse,
  ServiceContext,
  TokenVerifier,
} from '../../../src/sandbox/types';
import { createGraphService, type GraphService, type GraphServiceOptions } from '../../../src/sandbox/graph';

export const TENANT = '11111111-2222-4333-8444-555555555555';
export const APP_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
export const PRACTITIONER_ID = '0f0e0d0c-0b0a-4909-8807-060504030201';
export const MAILBOX = 'dr.morgan@contoso-practice.test';
export const ALL_ROLES = ['Mail.Send', 'Mail.ReadWrite', 'Calendars.ReadWrite', 'User.Read.All'];

/** `Bearer app=<appid>;roles=<comma list>`; the fake verifier turns it into claims. */
export function bearer(roles: readonly string[] = ALL_ROLES, appId = APP_ID): string {
  return `Bearer app=${appId};roles=${roles.join(',')}`;
}

const fakeTokens: TokenVerifier = {
  async verify(header, audience) {
    if (!header) return { ok: false, reason: 'missing', message: 'no token' };
    if (header === 'Bearer expired') return { ok: false, reason: 'expired', message: 'expired' };
    const match = /^Bearer app=([^;]+);roles=(.*)$/.exec(header);
    if (!match) return { ok: false, reason: 'malformed', message: 'bad token' };
    const roles = (match[2] ?? '').split(',').filter((role) => role !== '');
    return {
      ok: true,
      claims: {
        aud: audience,
        iss: `https://sts.windows.net/${TENANT}/`,
        tid: TENANT,
        appid: match[1] ?? '',
        oid: 'sp-oid',
        sub: 'sp-oid',
        roles,
        idtyp: 'app',
        iat: 0,
        nbf: 0,
        exp: 9e9,
      },
    };
  },
};

export interface OutboundCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export type OutboundHandler = (call: OutboundCall) => Promise<{ status: number; body: string }>;

/** Echoes the validation token back (what a correct webhook endpoint does) and accepts notifications. */
export const echoingEndpoint: OutboundHandler = async (call) => {
  const token = new URL(call.url).searchParams.get('validationToken');
  return token !== null ? { status: 200, body: token } : { status: 202, body: '' };
};

export interface TestWorld {
  ctx: ServiceContext;
  service: GraphService;
  clock: { now: number };
  outbound: OutboundCall[];
  setOutbound(handler: OutboundHandler): void;
}

/** By default transport is instant (no delay, no gap), so tests that are not about it read Sent Items at once. */
export function aGraphWorld(options: GraphServiceOptions = {}): TestWorld {
  const clock = { now: Date.parse('2025-03-10T08:00:00Z') };
  const outbound: OutboundCall[] = [];
  let handler: OutboundHandler = echoingEndpoint;
  const ctx: ServiceContext = {
    urls: {
      origin: 'https://localhost:8443',
      authorityHost: 'https://localhost:8443',
      graphUrl: 'https://localhost:8443/graph',
      dataverseUrl: 'https://localhost:8443/dataverse',
      stripeUrl: 'https://localhost:8443',
    },
    tokens: fakeTokens,
    clock: { now: () => clock.now },
    prng: createPrng('graph-tests'),
    outbound: async (url, init) => {
      const call = { url, ...init };
      outbound.push(call);
      return handler(call);
    },
  };
  const service = createGraphService(ctx, { latencyMs: 0, transportDelayMs: 0, transitGapMs: 0, ...options });
  service.load(aPractice());
  return { ctx, service, clock, outbound, setOutbound: (next) => (handler = next) };
}

export function aPractice(): PracticeSeed {
  const client = (id: string, firstName: string, lastName: string) => ({
    id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
    phone: '+49 30 1234567',
    language: 'en' as const,
    timeZone: 'Europe/Berlin',
  });
  const session = (
    id: string,
    clientId: string,
    start: string,
    state: 'scheduled' | 'canceled',
    inCalendar = true,
  ) => ({
    id,
    clientId,
    subject: 'Session',
    start,
    end: new Date(Date.parse(start) + 50 * 60_000).toISOString(),
    state,
    location: 'Practice room 1',
    feeCents: 9000,
    currency: 'eur',
    paymentStatus: 'none' as const,
    inCalendar,
  });
  return {
    tenantId: TENANT,
    practiceName: 'Morgan Psychotherapy',
    practitioner: { userId: PRACTITIONER_ID, displayName: 'Dr. Alex Morgan', mail: MAILBOX, systemUserId: 'sys-1' },
    businessUnitId: 'bu-1',
    organizationId: 'org-1',
    stripe: { accountId: 'acct_1', secretKey: 'sk_test_1', webhookSecret: 'whsec_1' },
    app: {
      clientId: APP_ID,
      displayName: 'Life Cockpit',
      clientSecret: 's',
      secretExpiresAt: '2026-01-01T00:00:00Z',
      graphRoles: ALL_ROLES,
      applicationUserId: 'au-1',
    },
    clients: [client('c-1', 'Robin', 'Hale'), client('c-2', 'Kim', 'Novak')],
    sessions: [
      session('s-1', 'c-1', '2025-03-10T09:00:00.000Z', 'scheduled'),
      session('s-2', 'c-2', '2025-03-11T14:00:00.000Z', 'canceled'),
      session('s-3', 'c-1', '2025-03-17T09:00:00.000Z', 'scheduled'),
      session('s-4', 'c-2', '2025-03-12T09:00:00.000Z', 'scheduled', false),
    ],
    reminders: [],
  };
}

let counter = 0;

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Omit Authorization entirely. */
  anonymous?: boolean;
  roles?: readonly string[];
  appId?: string;
}

export function aRequest(method: string, pathAndQuery: string, options: RequestOptions = {}): SandboxRequest {
  const url = new URL(`https://localhost:8443/graph${pathAndQuery}`);
  const headers: Record<string, string> = { ...options.headers };
  if (!options.anonymous && headers.authorization === undefined)
    headers.authorization = bearer(options.roles, options.appId);
  let body = Buffer.alloc(0);
  if (options.body !== undefined) {
    body = Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
  }
  counter++;
  return { method, url, path: url.pathname.slice('/graph'.length), headers, body, requestId: `req-${counter}` };
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  // Tests read arbitrary JSON fields; narrowing each one would drown the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(
  service: GraphService,
  method: string,
  pathAndQuery: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const response: SandboxResponse | undefined = await service.handle(aRequest(method, pathAndQuery, options));
  if (!response) throw new Error(`no route answered ${method} ${pathAndQuery}`);
  return { status: response.status, headers: response.headers ?? {}, body: response.body };
}

export function aMail(
  overrides: Record<string, unknown> = {},
  message: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    message: {
      subject: 'Reminder: your session tomorrow',
      body: { contentType: 'Text', content: 'See you at 9.' },
      toRecipients: [{ emailAddress: { address: 'robin.hale@example.com' } }],
      ...message,
    },
    ...overrides,
  };
}
