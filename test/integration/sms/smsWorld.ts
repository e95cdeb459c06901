// The SMS channel against the sandbox: the real @azure/communication-sms sending through our HTTP layer
// (trusting the sandbox's CA for its origin only), a log hub whose every record is kept for canary checks,
// and the sandbox's clock offset a test can move (ACS's repeat window and HMAC date check run on it).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createAcsSmsChannel, type ChannelMessage, type TransportChannel } from '../../../src/core/channels';
import { HttpClient, systemClock } from '../../../src/core/http';
import { LogHub, type LogRecord } from '../../../src/core/log';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../src/sandbox';

export interface SmsWorld {
  sandbox: RunningSandbox;
  http: HttpClient;
  hub: LogHub;
  records: LogRecord[];
  channel: TransportChannel;
  /** A channel with another connection string (a wrong key, say), over the same layer and log. */
  channelWith(connectionString: string): TransportChannel;
  /** Moves the sandbox's clock (ACS's time) this far ahead of the real one. */
  advanceAcsClock(ms: number): void;
  message(overrides?: Partial<ChannelMessage>): ChannelMessage;
  stop(): Promise<void>;
}

export async function startSmsWorld(options: Omit<StartSandboxOptions, 'now'> = {}): Promise<SmsWorld> {
  let offset = 0;
  const sandbox = await startSandbox({ seed: 'sms', clients: 5, ...options, now: () => Date.now() + offset });
  const hub = new LogHub({ level: 'trace' });
  const records: LogRecord[] = [];
  hub.addSink({ minLevel: 'trace', write: (record) => records.push(record) });
  const http = new HttpClient({
    logger: hub.logger('api'),
    trust: { ca: fs.readFileSync(sandbox.info.caFile), origins: [sandbox.urls.origin] },
  });
  const channelWith = (connectionString: string): TransportChannel =>
    createAcsSmsChannel({ http, connectionString, clock: systemClock, log: hub.logger('business') });
  let n = 0;
  return {
    sandbox,
    http,
    hub,
    records,
    channel: channelWith(sandbox.info.acsConnectionString),
    channelWith,
    advanceAcsClock: (ms) => {
      offset += ms;
    },
    message: (overrides = {}) => {
      n += 1;
      return {
        reminderId: randomUUID(),
        to: { address: `+4917012345${String(n).padStart(2, '0')}` },
        subject: '',
        body: `Hello, a reminder of your session (${n}).`,
        stableId: randomUUID(),
        firstAttemptAt: new Date(),
        from: sandbox.info.smsFrom,
        ...overrides,
      };
    },
    stop: async () => {
      await http.close();
      await sandbox.stop();
    },
  };
}
