// Stored payloads can carry client data (names, e-mails, amounts), so the inbox keeps them encrypted
// at rest: AES-256-GCM with a fresh 96-bit IV per payload and the record id as associated data, so a
// payload cannot be moved onto another record unnoticed. The key is the caller's (the CLI: an env var
// or the OS keychain; the editor: SecretStorage); a passphrase of any length is stretched with HKDF.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { WebhookKeyError } from './errors';

export interface SealedPayload {
  /** base64 IV, ciphertext and GCM tag. */
  iv: string;
  data: string;
  tag: string;
}

/** 32 bytes for AES-256 from whatever secret text the caller keeps (at least 16 characters). */
export function payloadKeyFrom(secret: string): Buffer {
  if (secret.length < 16) {
    throw new WebhookKeyError(
      'The webhook payload key must be at least 16 characters (32 random bytes in base64 is best).',
    );
  }
  return Buffer.from(hkdfSync('sha256', secret, 'life-cockpit', 'webhook payloads v1', 32));
}

/** A new random key as text, for a keychain that has none yet. */
export function newPayloadKey(): string {
  return randomBytes(32).toString('base64');
}

export function seal(key: Buffer, recordId: string, plain: Buffer): SealedPayload {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(recordId, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export function open(key: Buffer, recordId: string, sealed: SealedPayload): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(recordId, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch (error) {
    throw new WebhookKeyError(
      `The stored payload of ${recordId} cannot be decrypted: the payload key is not the one it was stored with.`,
      error,
    );
  }
}
