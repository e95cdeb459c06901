// GUIDs and date-times as the Web API writes them: lowercase GUIDs without braces, and UTC
// date-times to the second (`2024-05-01T09:00:00Z`, Dataverse drops milliseconds).

import { createHash } from 'node:crypto';

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(text: string): boolean {
  return GUID_PATTERN.test(text);
}

/** `{8151925C-…}` or `8151925c-…` → `8151925c-…`; undefined when not a GUID. */
export function normalizeGuid(text: string): string | undefined {
  const bare = text.replace(/^\{(.*)\}$/, '$1');
  return isGuid(bare) ? bare.toLowerCase() : undefined;
}

/** A GUID derived from text, so seeded and metadata ids stay the same across runs. */
export function stableUuid(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Any ISO date or date-time (with offset or Z) → the stored UTC form; undefined when unreadable.
 * A bare date means midnight UTC, as Dataverse reads date-only literals for DateTime columns.
 */
export function normalizeDateTime(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) return undefined;
  const withZone = /T/.test(text) && !/(Z|[+-]\d{2}:\d{2})$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(/T/.test(withZone) ? withZone : `${withZone}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : formatDateTime(ms);
}
