// Test data builders: `aSession().attended().unpaid().at(date).build()` instead of long literals.
import type { Reminder } from '../../src/core/reminders';
import type { Session } from '../../src/core/sessions';

let counter = 0;

export function aSession(): SessionBuilder {
  return new SessionBuilder();
}

class SessionBuilder {
  private session: Session = {
    id: `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    subject: 'Session',
    clientId: 'client-1',
    clientName: 'Alex Morgan',
    start: new Date('2026-11-25T10:00:00Z'),
    end: new Date('2026-11-25T10:50:00Z'),
    status: 'scheduled',
    payment: 'none',
    feeCents: 9000,
    location: 'Room 1',
  };
  at(start: Date | string): this {
    const s = new Date(start);
    this.session.start = s;
    this.session.end = new Date(s.getTime() + 50 * 60_000);
    return this;
  }
  attended(): this {
    this.session.status = 'attended';
    return this;
  }
  canceled(): this {
    this.session.status = 'canceled';
    return this;
  }
  noShow(): this {
    this.session.status = 'noShow';
    return this;
  }
  /** Canceled at `when` (the row's actualend). */
  canceledAt(when: Date | string): this {
    this.session.status = 'canceled';
    this.session.closedAt = new Date(when);
    return this;
  }
  id(id: string): this {
    this.session.id = id;
    return this;
  }
  unpaid(): this {
    this.session.payment = 'unpaid';
    return this;
  }
  paid(): this {
    this.session.payment = 'paid';
    return this;
  }
  payment(state: Session['payment']): this {
    this.session.payment = state;
    return this;
  }
  fee(cents: number | undefined): this {
    this.session.feeCents = cents;
    return this;
  }
  build(): Session {
    return { ...this.session };
  }
}

export function aReminder(): ReminderBuilder {
  return new ReminderBuilder();
}

class ReminderBuilder {
  private reminder: Reminder = {
    id: `r-${++counter}`,
    kind: 'reminder',
    status: 'draft',
    clientName: 'Alex Morgan',
    email: 'alex@example.test',
    subject: 'Your session tomorrow',
    scheduledTime: new Date('2026-11-25T09:00:00Z'),
    sentTime: undefined,
    attempts: 0,
    lastError: undefined,
    sessionId: undefined,
  };
  approved(): this {
    this.reminder.status = 'approved';
    return this;
  }
  sent(at?: Date | string): this {
    this.reminder.status = 'sent';
    if (at !== undefined) this.reminder.sentTime = new Date(at);
    return this;
  }
  failed(error = 'mailbox full'): this {
    this.reminder.status = 'failed';
    this.reminder.lastError = error;
    return this;
  }
  at(time: Date | string): this {
    this.reminder.scheduledTime = new Date(time);
    return this;
  }
  sentAt(time: Date | string): this {
    this.reminder.status = 'sent';
    this.reminder.sentTime = new Date(time);
    return this;
  }
  status(status: Reminder['status']): this {
    this.reminder.status = status;
    return this;
  }
  followUp(): this {
    this.reminder.kind = 'followUp';
    return this;
  }
  forSession(sessionId: string): this {
    this.reminder.sessionId = sessionId;
    return this;
  }
  build(): Reminder {
    return { ...this.reminder };
  }
}
