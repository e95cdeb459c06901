// An in-process sandbox and the session actions' dependencies on the profile's real clients (the Dataverse
// Web API client and the Graph SDK, signed in through msal-node against the sandbox's Entra ID).
import type { ProfileClients } from '../../../src/core/clients';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import type { DataverseClient } from '../../../src/core/dataverse';
import { silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { defaultTemplates } from '../../../src/core/reminders';
import type { SessionActionDeps } from '../../../src/core/booking';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../src/sandbox';
import { connectAsSandboxApp } from '../../builders/sandboxApp';

export interface SessionsHarness {
  sandbox: RunningSandbox;
  profile: Profile;
  clients: ProfileClients;
  dv: DataverseClient;
  deps(overrides?: Partial<SessionActionDeps>): SessionActionDeps;
  /** Loses the answer to the next `limit` Dataverse requests matching `route` (the write still happens). */
  loseAnswer(route: string, limit?: number): void;
  /** Remembers where the sandbox's request log ends now; `marked()` gives that position. */
  mark(): void;
  marked(): number;
  /** A seeded client in this language, with its id. */
  clientSpeaking(language: string): Promise<{ id: string; firstName: string; timeZone: string }>;
  stop(): Promise<void>;
}

export async function startSessionsHarness(options: StartSandboxOptions = {}): Promise<SessionsHarness> {
  const sandbox = await startSandbox({ port: 0, clients: 20, ...options });
  const profile = sandboxProfile(sandbox.info);
  const clients = await connectAsSandboxApp(sandbox.info, profile);
  const dv = clients.dataverse;
  if (!dv) throw new Error('the sandbox profile has no Dataverse client');
  const c = DEFAULT_TABLES.client;
  let mark = 0;
  return {
    mark: () => {
      mark = sandbox.requestLog().length;
    },
    marked: () => mark,
    sandbox,
    profile,
    clients,
    dv,
    deps: (overrides = {}) => ({
      dataverse: dv,
      tables: DEFAULT_TABLES,
      clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
      log: silentLogger,
      templates: defaultTemplates(),
      practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/London', language: 'en' },
      profile: { name: profile.name, mailbox: profile.mailbox, autoSend: false },
      settings: { leadTimesMinutes: [1440, 120], followUpDelayMinutes: 30 },
      graph: clients.graph,
      ...overrides,
    }),
    loseAnswer: (route, limit = 1) =>
      sandbox.faults.add({ service: 'dataverse', kind: 'lostAnswer', rate: 1, limit, route }),
    clientSpeaking: async (language) => {
      const [row] = await dv.list(c.entitySet, {
        select: [c.primaryId, c.columns.firstName, c.columns.timeZone],
        // Written to by e-mail: a client who prefers SMS gets SMS reminders with no subject.
        filter: `${c.columns.language} eq '${language}' and ${c.columns.email} ne null and ${c.columns.preferredChannel} eq null`,
        top: 1,
      });
      if (!row) throw new Error(`the sandbox seeded no client speaking ${language}`);
      return {
        id: String(row[c.primaryId]),
        firstName: String(row[c.columns.firstName]),
        timeZone: String(row[c.columns.timeZone]),
      };
    },
    stop: async () => {
      await clients.close();
      await sandbox.stop();
    },
  };
}
