// Handling from the store: every accepted request that has no outcome yet is handed to its route's
// handler, then the outcome (the processed marker) is appended. Each event id is applied once: a second
// delivery of an id already handled is marked duplicate without running anything. A restart applies
// what was stored but not yet handled. Passes never overlap (a trigger during a pass runs one more),
// so a burst never applies an event twice. Replay re-runs the handler on a stored event; the handlers
// are idempotent (they re-read the object and write its current state), so a replay changes nothing new.
import type { Logger } from '../log';
import { toLifeCockpitError } from '../errors';
import { WebhookNotFoundError } from './errors';
import type { InboxEntry, Outcome, WebhookInbox } from './inbox';

export interface HandlerResult {
  outcome: Extract<Outcome, 'applied' | 'ignored'>;
  detail?: string;
}

/** Handles one accepted request's body; throws to leave it pending (retried on the next pass or restart). */
export type WebhookHandler = (body: Buffer, entry: InboxEntry) => Promise<HandlerResult>;

export interface ProcessorOptions {
  inbox: WebhookInbox;
  log: Logger;
  /** By route ('stripe', 'graph', or 'flows' for every /flows/<name>); a route without one is acknowledged and ignored. */
  handlers: Partial<Record<'stripe' | 'graph' | 'flows' | 'acs', WebhookHandler>>;
}

export interface PassSummary {
  applied: number;
  ignored: number;
  duplicate: number;
  failed: number;
}

export class WebhookProcessor {
  private running: Promise<PassSummary> | undefined;
  private again = false;

  constructor(private readonly options: ProcessorOptions) {}

  /** Handles every stored request that has no outcome yet; never two passes at once. */
  processPending(): Promise<PassSummary> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const pass = (async (): Promise<PassSummary> => {
      const total: PassSummary = { applied: 0, ignored: 0, duplicate: 0, failed: 0 };
      do {
        this.again = false;
        const summary = await this.pass();
        for (const k of Object.keys(total) as (keyof PassSummary)[]) total[k] += summary[k];
      } while (this.again);
      return total;
    })().finally(() => {
      this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  /** Re-runs the handler on a stored, accepted request, whatever its outcome was. */
  async replay(id: string): Promise<InboxEntry> {
    await this.running;
    const entry = this.options.inbox.entry(id);
    if (entry === undefined) throw new WebhookNotFoundError(id);
    if (!entry.hasPayload)
      throw new WebhookNotFoundError(id, `it was refused (${entry.verification}), so nothing was kept`);
    await this.handle(entry, true);
    return this.options.inbox.entry(id) ?? entry;
  }

  private async pass(): Promise<PassSummary> {
    const summary: PassSummary = { applied: 0, ignored: 0, duplicate: 0, failed: 0 };
    const { inbox } = this.options;
    // Only what is left to do, oldest first; the inbox learns each outcome as it is stored, so a second
    // delivery later in the same pass is seen as a duplicate too.
    for (const entry of inbox.unhandledEntries()) {
      if (!entry.hasPayload || entry.verification !== 'verified' || isDone(entry)) continue;
      if (entry.eventId !== undefined && inbox.eventHandled(entry.route, entry.eventId)) {
        await inbox.storeOutcome(entry.id, 'duplicate', `event ${entry.eventId} was already handled`);
        summary.duplicate += 1;
        continue;
      }
      const outcome = await this.handle(entry, false);
      summary[outcome] += 1;
    }
    return summary;
  }

  private async handle(entry: InboxEntry, replay: boolean): Promise<Outcome> {
    const handler = this.options.handlers[handlerKeyOf(entry.route)];
    let result: HandlerResult;
    try {
      const body = this.options.inbox.payload(entry.id);
      if (body === undefined) return 'failed';
      result = handler ? await handler(body, entry) : { outcome: 'ignored', detail: `no handler for ${entry.route}` };
    } catch (error) {
      const e = toLifeCockpitError(error);
      this.options.log.warn('webhook handling failed; it stays pending', { id: entry.id, code: e.code, error: e });
      // A failure is recorded for the inbox, but does not count as handled: the next pass tries again.
      await this.options.inbox.storeOutcome(entry.id, 'failed', e.message, replay);
      if (replay) throw e; // the one asking to replay hears why it failed
      return 'failed';
    }
    await this.options.inbox.storeOutcome(entry.id, result.outcome, result.detail, replay);
    this.options.log.info('webhook handled', {
      id: entry.id,
      route: entry.route,
      eventType: entry.eventType,
      outcome: result.outcome,
      replay,
    });
    return result.outcome;
  }
}

function isDone(entry: InboxEntry): boolean {
  return entry.outcome !== undefined && entry.outcome !== 'failed';
}

function handlerKeyOf(route: string): 'stripe' | 'graph' | 'flows' | 'acs' {
  return route === 'stripe' || route === 'graph' || route === 'acs' ? route : 'flows';
}
