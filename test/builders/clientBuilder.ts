// Builders for the people a message is about: `aClient().speaking('de').in('Europe/Berlin').build()`
// and `aPractitioner().build()`, so a rendering test states only the fields it is about.
import type { MessageClient, MessagePractitioner } from '../../src/core/reminders';

export function aClient(): ClientBuilder {
  return new ClientBuilder();
}

class ClientBuilder {
  private client: MessageClient = { name: 'Alex Morgan', firstName: 'Alex', email: 'alex@example.test' };
  named(name: string, firstName?: string): this {
    this.client.name = name;
    this.client.firstName = firstName;
    return this;
  }
  speaking(language: string): this {
    this.client.language = language;
    return this;
  }
  in(timeZone: string): this {
    this.client.timeZone = timeZone;
    return this;
  }
  build(): MessageClient {
    return { ...this.client };
  }
}

export function aPractitioner(): PractitionerBuilder {
  return new PractitionerBuilder();
}

class PractitionerBuilder {
  private practitioner: MessagePractitioner = {
    name: 'Dr. Sam Rivera',
    email: 'sam@practice.test',
    timeZone: 'Europe/London',
  };
  speaking(language: string): this {
    this.practitioner.language = language;
    return this;
  }
  in(timeZone: string): this {
    this.practitioner.timeZone = timeZone;
    return this;
  }
  build(): MessagePractitioner {
    return { ...this.practitioner };
  }
}
