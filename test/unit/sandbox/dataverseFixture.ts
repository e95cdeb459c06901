// Test fixtures for the Dataverse sandbox service: a fake ServiceContext (clock, counting PRNG, token
// verifier that knows two tokens), a small practice builder, and a `call` helper that drives the
// handler without a socket.

import type {
  AccessTokenClaims,
  PracticeSeed,
  SandboxRequest,
  SeedClient,
  SeedReminder,
  SeedSession,
  ServiceContext,
  TokenCheck,
} from '../../../src/sandbox/types';
import {
  createDataverseService,
  type DataverseService,
  type DataverseServiceOptions,
} from '../../../src/sandbox/dataverse';

export const ORIGIN = 'https://localhost:8443';
export const DATAVERSE_URL = `${ORIGIN}/dataverse`;
export const API = `${DATAVERSE_URL}/api/data/v9.2`;
export const APP_TOKEN = 'Bearer app-token';
export const USER_TOKEN = 'Bearer practitioner-token';

export const IDS = {
  tenant: '11111111-1111-4111-8111-111111111111',
  clientId: '22222222-2222-4222-8222-222222222222',
  appUser: '33333333-3333-4333-8333-333333333333',
  practitionerUser: '44444444-4444-4444-8444-444444444444',
  practitionerOid: '55555555-5555-4555-8555-555555555555',
  businessUnit: '66666666-6666-4666-8666-666666666666',
  organization: '77777777-7777-4777-8777-777777777777',
};

/** The n-th GUID of a kind, sortable by n (`00000000-0000-4000-8000-00000000000n` style). */
export function guid(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

export class FakeClock {
  constructor(public time = Date.parse('2025-03-01T09:00:00Z')) {}
  now(): number {
    return this.time;
  }
}

export interface FakeContext extends ServiceContext {
  clock: FakeClock;
  /** Milliseconds the clock advances while a token is verified (models slow requests). */
  verifyDelayMs: number;
  /** When set, verification waits for this promise (models requests in flight). */
  verifyGate?: Promise<void>;
}

export function fakeContext(): FakeContext {
  let counter = 0;
  const clock = new FakeClock();
  const ctx: FakeContext = {
    clock,
    verifyDelayMs: 0,
    urls: {
      origin: ORIGIN,
      authorityHost: ORIGIN,
      graphUrl: `${ORIGIN}/graph`,
      dataverseUrl: DATAVERSE_URL,
      stripeUrl: ORIGIN,
    },
    prng: {
      next: () => 0.5,
      int: (min) => min,
      pick: (items) => items[0],
      uuid: () => guid(0xfeed, ++counter),
    },
    tokens: {
      async verify(header: string | undefined, audience: string): Promise<TokenCheck> {
        if (ctx.verifyGate) await ctx.verifyGate;
        clock.time += ctx.verifyDelayMs;
        if (audience !== DATAVERSE_URL) return { ok: false, reason: 'audience', message: 'wrong audience' };
        const base = { aud: audience, iss: `https://sts/${IDS.tenant}/`, tid: IDS.tenant, iat: 0, nbf: 0, exp: 9e9 };
        if (header === APP_TOKEN) {
          const claims: AccessTokenClaims = {
            ...base,
            appid: IDS.clientId,
            oid: '99999999-9999-4999-8999-999999999999',
            sub: 'x',
            idtyp: 'app',
          };
          return { ok: true, claims };
        }
        if (header === USER_TOKEN) {
          const claims: AccessTokenClaims = {
            ...base,
            appid: 'aaaaaaaa-0000-4000-8000-000000000000',
            oid: IDS.practitionerOid,
            sub: 'y',
          };
          return { ok: true, claims };
        }
        return header
          ? { ok: false, reason: 'signature', message: 'Invalid token signature.' }
          : { ok: false, reason: 'missing', message: 'Bearer token missing.' };
      },
    },
    async outbound() {
      return { status: 200, body: '' };
    },
  };
  return ctx;
}

export class PracticeBuilder {
  private clients: SeedClient[] = [];
  private sessions: SeedSession[] = [];
  private reminders: SeedReminder[] = [];

  withClient(overrides: Partial<SeedClient> = {}): this {
    const n = this.clients.length + 1;
    this.clients.push({
      id: guid(0xc, n),
      firstName: `First${n}`,
      lastName: `Last${n}`,
      email: `client${n}@example.com`,
      phone: `+49 30 ${n}`,
      language: 'de',
      timeZone: 'Europe/Berlin',
      ...overrides,
    });
    return this;
  }

  withSession(overrides: Partial<SeedSession> = {}): this {
    const n = this.sessions.length + 1;
    const start = Date.parse('2025-01-01T10:00:00Z') + n * 3_600_000;
    this.sessions.push({
      id: guid(0xa, n),
      clientId: this.clients[(n - 1) % this.clients.length].id,
      subject: `Session ${n}`,
      start: new Date(start).toISOString(),
      end: new Date(start + 3_000_000).toISOString(),
      state: 'scheduled',
      location: 'Office',
      feeCents: 12000,
      currency: 'eur',
      paymentStatus: 'unpaid',
      inCalendar: true,
      ...overrides,
    });
    return this;
  }

  /** Many sessions at once, cycling states, without per-session overrides. */
  withSessions(count: number): this {
    const states = ['attended', 'noShow', 'canceled', 'scheduled'] as const;
    for (let i = 0; i < count; i++) this.withSession({ state: states[i % states.length] });
    return this;
  }

  withReminder(overrides: Partial<SeedReminder> = {}): this {
    const n = this.reminders.length + 1;
    const session = this.sessions[(n - 1) % this.sessions.length];
    this.reminders.push({
      id: guid(0xe, n),
      sessionId: session.id,
      clientId: session.clientId,
      kind: 'reminder',
      status: 'approved',
      scheduledTime: '2025-02-28T08:00:00Z',
      subject: `Reminder ${n}`,
      text: 'See you tomorrow',
      attempts: 0,
      ...overrides,
    });
    return this;
  }

  build(): PracticeSeed {
    return {
      tenantId: IDS.tenant,
      practiceName: 'Praxis Test',
      practitioner: {
        userId: IDS.practitionerOid,
        displayName: 'Dr. Test',
        mail: 'dr@example.com',
        systemUserId: IDS.practitionerUser,
      },
      businessUnitId: IDS.businessUnit,
      organizationId: IDS.organization,
      stripe: { accountId: 'acct_1', secretKey: 'sk_test_1', webhookSecret: 'whsec_1' },
      app: {
        clientId: IDS.clientId,
        displayName: 'Life Cockpit',
        clientSecret: 's',
        secretExpiresAt: '2030-01-01T00:00:00Z',
        graphRoles: [],
        applicationUserId: IDS.appUser,
      },
      clients: this.clients,
      sessions: this.sessions,
      reminders: this.reminders,
    };
  }
}

export function aPractice(): PracticeBuilder {
  return new PracticeBuilder();
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
  token?: string | null;
}

let requestCounter = 0;

/** Drives the handler as the server would: `target` is a path below the API root or an absolute URL. */
export async function call(
  service: DataverseService,
  method: string,
  target: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const url = new URL(target.startsWith('https://') ? target : `${API}/${target}`);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = options.token === undefined ? APP_TOKEN : options.token;
  if (token !== null) headers.authorization = token;
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    options.body === undefined ? '' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const request: SandboxRequest = {
    method,
    url,
    path: url.pathname.replace(/^\/dataverse/, ''),
    headers,
    body: Buffer.from(body, 'utf8'),
    requestId: `req-${++requestCounter}`,
  };
  const response = await service.handle(request);
  if (!response) throw new Error(`no route for ${method} ${target}`);
  const text =
    typeof response.body === 'string'
      ? response.body
      : Buffer.isBuffer(response.body)
        ? response.body.toString('utf8')
        : JSON.stringify(response.body ?? '');
  return {
    status: response.status,
    headers: response.headers ?? {},
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

export function newService(
  practice: PracticeSeed,
  options?: DataverseServiceOptions,
): { service: DataverseService; ctx: FakeContext } {
  const ctx = fakeContext();
  const service = createDataverseService(ctx, options);
  service.load(practice);
  return { service, ctx };
}
