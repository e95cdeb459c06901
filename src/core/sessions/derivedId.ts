// Row ids derived from what a row stands for (RFC 9562 name-based UUIDs, version 5): the same calendar
// event or the same note text always gets the same id, so a second create of it meets Dataverse's
// DuplicateRecord instead of making a second row, whoever sends it and however often.
import { createHash } from 'node:crypto';

/** Namespaces of the names below; fixed for good, or derived ids would change. */
export const ID_NAMESPACES = {
  calendarEvent: '5d3f7c1e-2b8a-4f6d-9e41-7a0c3b9d2e15',
  sessionNote: '9b1e4a27-6c3d-4e8f-a512-0d7f6e3c8b49',
} as const;

/** The version-5 UUID of `name` in `namespace` (lower-case, as Dataverse writes ids). */
export function derivedId(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
