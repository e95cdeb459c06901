// The sandbox's one HTTPS origin on 127.0.0.1: routes each request by path prefix to its service
// (/graph → Graph, /dataverse → Dataverse, /v1 → Stripe, whose SDK fixes basePath /v1/, /v3 → SendGrid, /_sandbox →
// the inspector, everything else → Entra ID), applies injected faults first, writes the service's
// plain response, and records every exchange in the request log.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../core/log';
import type { FaultInjector, FaultPlan } from './faults';
import type { RequestLog } from './requestLog';
import { notFound, notHosted, serverError, throttled, type ErrorContext } from './serviceErrors';
import type { Prng, SandboxClock, SandboxRequest, SandboxResponse, ServiceHandler, ServiceName } from './types';

/** The most a request line and headers may take before the sandbox answers 431. */
const MAX_HEAD_BYTES = 256 * 1024;

export type MountedServices = Partial<Record<ServiceName, ServiceHandler>>;

export interface SandboxServerOptions {
  tls: { key: string; cert: string };
  faults: FaultInjector;
  requestLog: RequestLog;
  clock: SandboxClock;
  /** Request ids are drawn from their own stream so they never shift a service's randomness. */
  requestIds: Prng;
  log: Logger;
  /** Larger bodies get 413 (Graph's own upload limit is 150 MB; nothing here needs that much). */
  maxBodyBytes?: number;
}

const MOUNTS: ReadonlyArray<{ prefix: string; service: ServiceName; keepPrefix: boolean }> = [
  { prefix: '/graph', service: 'graph', keepPrefix: false },
  { prefix: '/dataverse', service: 'dataverse', keepPrefix: false },
  { prefix: '/v1', service: 'stripe', keepPrefix: true },
  { prefix: '/v3', service: 'sendgrid', keepPrefix: true },
  { prefix: '/_sandbox', service: 'inspector', keepPrefix: false },
  // ACS: the SDK takes an endpoint without a path and posts to {endpoint}/sms.
  { prefix: '/sms', service: 'acs', keepPrefix: true },
];

/** Which service a raw path belongs to, and the path that service sees (query excluded). */
export function resolveMount(rawPath: string): { service: ServiceName; path: string } {
  for (const mount of MOUNTS) {
    if (rawPath === mount.prefix || rawPath.startsWith(`${mount.prefix}/`)) {
      const below = mount.keepPrefix ? rawPath : rawPath.slice(mount.prefix.length);
      return { service: mount.service, path: below === '' ? '/' : below };
    }
  }
  return { service: 'entra', path: rawPath === '' ? '/' : rawPath };
}

export class SandboxServer {
  private readonly server: Server;
  private services: MountedServices = {};
  private closing = false;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: SandboxServerOptions) {
    // Request lines longer than Node's 16 KB default reach the services, which answer 414 as their front ends do
    // (Dataverse takes GET URLs up to 32,768 characters) instead of the socket being dropped.
    const serverOptions = { key: options.tls.key, cert: options.tls.cert, maxHeaderSize: MAX_HEAD_BYTES };
    this.server = createServer(serverOptions, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        options.log.error('sandbox request failed', { error });
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      // A head larger still gets the answer a front end gives, so the client learns its request was too large.
      if (error.code === 'HPE_HEADER_OVERFLOW' && socket.writable) {
        socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      // A client that hangs up mid-request is not the sandbox's error; just drop the socket.
      socket.destroy();
    });
  }

  mount(services: MountedServices): void {
    this.services = services;
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening, wakes every delayed request (they then give up) and closes every socket. */
  close(): Promise<void> {
    this.closing = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
    return new Promise((resolve, reject) => {
      this.server.close((error) =>
        error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve(),
      );
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const time = new Date(this.options.clock.now()).toISOString();
    const url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
    const method = req.method ?? 'GET';
    const { service, path } = resolveMount(url.pathname);
    const plan = this.options.faults.plan(service, method, path);
    const body = await readBody(req, this.options.maxBodyBytes ?? 64 * 1024 * 1024);
    const requestId = this.options.requestIds.uuid();
    const record = (status: number): void =>
      this.options.requestLog.add({
        time,
        service,
        method,
        path,
        status,
        durationMs: Math.round(performance.now() - started),
        ...(plan.fired.length > 0 ? { faults: plan.fired } : {}),
      });
    const errorContext: ErrorContext = {
      service,
      requestId,
      clientRequestId: firstHeader(req.headers['client-request-id']),
      now: this.options.clock.now(),
      method,
      path,
    };

    if (body === undefined) {
      return this.write(
        res,
        {
          status: 413,
          body: { error: { code: 'RequestEntityTooLarge', message: 'The request body is too large for the sandbox.' } },
        },
        () => record(413),
      );
    }
    if (plan.latencyMs > 0) await this.sleep(plan.latencyMs);
    if (this.closing) return void res.destroy();
    if (plan.terminal?.kind === 'drop') {
      req.socket.destroy();
      return record(0);
    }
    const request = { method, url, path, headers: req.headers, body, requestId };
    if (plan.terminal?.kind === 'lostAnswer') {
      // The service does the work; the answer never leaves: the client cannot tell this from a drop.
      const applied = await this.answer(service, request, errorContext);
      applied.release?.();
      req.socket.destroy();
      return record(applied.status);
    }
    const response = plan.terminal
      ? faultResponse(plan.terminal, errorContext)
      : await this.answer(service, request, errorContext);
    res.once('close', () => response.release?.());
    await this.write(res, response, () => record(response.status), plan.slowBodyMs);
  }

  private async answer(
    service: ServiceName,
    request: SandboxRequest,
    errorContext: ErrorContext,
  ): Promise<SandboxResponse> {
    const handler = this.services[service];
    if (handler === undefined) return notHosted(errorContext);
    try {
      return (await handler.handle(request)) ?? notFound(errorContext);
    } catch (error) {
      this.options.log.error('sandbox service threw', { service, method: request.method, path: request.path, error });
      return serverError(errorContext, 500);
    }
  }

  /** Writes the response; `beforeEnd` runs just before the last byte goes out (so the log is complete when the client sees the end). */
  private async write(
    res: ServerResponse,
    response: SandboxResponse,
    beforeEnd: () => void,
    slowBodyMs?: number,
  ): Promise<void> {
    const { headers, payload } = serialize(response);
    if (res.destroyed) return;
    res.writeHead(response.status, headers);
    if (payload.length === 0 || slowBodyMs === undefined || slowBodyMs <= 0) {
      beforeEnd();
      res.end(payload);
      return;
    }
    // A slow body: ten pieces spread over the fault's duration, as a congested link would deliver it.
    const pieces = Math.min(10, payload.length);
    const size = Math.ceil(payload.length / pieces);
    for (let offset = 0; offset < payload.length; offset += size) {
      if (offset > 0) await this.sleep(slowBodyMs / pieces);
      if (this.closing || res.destroyed) return void res.destroy();
      const piece = payload.subarray(offset, offset + size);
      if (offset + size < payload.length) {
        res.write(piece);
        continue;
      }
      beforeEnd();
      res.end(piece);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

function faultResponse(terminal: NonNullable<FaultPlan['terminal']>, ctx: ErrorContext): SandboxResponse {
  switch (terminal.kind) {
    case 'throttle':
      return throttled(ctx, terminal.value ?? 2);
    case 'error503':
      return serverError(ctx, 503, terminal.value);
    default:
      return serverError(ctx, 500);
  }
}

function serialize(response: SandboxResponse): { headers: Record<string, string>; payload: Buffer } {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  let payload: Buffer;
  if (response.body === undefined || response.status === 204 || response.status === 304) payload = Buffer.alloc(0);
  else if (Buffer.isBuffer(response.body)) payload = response.body;
  else if (typeof response.body === 'string') payload = Buffer.from(response.body, 'utf8');
  else {
    payload = Buffer.from(JSON.stringify(response.body), 'utf8');
    if (!hasType) headers['content-type'] = 'application/json; charset=utf-8';
  }
  if (!hasType && typeof response.body === 'string') headers['content-type'] = 'text/plain; charset=utf-8';
  if (response.status !== 204 && response.status !== 304) headers['content-length'] = String(payload.length);
  return { headers, payload };
}

/** The whole body, or undefined when it exceeds the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
