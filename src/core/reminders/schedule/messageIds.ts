// The ids of the scheduled-message rows the product writes, derived from what they are for (a session's
// reminder at a lead time, its follow-up, its cancellation notice). A create sends its own id, so running an
// action again (after a lost answer, a crash, a second click) meets the row it already made instead of making
// another: one reminder per lead time, one follow-up per session, whoever asks how often.
import { createHash } from 'node:crypto';
import { normalizeGuid } from '../../dataverse';

/** The namespace of Life Cockpit's name-based ids (RFC 9562 UUIDv5). */
const NAMESPACE = 'c0b3f6de-5d1e-4c57-9a8e-4f1d2b7c6a10';

/** RFC 9562 version 5: SHA-1 of the namespace's bytes and the name, version and variant bits set. */
export function namedId(...parts: string[]): string {
  const hash = createHash('sha1')
    .update(Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(parts.join('\u001f'), 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The reminder `leadMinutes` before a session. A moved reminder keeps its id, so the id also tells its lead. */
export function reminderRowId(sessionId: string, leadMinutes: number): string {
  return namedId('reminder', normalizeGuid(sessionId), String(leadMinutes));
}

export function followUpRowId(sessionId: string): string {
  return namedId('followUp', normalizeGuid(sessionId));
}

export function cancellationNoticeRowId(sessionId: string): string {
  return namedId('cancellationNotice', normalizeGuid(sessionId));
}

/**
 * The mail carrying a Stripe Checkout link for a session's fee: one per Checkout Session, so a rerun meets the
 * mail it already wrote, while a new link (the old one expired) is a new mail.
 */
export function paymentLinkRowId(sessionId: string, checkoutSessionId: string): string {
  return namedId('paymentLink', normalizeGuid(sessionId), checkoutSessionId);
}

/** The lead time a row made by reminderRowId stands for, among the configured ones; undefined for other rows. */
export function leadOfRow(rowId: string, sessionId: string, leadTimesMinutes: readonly number[]): number | undefined {
  const id = rowId.toLowerCase();
  return leadTimesMinutes.find((lead) => reminderRowId(sessionId, lead) === id);
}
