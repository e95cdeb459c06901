// The dependencies of the session and reminder actions over a MemoryDataverse, with a client seeded in
// it: `const p = aPractice().withClient(aContact().speaking('de').in('Europe/Berlin'))`.
import { silentLogger } from '../../src/core/log/types';
import { DEFAULT_TABLES, MESSAGE_CHANNEL } from '../../src/core/practice';
import { defaultTemplates } from '../../src/core/reminders';
import { createSession, type SessionActionDeps } from '../../src/core/booking';
import { clockReading } from './fakeClock';
import { MemoryDataverse } from './memoryDataverse';

let counter = 0;

export interface ContactFields {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  language: string | null;
  timeZone: string | null;
  phone?: string | null;
  /** MESSAGE_CHANNEL's name; e-mail when absent. */
  preferredChannel?: 'email' | 'sms' | 'telegram' | 'whatsapp';
}

export function aContact(): ContactBuilder {
  return new ContactBuilder();
}

class ContactBuilder {
  private fields: ContactFields = {
    id: `c0000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    firstName: 'Alex',
    lastName: 'Morgan',
    email: 'alex@example.test',
    language: 'en',
    timeZone: 'Europe/London',
  };
  named(firstName: string, lastName: string): this {
    Object.assign(this.fields, { firstName, lastName });
    return this;
  }
  speaking(language: string | null): this {
    this.fields.language = language;
    return this;
  }
  in(timeZone: string | null): this {
    this.fields.timeZone = timeZone;
    return this;
  }
  withPhone(phone: string): this {
    this.fields.phone = phone;
    return this;
  }
  preferring(channel: NonNullable<ContactFields['preferredChannel']>): this {
    this.fields.preferredChannel = channel;
    return this;
  }
  withoutEmail(): this {
    this.fields.email = null;
    return this;
  }
  build(): ContactFields {
    return { ...this.fields };
  }
}

/** Monday 5 January 2026, 09:00 UTC: what the fake clocks read. */
export const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

export function actionDeps(dv: MemoryDataverse, overrides: Partial<SessionActionDeps> = {}): SessionActionDeps {
  return {
    dataverse: dv,
    tables: DEFAULT_TABLES,
    clock: clockReading(() => NOW),
    log: silentLogger,
    templates: defaultTemplates(),
    practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/London', language: 'en' },
    profile: { name: 'test', mailbox: 'dr.morgan@example.test', autoSend: false },
    settings: { leadTimesMinutes: [1440, 120], followUpDelayMinutes: 60 },
    ...overrides,
  };
}

export function seedContact(dv: MemoryDataverse, contact: ContactFields): string {
  const t = DEFAULT_TABLES.client;
  const c = t.columns;
  return dv.seed(t.entitySet, {
    [t.primaryId]: contact.id,
    [c.fullName]: `${contact.firstName} ${contact.lastName}`,
    [c.firstName]: contact.firstName,
    [c.lastName]: contact.lastName,
    [c.email]: contact.email,
    [c.language]: contact.language,
    [c.timeZone]: contact.timeZone,
    ...(contact.phone === undefined ? {} : { [c.phone]: contact.phone }),
    ...(contact.preferredChannel === undefined
      ? {}
      : { [c.preferredChannel]: MESSAGE_CHANNEL[contact.preferredChannel] }),
  });
}

/**
 * A client seeded from `contact` (by default one with a phone) with a 50-minute session two days after NOW, and
 * the reminders booking it drafted.
 */
export async function aSessionWithReminders(
  dv: MemoryDataverse,
  contact: ContactBuilder = aContact().withPhone('+447700900123'),
) {
  const clientId = seedContact(dv, contact.build());
  return createSession(actionDeps(dv), { clientId, start: new Date(NOW + 48 * 3_600_000), durationMinutes: 50 });
}
