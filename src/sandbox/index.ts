// The sandbox's public surface: startSandbox() brings up one HTTPS origin on 127.0.0.1 hosting Entra
// ID, Graph, Dataverse, Stripe and SendGrid stand-ins over a seeded practice, with fault injection, a request
// log, an inspector and optional persistence. `lc sandbox` and the integration tests start it here.

import { ValidationError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { createSandboxCertificates, type SandboxCertificates } from './certs';
import { createEntraService, createTokenVerifier, type EntraService, type MintTokenOptions } from './entra';
import { FaultInjector } from './faults';
import { createDataverseService } from './dataverse';
import { createStripeService } from './stripe';
import { createSendGridService } from './sendgrid';
import { createAcsService, type AcsService, type SentSms, type SmsNumberType } from './acs';
import { createGraphService, LIFECYCLE_EVENTS, type GraphService, type LifecycleEvent } from './graph';
import { createInspector } from './inspector';
import { createOutbound } from './outbound';
import { loadStateFile, parseState, saveStateFile, STATE_FORMAT_VERSION, type SandboxState } from './persistence';
import { createPrng } from './prng';
import { readyInfo } from './readyInfo';
import { RequestLog, type RequestLogEntry } from './requestLog';
import { generatePractice } from './seed';
import { SandboxServer } from './server';
import type {
  FaultRule,
  PracticeSeed,
  SandboxClock,
  SandboxReadyInfo,
  SandboxService,
  SandboxUrls,
  ServiceContext,
} from './types';

export type * from './types';
export { generatePractice, type GeneratePracticeOptions } from './seed';
export { parseFaultSpec, FAULT_KINDS } from './faults';
export { createPrng, type SeededPrng } from './prng';
export type { RequestLogEntry } from './requestLog';
export type { SandboxState } from './persistence';
export type { MintTokenOptions } from './entra';
export { LIFECYCLE_EVENTS, type LifecycleEvent } from './graph';
export { REPEAT_WINDOW_MS, SANDBOX_SMS_FROM, SMS_LIMITS_PER_MINUTE, type SentSms, type SmsNumberType } from './acs';

export type HostedServiceName = 'graph' | 'dataverse' | 'stripe' | 'sendgrid' | 'acs';
export type ServiceFactory = (ctx: ServiceContext) => SandboxService;

export interface StartSandboxOptions {
  /** 0 or undefined: an ephemeral port. */
  port?: number;
  seed?: string;
  clients?: number;
  /** Load state from this file at start when it exists; save to it on stop. */
  dataFile?: string;
  faults?: FaultRule[];
  tokenLifetimeSeconds?: number;
  /** The device-code flow's poll interval in seconds (Entra: 5); tests use 1. */
  deviceCodeIntervalSeconds?: number;
  /** Tests: device codes are approved as soon as they are issued. */
  autoApproveDeviceCodes?: boolean;
  /** Approved reminders due now, spread over the practitioners (`--due-reminders N`). */
  dueReminders?: number;
  /** Practitioners, each with a mailbox of their own; the ready line's mailbox is the first. */
  practitioners?: number;
  /** Exchange's per-minute sending limit and transport delay, and Stripe's webhook retries, run this many times faster. */
  timeScale?: number;
  /** ACS SMS: which documented rate limit applies (default toll-free, 200 a minute), or a limit of its own. */
  sms?: { numberType?: SmsNumberType; perMinute?: number };
  /** The sandbox's clock (epoch ms); tokens, seeded dates and expiries follow it. */
  now?: () => number;
  services?: Partial<Record<HostedServiceName, ServiceFactory>>;
  log?: Logger;
}

export interface RunningSandbox {
  readonly info: SandboxReadyInfo;
  readonly urls: SandboxUrls;
  readonly port: number;
  /** The practice the services were loaded with (replaced by importState). */
  readonly practice: PracticeSeed;
  readonly faults: { add(rule: FaultRule): void; clear(): void; list(): Array<FaultRule & { hits: number }> };
  requestLog(): RequestLogEntry[];
  inspect(): Record<string, unknown>;
  /** Reloads the practice into every service, clears the request log and the token count. */
  reset(): void;
  exportState(): SandboxState;
  importState(state: object): void;
  /** Signs an access token directly, without a token request (for tests). */
  mintToken(options: MintTokenOptions): Promise<string>;
  /** Requests to the token endpoint since start or the last reset. */
  tokenRequestCount(): number;
  /** Approves or declines a pending device code by its user code, as the user would in the browser. */
  settleDeviceCode(userCode: string, outcome: 'approved' | 'declined'): boolean;
  /**
   * Graph sends a lifecycle notification for a subscription (subscriptionRemoved removes it first); false when
   * there is no such subscription or it named no lifecycleNotificationUrl.
   */
  graphLifecycle(subscriptionId: string, event: LifecycleEvent): boolean;
  /** Resolves once no Graph notification is in flight (a retry may still be waiting for its time). */
  graphNotificationsSettled(): Promise<void>;
  /** Every SMS the ACS resource sent since start or the last reset. */
  sentSms(): SentSms[];
  /** Subscribes an endpoint to ACS's delivery reports (after Event Grid's validation handshake). */
  subscribeSmsDeliveryReports(endpoint: string, delayMs?: number): Promise<{ ok: boolean; reason?: string }>;
  /** Resolves once no delivery report is waiting or in flight. */
  smsReportsSettled(): Promise<void>;
  /** Closes every socket, saves to dataFile when set, and deletes the certificate files. */
  stop(): Promise<void>;
}

export const DEFAULT_SEED = 'life-cockpit';

const DEFAULT_SERVICES: Partial<Record<HostedServiceName, ServiceFactory>> = {
  graph: (ctx) => createGraphService(ctx),
  dataverse: (ctx) => createDataverseService(ctx),
  stripe: (ctx) => createStripeService(ctx),
  sendgrid: (ctx) => createSendGridService(ctx),
  acs: (ctx) => createAcsService(ctx),
};

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const saved = options.dataFile === undefined ? undefined : await loadStateFile(options.dataFile);
  const certs = await createSandboxCertificates();
  const opened: Opened = { services: [] };
  try {
    return await startWith(options, saved, certs, opened);
  } catch (error) {
    // A start that fails (its port taken, a service's part of the saved state rejected) hands back no
    // sandbox to stop: it closes what it opened and removes the certificate folder itself.
    await closeOpened(opened, certs);
    throw error;
  }
}

/** What a start has opened so far, for a start that fails half-way to close. */
interface Opened {
  server?: SandboxServer;
  services: SandboxService[];
}

async function closeOpened(opened: Opened, certs: SandboxCertificates): Promise<void> {
  try {
    await opened.server?.close();
    for (const service of opened.services) service.dispose?.();
  } finally {
    await certs.remove();
  }
}

async function startWith(
  options: StartSandboxOptions,
  saved: SandboxState | undefined,
  certs: SandboxCertificates,
  opened: Opened,
): Promise<RunningSandbox> {
  const log = options.log ?? silentLogger;
  const seed = options.seed ?? DEFAULT_SEED;
  const clock: SandboxClock = { now: options.now ?? (() => Date.now()) };
  const root = createPrng(`sandbox:${seed}`);
  let practice =
    saved?.practice ??
    generatePractice({
      seed,
      clients: options.clients,
      now: clock.now(),
      practitioners: options.practitioners,
      dueReminders: options.dueReminders,
    });
  const faults = new FaultInjector(root.fork('faults'), options.faults ?? []);
  const requestLog = new RequestLog();
  const server = new SandboxServer({
    tls: certs.server,
    faults,
    requestLog,
    clock,
    requestIds: root.fork('request-ids'),
    log,
  });
  opened.server = server;
  const port = await server.listen(options.port ?? 0);

  const urls = sandboxUrls(port);
  const tokens = createTokenVerifier({
    signingCertPem: certs.signing.cert,
    kid: certs.signing.kid,
    clock,
    homeTenantId: () => practice.tenantId,
  });
  const contextFor = (name: string): ServiceContext => ({
    urls,
    tokens,
    clock,
    prng: root.fork(name),
    outbound: createOutbound(certs.ca.cert),
  });
  const entra = createEntraService(contextFor('entra'), {
    signing: certs.signing,
    appCertificatePem: certs.client.cert,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds,
    autoApproveDeviceCodes: options.autoApproveDeviceCodes,
  });
  const timeScaled: Partial<Record<HostedServiceName, ServiceFactory>> =
    options.timeScale === undefined
      ? {}
      : {
          graph: (ctx) => createGraphService(ctx, { timeScale: options.timeScale }),
          stripe: (ctx) => createStripeService(ctx, { delivery: { timeScale: options.timeScale } }),
          sendgrid: (ctx) => createSendGridService(ctx, { periodMs: 60_000 / (options.timeScale ?? 1) }),
        };
  if (options.timeScale !== undefined || options.sms !== undefined) {
    timeScaled.acs = (ctx) => createAcsService(ctx, { ...options.sms, timeScale: options.timeScale });
  }
  const hosted = buildHostedServices({ ...DEFAULT_SERVICES, ...timeScaled, ...options.services }, contextFor);
  const all: SandboxService[] = [entra, ...hosted];
  opened.services = all;

  const loadPractice = (next: PracticeSeed, states?: Record<string, unknown>): void => {
    practice = next;
    for (const service of all) {
      service.load(next);
      if (states?.[service.name] !== undefined) service.importState(states[service.name]);
    }
  };
  loadPractice(practice, saved?.services);

  const exportState = (): SandboxState => ({
    format: 'life-cockpit-sandbox',
    version: STATE_FORMAT_VERSION,
    savedAt: new Date(clock.now()).toISOString(),
    seed,
    practice,
    services: Object.fromEntries(all.map((s) => [s.name, s.exportState()])),
  });

  const sandbox = buildRunningSandbox({
    port,
    urls,
    certs,
    entra,
    all,
    faults,
    requestLog,
    seed,
    exportState,
    loadPractice,
    getPractice: () => practice,
  });
  server.mount({
    entra,
    ...Object.fromEntries(hosted.map((s) => [s.name, s])),
    inspector: createInspector({ ...sandbox, faults, requestLog: () => sandbox.requestLog() }),
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      try {
        await server.close();
        for (const service of all) service.dispose?.();
        if (options.dataFile !== undefined) await saveStateFile(options.dataFile, exportState());
      } finally {
        // The certificate folder goes whatever failed above: nothing else would ever remove it.
        await certs.remove();
      }
      log.info('sandbox stopped', { port });
    })());
  log.info('sandbox started', { port, seed, clients: practice.clients.length });
  return Object.assign(sandbox, { stop });
}

export function sandboxUrls(port: number): SandboxUrls {
  const origin = `https://localhost:${port}`;
  return {
    origin,
    authorityHost: origin,
    graphUrl: `${origin}/graph`,
    dataverseUrl: `${origin}/dataverse`,
    stripeUrl: origin,
    sendgridUrl: origin,
  };
}

function buildHostedServices(
  factories: Partial<Record<HostedServiceName, ServiceFactory>>,
  contextFor: (name: string) => ServiceContext,
): SandboxService[] {
  const names: HostedServiceName[] = ['graph', 'dataverse', 'stripe', 'sendgrid', 'acs'];
  return names.flatMap((name) => {
    const factory = factories[name];
    return factory === undefined ? [] : [factory(contextFor(name))];
  });
}

interface Parts {
  port: number;
  urls: SandboxUrls;
  certs: SandboxCertificates;
  entra: EntraService;
  all: SandboxService[];
  faults: FaultInjector;
  requestLog: RequestLog;
  seed: string;
  exportState: () => SandboxState;
  loadPractice: (practice: PracticeSeed, states?: Record<string, unknown>) => void;
  getPractice: () => PracticeSeed;
}

function buildRunningSandbox(parts: Parts): Omit<RunningSandbox, 'stop'> {
  const { entra, all, faults, requestLog } = parts;
  return {
    info: readyInfo(parts.getPractice(), parts.urls, parts.certs),
    urls: parts.urls,
    port: parts.port,
    get practice() {
      return parts.getPractice();
    },
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear(), list: () => faults.list() },
    requestLog: () => requestLog.list(),
    inspect: () => {
      const practice = parts.getPractice();
      return {
        origin: parts.urls.origin,
        seed: parts.seed,
        tenantId: practice.tenantId,
        practice: {
          clients: practice.clients.length,
          sessions: practice.sessions.length,
          reminders: practice.reminders.length,
        },
        tokenRequests: entra.tokenRequestCount(),
        faults: faults.list(),
        requestsLogged: requestLog.list().length,
        services: Object.fromEntries(all.map((s) => [s.name, s.inspect()])),
      };
    },
    reset: () => {
      parts.loadPractice(parts.getPractice());
      requestLog.clear();
    },
    exportState: parts.exportState,
    importState: (state: object) => {
      const parsed = parseState(state);
      if (parsed.practice.tenantId !== parts.getPractice().tenantId) {
        // Clients hold the ready line's tenant, app and keys; a different practice would strand them.
        throw new ValidationError(
          'The import comes from another seed (its tenant differs); start the sandbox with --data instead.',
          {
            code: 'sandbox.importTenantMismatch',
          },
        );
      }
      parts.loadPractice(parsed.practice, parsed.services);
    },
    mintToken: (options) => Promise.resolve(entra.mintToken(options)),
    tokenRequestCount: () => entra.tokenRequestCount(),
    settleDeviceCode: (userCode, outcome) => entra.settleDeviceCode(userCode, outcome),
    graphLifecycle: (subscriptionId, event) => {
      if (!LIFECYCLE_EVENTS.includes(event)) return false;
      return graphServiceOf(all)?.fireLifecycle(subscriptionId, event) ?? false;
    },
    graphNotificationsSettled: () => graphServiceOf(all)?.notificationsSettled() ?? Promise.resolve(),
    sentSms: () => acsServiceOf(all)?.sent() ?? [],
    subscribeSmsDeliveryReports: (endpoint, delayMs) =>
      acsServiceOf(all)?.subscribe(endpoint, delayMs) ??
      Promise.resolve({ ok: false, reason: 'the sandbox was started without its ACS service' }),
    smsReportsSettled: () => acsServiceOf(all)?.reportsSettled() ?? Promise.resolve(),
  };
}

/** The hosted ACS when it is the sandbox's own. */
function acsServiceOf(all: SandboxService[]): AcsService | undefined {
  const acs = all.find((service) => service.name === 'acs');
  return acs && 'sent' in acs ? (acs as AcsService) : undefined;
}

/** The hosted Graph when it is the sandbox's own (a test may mount another). */
function graphServiceOf(all: SandboxService[]): GraphService | undefined {
  const graph = all.find((service) => service.name === 'graph');
  return graph && 'fireLifecycle' in graph ? (graph as GraphService) : undefined;
}
