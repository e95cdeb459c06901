// The key the webhook inbox seals stored payloads with, kept in SecretStorage per profile and made on
// first use. Two first uses at once (Start and Show Payload racing) share one new key: a second key
// written over the first would leave the payloads sealed with it unreadable for good.
import type { SecretStore } from '../core/auth';
import { newPayloadKey, payloadKeyFrom } from '../core/webhooks';

export function webhookPayloadKeyName(profile: string): string {
  return `lifeCockpit/${profile}/webhookPayloadKey`;
}

export class WebhookPayloadKeys {
  private readonly making = new Map<string, Promise<Buffer>>();

  constructor(private readonly secrets: SecretStore) {}

  /** The profile's payload key; a new random one is stored the first time. */
  keyFor(profile: string): Promise<Buffer> {
    const pending = this.making.get(profile);
    if (pending) return pending;
    const made = this.readOrMake(profile).finally(() => this.making.delete(profile));
    this.making.set(profile, made);
    return made;
  }

  private async readOrMake(profile: string): Promise<Buffer> {
    const name = webhookPayloadKeyName(profile);
    let secret = await this.secrets.get(name);
    if (secret === undefined) {
      secret = newPayloadKey();
      await this.secrets.store(name, secret);
    }
    return payloadKeyFrom(secret);
  }
}
