// ACS's SMS delivery reports, delivered by Event Grid to the receiver's /acs route: the receiver answers
// Event Grid's subscription validation handshake itself (echoing the validation code) and accepts
// notifications carrying the route's key (`/acs?key=…`; Event Grid webhooks carry no signature, so the
// secret travels in the subscription's URL). This handler applies each stored
// `Microsoft.Communication.SMSDeliveryReportReceived` event: it finds the reminder by the ACS messageId
// recorded on it, else by the event's tag (the reminder id, which the channel sends as `tag`: a report can
// arrive before the sender recorded the id, after a crash, or never recorded at all), and writes the
// report to `deliveryStatus` (`Delivered 2026-12-02T07:00:00.000Z`), and the messageId when none is recorded.
// Re-applying a report writes the same values, so a replay or a duplicate changes nothing new.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import { filters, type DataverseClient } from '../dataverse';
import type { Logger } from '../log';
import type { TableMapping } from '../practice';
import type { HandlerResult, WebhookHandler } from './processor';

export const SMS_DELIVERY_REPORT_EVENT = 'Microsoft.Communication.SMSDeliveryReportReceived';
export const EVENT_GRID_VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export interface AcsDeliveryReportDeps {
  dataverse: DataverseClient;
  tables: TableMapping;
  clock: Clock;
  log: Logger;
}

const eventSchema = z
  .object({
    id: z.string().min(1).max(255),
    eventType: z.string().min(1).max(255),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
export const eventGridBatchSchema = z.array(eventSchema).min(1).max(5000);

const reportSchema = z
  .object({
    MessageId: z.string().min(1).max(255),
    DeliveryStatus: z.string().min(1).max(100),
    DeliveryStatusDetails: z.string().max(1000).optional(),
    ReceivedTimestamp: z.string().max(64).optional(),
    Tag: z.string().max(255).optional(),
  })
  .loose();

/** The key an Event Grid subscription's URL carries (`/acs?key=…`), derived from the ACS connection string's access key. */
export function acsWebhookKey(connectionString: string): string {
  return createHmac('sha256', connectionString).update('life-cockpit acs delivery reports').digest('base64url');
}

export function acsDeliveryReportHandler(deps: AcsDeliveryReportDeps): WebhookHandler {
  const t = deps.tables.scheduledMessage;
  const c = t.columns;
  return async (body, entry): Promise<HandlerResult> => {
    let events: z.infer<typeof eventGridBatchSchema>;
    try {
      events = eventGridBatchSchema.parse(JSON.parse(body.toString('utf8')));
    } catch {
      return { outcome: 'ignored', detail: 'not an Event Grid event batch' };
    }
    const done: string[] = [];
    for (const event of events) {
      if (event.eventType !== SMS_DELIVERY_REPORT_EVENT) continue;
      const report = reportSchema.safeParse(event.data);
      if (!report.success) {
        deps.log.warn('sms delivery report without its fields; ignored', { id: entry.id, eventId: event.id });
        continue;
      }
      const { MessageId: messageId, DeliveryStatus: status, ReceivedTimestamp: at, Tag: tag } = report.data;
      const row = await findReminder(deps, messageId, tag);
      if (row === undefined) {
        deps.log.info('sms delivery report for no known reminder; ignored', { id: entry.id, messageId });
        continue;
      }
      const deliveryStatus = `${status} ${at ?? new Date(deps.clock.now()).toISOString()}`.slice(0, 200);
      const update: Record<string, unknown> = { [c.deliveryStatus]: deliveryStatus };
      if (!row.messageId) update[c.graphMessageId] = messageId;
      await deps.dataverse.update(t.entitySet, row.id, update);
      done.push(`${row.id}: ${status}`);
    }
    if (done.length === 0) return { outcome: 'ignored', detail: 'no delivery report for a known reminder' };
    return { outcome: 'applied', detail: `delivery recorded (${done.join('; ')})` };
  };
}

async function findReminder(
  deps: AcsDeliveryReportDeps,
  messageId: string,
  tag: string | undefined,
): Promise<{ id: string; messageId: string | undefined } | undefined> {
  const t = deps.tables.scheduledMessage;
  const c = t.columns;
  const select = [t.primaryId, c.graphMessageId];
  const toRow = (row: Record<string, unknown>) => ({
    id: String(row[t.primaryId]),
    messageId:
      typeof row[c.graphMessageId] === 'string' && row[c.graphMessageId] !== ''
        ? String(row[c.graphMessageId])
        : undefined,
  });
  const byId = await deps.dataverse.list(t.entitySet, {
    select,
    filter: filters.eq(c.graphMessageId, messageId),
    top: 1,
  });
  if (byId[0]) return toRow(byId[0]);
  if (tag === undefined || !filters.isGuid(tag)) return undefined;
  const byTag = await deps.dataverse.list(t.entitySet, {
    select,
    filter: filters.eq(t.primaryId, filters.guid(tag)),
    top: 1,
  });
  const row = byTag[0];
  // A row that recorded another message's id is not this report's.
  if (!row || (toRow(row).messageId !== undefined && toRow(row).messageId !== messageId)) return undefined;
  return toRow(row);
}
