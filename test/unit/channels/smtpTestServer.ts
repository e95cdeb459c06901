// A real SMTP server (smtp-server, from nodemailer's authors) on 127.0.0.1 for the SMTP channel's tests:
// STARTTLS (or implicit TLS) with a certificate signed by a throwaway CA made the way the sandbox makes its
// own, AUTH PLAIN and LOGIN against one user, and behaviours a test switches on: refuse a recipient with a
// 4xx, refuse the final dot, or drop the connection once the whole message has arrived.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createSandboxCertificates, type SandboxCertificates } from '../../../src/sandbox/certs';

export type AfterData = 'accept' | 'drop' | 'reject554';

export interface SmtpTestServerOptions {
  /** 'starttls' (587-style), 'implicit' (465-style) or 'none' (no STARTTLS offered, plain AUTH allowed). */
  tls?: 'starttls' | 'implicit' | 'none';
  user?: string;
  password?: string;
  authMethods?: string[];
  afterData?: AfterData;
  /** Answer RCPT TO with this 4xx/5xx code instead of accepting. */
  rcptCode?: number;
  /** A CA pair to reuse between servers (making one takes a moment). */
  certs?: SandboxCertificates;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
  /** When the whole message had arrived (ms since the epoch). */
  receivedAt: number;
}

export interface SmtpTestServer {
  port: number;
  ca: string;
  received: ReceivedMail[];
  /** AUTH attempts, whatever their outcome. */
  authAttempts: number;
  /** Connections accepted. */
  connections: number;
  afterData: AfterData;
  url(password?: string): string;
  stop(): Promise<void>;
}

export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const user = options.user ?? 'practice@example.org';
  const password = options.password ?? 'c4nary-Pa55word!';
  const mode = options.tls ?? 'starttls';
  const ownCerts = options.certs === undefined;
  const certs = options.certs ?? (await createSandboxCertificates());
  const state = { received: [] as ReceivedMail[], authAttempts: 0, connections: 0 };
  let afterData: AfterData = options.afterData ?? 'accept';
  const serverOptions: SMTPServerOptions = {
    secure: mode === 'implicit',
    key: certs.server.key,
    cert: certs.server.cert,
    hideSTARTTLS: mode === 'none',
    disabledCommands: mode === 'none' ? ['STARTTLS'] : [],
    // A server without TLS that would take a password in the clear: the client must not offer it one.
    allowInsecureAuth: mode === 'none',
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      state.authAttempts++;
      if (auth.username === user && auth.password === password) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (options.rcptCode === undefined) return callback();
      return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: options.rcptCode }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
          receivedAt: Date.now(),
        });
        if (afterData === 'drop') {
          // The server took the whole message and the line goes dead before it answers the final dot.
          for (const connection of server.connections) connection._socket.destroy();
          return;
        }
        if (afterData === 'reject554') {
          return callback(Object.assign(new Error('Message rejected as spam'), { responseCode: 554 }));
        }
        return callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    ca: certs.ca.cert,
    get received() {
      return state.received;
    },
    get authAttempts() {
      return state.authAttempts;
    },
    get connections() {
      return state.connections;
    },
    get afterData() {
      return afterData;
    },
    set afterData(next: AfterData) {
      afterData = next;
    },
    url: (pw = password) =>
      `${mode === 'implicit' ? 'smtps' : 'smtp'}://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@localhost:${port}`,
    stop: async () => {
      for (const connection of server.connections) connection._socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownCerts) await certs.remove();
    },
  };
}
