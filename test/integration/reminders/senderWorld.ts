// An in-process sandbox with due reminders across practitioners' mailboxes, the profile's clients signed in
// to it the way the CLI signs in (real Graph SDK, real Dataverse client), SenderDeps built over them, and
// what the tests count: each reminder's copies in Sent Items (by the extended property carrying its id),
// once Exchange's transport has drained.
import type { AuditEntry } from '../../../src/core/log';
import type { ProfileClients } from '../../../src/core/clients';
import { systemClock, type Clock } from '../../../src/core/clock';
import { sandboxProfile, type Profile } from '../../../src/core/config';
import { silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import { REMINDER_ID_PROPERTY, type SenderDeps, type SenderSettings } from '../../../src/core/reminders';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../src/sandbox';
import { connectAsSandboxApp } from '../../builders/sandboxApp';

interface InspectedMessage {
  immutableId: string;
  extendedProperties: Array<{ id: string; value: string }>;
}

interface InspectedMailbox {
  mail: string;
  drafts: InspectedMessage[];
  outbox: InspectedMessage[];
  inTransit: InspectedMessage[];
  sentItems: InspectedMessage[];
}

/** Sender waits (backoff, Retry-After, look-again pauses) pass this many times faster than asked. */
const SLEEP_SCALE = 20;

/** Real time, shortened waits: the sandbox runs on real time too. */
export const quickClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => systemClock.sleep(ms / SLEEP_SCALE, signal),
};

export class SenderWorld {
  readonly audit: AuditEntry[] = [];

  private constructor(
    readonly sandbox: RunningSandbox,
    readonly clients: ProfileClients,
    readonly profile: Profile,
  ) {}

  static async start(options: StartSandboxOptions = {}): Promise<SenderWorld> {
    const sandbox = await startSandbox({ port: 0, seed: 'sender', clients: 4, ...options });
    const profile = sandboxProfile(sandbox.info);
    try {
      const clients = await connectAsSandboxApp(sandbox.info, profile);
      return new SenderWorld(sandbox, clients, profile);
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
  }

  deps(overrides: Omit<Partial<SenderDeps>, 'settings'> & { settings?: Partial<SenderSettings> } = {}): SenderDeps {
    const { settings, ...rest } = overrides;
    return {
      dataverse: this.dataverse,
      graph: this.clients.graph,
      tables: DEFAULT_TABLES,
      clock: quickClock,
      log: silentLogger,
      profile: this.profile,
      audit: { record: (entry) => this.audit.push(entry) },
      actor: 'app test',
      ...rest,
      settings: { perMinute: 30, concurrency: 4, maxAttempts: 5, lookAgainMs: 5_000, ...settings },
    };
  }

  get dataverse() {
    const dataverse = this.clients.dataverse;
    if (!dataverse) throw new Error('the sandbox profile has no Dataverse client');
    return dataverse;
  }

  /** Reloads the seeded practice (rows and mailboxes) and clears faults and captured audit lines. */
  reset(): void {
    this.sandbox.faults.clear();
    this.sandbox.reset();
    this.audit.length = 0;
  }

  /** The ids of the reminders a sender would take on now (approved and due, or left in sending). */
  dueReminderIds(now = Date.now()): string[] {
    return this.sandbox.practice.reminders
      .filter((r) => (r.status === 'approved' && Date.parse(r.scheduledTime) <= now) || r.status === 'sending')
      .map((r) => r.id);
  }

  mailboxes(): InspectedMailbox[] {
    const services = this.sandbox.inspect().services as { graph: { mailboxes: InspectedMailbox[] } };
    return services.graph.mailboxes;
  }

  /** Resolves once no mailbox has a message in its Outbox or in transit. */
  async drained(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.mailboxes().some((m) => m.outbox.length > 0 || m.inTransit.length > 0)) {
      if (Date.now() > deadline) throw new Error('Exchange transport did not drain in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Copies in Sent Items (every mailbox) per reminder id. */
  sentCopies(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mailbox of this.mailboxes()) {
      for (const message of mailbox.sentItems) {
        const tag = message.extendedProperties.find((p) => sameProperty(p.id))?.value;
        if (tag) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** Where each of a reminder's messages is: `drafts`, `outbox`, `inTransit`, `sentItems`. */
  foldersOf(reminderId: string): string[] {
    const folders: string[] = [];
    for (const mailbox of this.mailboxes()) {
      for (const folder of ['drafts', 'outbox', 'inTransit', 'sentItems'] as const) {
        for (const message of mailbox[folder]) {
          if (message.extendedProperties.some((p) => sameProperty(p.id) && p.value === reminderId))
            folders.push(folder);
        }
      }
    }
    return folders;
  }

  async row(id: string): Promise<Record<string, unknown>> {
    return (await this.dataverse.get(DEFAULT_TABLES.scheduledMessage.entitySet, id)).row;
  }

  async statusOf(id: string): Promise<string | undefined> {
    const value = (await this.row(id))[DEFAULT_TABLES.scheduledMessage.columns.status];
    return Object.entries(MESSAGE_STATUS).find(([, v]) => v === value)?.[0];
  }

  /** POST …/send requests the sandbox accepted (202, or applied with the answer lost) since start or reset. */
  sendRequests(): number {
    return this.sandbox
      .requestLog()
      .filter((e) => e.method === 'POST' && /\/messages\/[^/]+\/send$/.test(e.path) && e.status !== 429).length;
  }

  async stop(): Promise<void> {
    await this.clients.close();
    await this.sandbox.stop();
  }
}

function sameProperty(id: string): boolean {
  return id.toLowerCase() === REMINDER_ID_PROPERTY.toLowerCase();
}
