// Who may call /acs: Event Grid, which signs nothing; its webhook subscription URL carries our key
// (`/acs?key=…`), compared in constant time. The body must be an Event Grid event batch.
import { timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { EVENT_GRID_VALIDATION_EVENT, eventGridBatchSchema } from './acsDeliveryReports';
import type { Checked } from './verification';

type EventBatch = z.infer<typeof eventGridBatchSchema>;

export function verifyAcs(body: Buffer, key: string | null, secret: string | undefined): Checked<EventBatch> {
  if (secret === undefined || secret === '') {
    return { ok: false, verification: 'badSignature', reason: 'no ACS webhook key is configured' };
  }
  if (key === null || key === '') return { ok: false, verification: 'missingSignature', reason: 'no key in the URL' };
  const a = Buffer.from(key, 'utf8');
  const b = Buffer.from(secret, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { ok: false, verification: 'badSignature', reason: 'the key does not match' };
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, verification: 'malformed', reason: 'the body is not JSON' };
  }
  const parsed = eventGridBatchSchema.safeParse(value);
  if (!parsed.success) return { ok: false, verification: 'malformed', reason: 'not an Event Grid event batch' };
  return { ok: true, value: parsed.data };
}

/** `{"validationResponse": <code>}` for a subscription validation event, as Event Grid expects. */
export function acsValidationAnswer(events: EventBatch): { validationResponse: string } | undefined {
  const event = events.find((e) => e.eventType === EVENT_GRID_VALIDATION_EVENT);
  const code = event?.data?.['validationCode'];
  return typeof code === 'string' && code.length <= 256 ? { validationResponse: code } : undefined;
}
