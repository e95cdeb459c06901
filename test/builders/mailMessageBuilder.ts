// Builder for the message a mail channel hands over: `aMailMessage().forReminder('r-1').to('a@b.test').build()`,
// with a stableId derived from the reminder id as the sender derives it, so a test states only what it is about.
import { createHash } from 'node:crypto';
import type { ChannelMessage } from '../../src/core/channels';

export function aMailMessage(): MailMessageBuilder {
  return new MailMessageBuilder();
}

class MailMessageBuilder {
  private message: ChannelMessage = {
    reminderId: 'reminder-1',
    to: { address: 'alex@example.test', name: 'Alex Morgan' },
    subject: 'Your session tomorrow at 10:00',
    body: '<p>Hello Alex,</p><p>see you <strong>tomorrow at 10:00</strong>.</p>',
    stableId: stableIdFor('reminder-1'),
    firstAttemptAt: new Date(Date.UTC(2026, 0, 5, 9, 0, 0)),
    from: 'dr.morgan@practice.example',
  };
  forReminder(reminderId: string): this {
    this.message.reminderId = reminderId;
    this.message.stableId = stableIdFor(reminderId);
    return this;
  }
  to(address: string, name?: string): this {
    this.message.to = name === undefined ? { address } : { address, name };
    return this;
  }
  from(address: string): this {
    this.message.from = address;
    return this;
  }
  withBody(html: string): this {
    this.message.body = html;
    return this;
  }
  build(): ChannelMessage {
    return { ...this.message, to: { ...this.message.to } };
  }
}

/** A UUID-shaped id from the reminder id, stable across attempts. */
function stableIdFor(reminderId: string): string {
  const hex = createHash('sha256').update(`reminder:${reminderId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
