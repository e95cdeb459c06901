// A local HTTP server for the HTTP layer's tests: a swappable handler, and counts of sockets opened, requests
// seen and requests in flight (the most at once), so tests can check pooling, retries and concurrency.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface TestCertificate {
  key: string;
  cert: string;
}

/** A self-signed certificate for localhost and 127.0.0.1 that tests pass as the trusted CA. */
export async function aTestCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'sandbox.test' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (request: SeenRequest, response: http.ServerResponse) => unknown;

export class TestServer {
  readonly requests: SeenRequest[] = [];
  sockets = 0;
  inFlight = 0;
  maxInFlight = 0;
  handler: Handler = (_request, response) => response.end('ok');
  private readonly server: http.Server;
  private requestListeners: Array<() => void> = [];

  /** Plain HTTP, or HTTPS with the given certificate. */
  constructor(private readonly tls?: TestCertificate) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.handle(req, res);
    this.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  }

  async start(): Promise<string> {
    this.server.on(this.tls ? 'secureConnection' : 'connection', () => this.sockets++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  reset(handler: Handler): void {
    this.requests.length = 0;
    this.sockets = 0;
    this.maxInFlight = 0;
    this.handler = handler;
  }

  /** Resolves once the server has seen `count` requests in all. */
  whenRequests(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.requests.length >= count) resolve();
        else this.requestListeners.push(check);
      };
      check();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    this.requests.push(seen);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const listeners = this.requestListeners;
    this.requestListeners = [];
    listeners.forEach((listener) => listener());
    await this.handler(seen, res);
  }
}

/** A logger that keeps what it is told, to assert on the log lines. */
export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

export function recordingLogger(
  lines: LogLine[] = [],
): import('../../../src/core/log/types').Logger & { lines: LogLine[] } {
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger = {
    lines,
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}
