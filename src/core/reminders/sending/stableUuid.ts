// A UUID that follows from a name (RFC 9562 version 5 layout over SHA-1): the same name gives the same id,
// so a row written under it twice meets itself instead of becoming two rows.
import { createHash } from 'node:crypto';

/** The sender's own namespace, so its ids never collide with another name's. */
const NAMESPACE = Buffer.from('9b1f4c2e6a8d4e7fb3c50d2a7e6f1b84', 'hex');

export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
