// The webhook inbox: an append-only JSON-lines file where every request is recorded, and made durable
// (fdatasync) before the receiver answers, and where a handling outcome is appended after the handler
// ran, and a forward record after each forward to a local endpoint (the request names the endpoints it is
// to go to, in the same write, so a restart forwards what a crash left unforwarded, once). Writes are group-committed: requests arriving together share one write and one sync, so a burst
// costs a few syncs rather than one each. Payloads are sealed (payloadCipher); the signature headers
// and secrets are never written. A line torn by a crash mid-write is skipped on reading.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open as openFile, readFile, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock';
import { WebhookKeyError, WebhookStoreError } from './errors';
import { open, seal, type SealedPayload } from './payloadCipher';

export const INBOX_FILE = 'inbox.jsonl';

/** What the receiver concluded about a request before storing it. */
export type Verification =
  | 'verified'
  | 'validationHandshake'
  | 'missingSignature'
  | 'badSignature'
  | 'staleTimestamp'
  | 'malformed'
  | 'oversized'
  | 'badClientState'
  | 'unknownRoute'
  | 'methodNotAllowed';

export type Outcome = 'applied' | 'ignored' | 'duplicate' | 'failed';

const sealedSchema = z.object({ iv: z.string(), data: z.string(), tag: z.string() });

const requestRecordSchema = z.object({
  kind: z.literal('request'),
  id: z.string(),
  at: z.number(),
  route: z.string(),
  verification: z.string(),
  status: z.number(),
  bytes: z.number(),
  eventId: z.string().optional(),
  eventType: z.string().optional(),
  payload: sealedSchema.optional(),
  /** The local endpoints (webhooks.forwardTo) this request is to be forwarded to. */
  forwardTo: z.array(z.string()).optional(),
});

const outcomeRecordSchema = z.object({
  kind: z.literal('outcome'),
  id: z.string(),
  at: z.number(),
  outcome: z.enum(['applied', 'ignored', 'duplicate', 'failed']),
  detail: z.string().optional(),
  replay: z.boolean().optional(),
});

const forwardRecordSchema = z.object({
  kind: z.literal('forward'),
  id: z.string(),
  at: z.number(),
  target: z.string(),
  ok: z.boolean(),
  /** Not sent: the same event (another delivery of its id) already went to this target. */
  duplicate: z.boolean().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  replay: z.boolean().optional(),
});

const recordSchema = z.discriminatedUnion('kind', [requestRecordSchema, outcomeRecordSchema, forwardRecordSchema]);
type RequestRecord = z.infer<typeof requestRecordSchema>;
type OutcomeRecord = z.infer<typeof outcomeRecordSchema>;
type ForwardRecord = z.infer<typeof forwardRecordSchema>;

/** How forwarding a request to one local endpoint went: pending until it was tried. */
export interface ForwardState {
  target: string;
  state: 'pending' | 'forwarded' | 'failed' | 'duplicate';
  /** The endpoint's HTTP status, when it answered. */
  status: number | undefined;
  detail: string | undefined;
  at: number | undefined;
}

/** What a forward attempt is recorded as. */
export interface ForwardResult {
  target: string;
  ok: boolean;
  duplicate?: boolean;
  status?: number;
  detail?: string;
}

export interface NewRequest {
  route: string;
  verification: Verification;
  status: number;
  bytes: number;
  eventId?: string;
  eventType?: string;
  /** Kept (sealed) only for accepted requests: a rejected body is of no use and could fill the disk. */
  body?: Buffer;
  /** The local endpoints to forward it to, recorded with it so a crash before forwarding loses none. */
  forwardTo?: readonly string[];
}

export interface InboxEntry {
  id: string;
  /** Milliseconds since the epoch, from the injected clock. */
  at: number;
  route: string;
  verification: Verification;
  status: number;
  bytes: number;
  eventId: string | undefined;
  eventType: string | undefined;
  hasPayload: boolean;
  /** The latest handling outcome, if the handler ran. */
  outcome: Outcome | undefined;
  outcomeDetail: string | undefined;
  outcomeAt: number | undefined;
  /** One per local endpoint it was to go to or was sent to, in that order. */
  forwards: ForwardState[];
}

interface PendingWrite {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface InboxOptions {
  directory: string;
  /** Needed to store or read payloads; listing the inbox works without it. */
  key?: Buffer;
  clock: Clock;
}

export class WebhookInbox {
  private readonly requests = new Map<string, RequestRecord>();
  private readonly outcomes = new Map<string, OutcomeRecord>();
  /** By request id, then by target: the latest forward to each endpoint. */
  private readonly forwarded = new Map<string, Map<string, ForwardRecord>>();
  // Indexes kept as records arrive, so a handling or forwarding pass looks at what is left to do rather
  // than at every request ever stored (a burst of thousands would otherwise cost a full scan per pass).
  /** Accepted requests not handled yet (no outcome, or a failed one), oldest first. */
  private readonly unhandled = new Set<string>();
  /** `route:eventId` of events handled (applied, ignored or duplicate). */
  private readonly handledEvents = new Set<string>();
  /** Requests with a forward target that has no forward record yet, oldest first. */
  private readonly unforwarded = new Set<string>();
  /** `eventId\ntarget` (the request id for an event without one) of forwards already made or tried. */
  private readonly forwardedEvents = new Set<string>();
  private queue: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private sequence = 0;

  private constructor(
    private readonly file: FileHandle,
    private readonly options: InboxOptions,
  ) {}

  static async open(options: InboxOptions): Promise<WebhookInbox> {
    const file = path.join(options.directory, INBOX_FILE);
    try {
      mkdirSync(options.directory, { recursive: true, mode: 0o700 });
      const handle = await openFile(file, 'a', 0o600);
      const inbox = new WebhookInbox(handle, options);
      await inbox.load(file);
      return inbox;
    } catch (error) {
      throw new WebhookStoreError(`Cannot open the webhook inbox at ${file}: ${String(error)}`, error);
    }
  }

  /** Records a request durably; resolves once it is on disk, with its inbox id. */
  async storeRequest(request: NewRequest): Promise<InboxEntry> {
    const at = this.options.clock.now();
    const id = this.newId(at);
    const record: RequestRecord = {
      kind: 'request',
      id,
      at,
      route: request.route,
      verification: request.verification,
      status: request.status,
      bytes: request.bytes,
      ...(request.eventId === undefined ? {} : { eventId: request.eventId }),
      ...(request.eventType === undefined ? {} : { eventType: request.eventType }),
      ...(request.body === undefined ? {} : { payload: seal(this.key(), id, request.body) }),
      ...(request.forwardTo === undefined || request.forwardTo.length === 0
        ? {}
        : { forwardTo: [...request.forwardTo] }),
    };
    await this.append(record);
    this.rememberRequest(record);
    return this.entryOf(record);
  }

  /** The processed marker: appended after the handler ran (or decided there was nothing to do). */
  async storeOutcome(id: string, outcome: Outcome, detail?: string, replay = false): Promise<void> {
    const record: OutcomeRecord = {
      kind: 'outcome',
      id,
      at: this.options.clock.now(),
      outcome,
      ...(detail === undefined ? {} : { detail }),
      ...(replay ? { replay } : {}),
    };
    await this.append(record);
    this.rememberOutcome(record);
  }

  /** Records how forwarding a request to one local endpoint went. */
  async storeForward(id: string, result: ForwardResult, replay = false): Promise<void> {
    const record: ForwardRecord = {
      kind: 'forward',
      id,
      at: this.options.clock.now(),
      target: result.target,
      ok: result.ok,
      ...(result.duplicate === true ? { duplicate: true } : {}),
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.detail === undefined ? {} : { detail: result.detail }),
      ...(replay ? { replay } : {}),
    };
    await this.append(record);
    this.rememberForward(record);
  }

  /** Accepted requests with no outcome yet or a failed one, oldest first: what a handling pass looks at. */
  unhandledEntries(): InboxEntry[] {
    return [...this.unhandled].flatMap((id) => {
      const record = this.requests.get(id);
      return record ? [this.entryOf(record)] : [];
    });
  }

  /** Whether another delivery of this event was handled already (applied, ignored or duplicate). */
  eventHandled(route: string, eventId: string): boolean {
    return this.handledEvents.has(`${route}:${eventId}`);
  }

  /** Requests with a forward target not tried yet, oldest first: what a forwarding pass looks at. */
  unforwardedEntries(): InboxEntry[] {
    return [...this.unforwarded].flatMap((id) => {
      const record = this.requests.get(id);
      return record ? [this.entryOf(record)] : [];
    });
  }

  /** Whether this event (by id; a request without one by its own id) went or was tried to the target. */
  forwardTried(entry: Pick<InboxEntry, 'id' | 'eventId'>, target: string): boolean {
    return this.forwardedEvents.has(forwardKey(entry.eventId ?? entry.id, target));
  }

  /** Every stored request, newest first. */
  entries(): InboxEntry[] {
    return [...this.requests.values()].reverse().map((r) => this.entryOf(r));
  }

  entry(id: string): InboxEntry | undefined {
    const record = this.requests.get(id);
    return record && this.entryOf(record);
  }

  /** The decrypted body of an accepted request. */
  payload(id: string): Buffer | undefined {
    const sealed: SealedPayload | undefined = this.requests.get(id)?.payload;
    return sealed && open(this.key(), id, sealed);
  }

  private key(): Buffer {
    if (this.options.key === undefined) throw new WebhookKeyError('No webhook payload key was given to the inbox.');
    return this.options.key;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.file.close();
  }

  private entryOf(record: RequestRecord): InboxEntry {
    const outcome = this.outcomes.get(record.id);
    return {
      id: record.id,
      at: record.at,
      route: record.route,
      verification: record.verification as Verification,
      status: record.status,
      bytes: record.bytes,
      eventId: record.eventId,
      eventType: record.eventType,
      hasPayload: record.payload !== undefined,
      outcome: outcome?.outcome,
      outcomeDetail: outcome?.detail,
      outcomeAt: outcome?.at,
      forwards: this.forwardsOf(record),
    };
  }

  private forwardsOf(record: RequestRecord): ForwardState[] {
    const done = this.forwarded.get(record.id);
    const targets = [...new Set([...(record.forwardTo ?? []), ...(done?.keys() ?? [])])];
    return targets.map((target) => {
      const f = done?.get(target);
      return {
        target,
        state: f === undefined ? 'pending' : f.duplicate ? 'duplicate' : f.ok ? 'forwarded' : 'failed',
        status: f?.status,
        detail: f?.detail,
        at: f?.at,
      };
    });
  }

  private rememberRequest(record: RequestRecord): void {
    this.requests.set(record.id, record);
    if (record.verification === 'verified' && record.payload !== undefined) this.unhandled.add(record.id);
    if ((record.forwardTo?.length ?? 0) > 0) this.unforwarded.add(record.id);
  }

  private rememberOutcome(record: OutcomeRecord): void {
    this.outcomes.set(record.id, record);
    const request = this.requests.get(record.id);
    if (record.outcome === 'failed') return;
    this.unhandled.delete(record.id);
    if (request?.eventId !== undefined) this.handledEvents.add(`${request.route}:${request.eventId}`);
  }

  private rememberForward(record: ForwardRecord): void {
    let byTarget = this.forwarded.get(record.id);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.forwarded.set(record.id, byTarget);
    }
    byTarget.set(record.target, record);
    const request = this.requests.get(record.id);
    this.forwardedEvents.add(forwardKey(request?.eventId ?? record.id, record.target));
    if ((request?.forwardTo ?? []).every((target) => byTarget.has(target))) this.unforwarded.delete(record.id);
  }

  /** Ids sort by time: `wh_<ms base36>_<sequence>_<random>`, unique across processes sharing the file. */
  private newId(at: number): string {
    this.sequence += 1;
    return `wh_${at.toString(36)}_${this.sequence.toString(36)}${randomBytes(4).toString('hex')}`;
  }

  private async load(file: string): Promise<void> {
    const text = await readFile(file, 'utf8');
    // A crash mid-write can leave a torn last line: end it, so the next record starts on a line of its own.
    if (text.length > 0 && !text.endsWith('\n')) await this.file.appendFile('\n', 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // a line torn by a crash mid-write: its request was never acknowledged
      }
      const result = recordSchema.safeParse(parsed);
      if (!result.success) continue;
      if (result.data.kind === 'request') this.rememberRequest(result.data);
      else if (result.data.kind === 'outcome') this.rememberOutcome(result.data);
      else this.rememberForward(result.data);
    }
  }

  private append(record: RequestRecord | OutcomeRecord | ForwardRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Group commit: everything queued goes out in one write and one fdatasync, then the next batch. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.file.appendFile(batch.map((w) => w.line).join(''), 'utf8');
        await this.file.datasync();
        for (const w of batch) w.resolve();
      } catch (error) {
        const failure = new WebhookStoreError(`Cannot write the webhook inbox: ${String(error)}`, error);
        for (const w of batch) w.reject(failure);
      }
    }
    this.flushing = undefined;
  }
}

function forwardKey(eventOrRequestId: string, target: string): string {
  return `${eventOrRequestId}\n${target}`;
}
