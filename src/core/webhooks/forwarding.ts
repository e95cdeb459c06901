// Forwarding received events to other local endpoints the user lists (settings webhooks.forwardTo), as
// `stripe listen --forward-to` does. Stored payloads carry client data, so a target must be loopback: the
// settings schema says so, and this module checks it again, since the editor's settings can come from a
// workspace someone else wrote.
import type { Clock } from '../clock';
import { toLifeCockpitError, ValidationError } from '../errors';
import { redactUrl, type HttpClient } from '../http';
import type { Logger } from '../log';
import { WebhookNotFoundError } from './errors';
import type { ForwardResult, ForwardState, InboxEntry, WebhookInbox } from './inbox';
import { stripeSignatureHeader } from './verification';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The targets as URLs; throws a ValidationError naming the first that is not an http(s) loopback URL. */
export function checkedForwardTargets(targets: readonly string[]): URL[] {
  return targets.map((target) => {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    const loopback =
      url !== undefined &&
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === '' &&
      LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
    if (!url || !loopback) {
      throw new ValidationError(
        `webhooks.forwardTo: "${target}" is not a loopback URL. Stored events carry client data, so they are forwarded only to http://127.0.0.1, localhost or [::1]: remove it from the setting (a workspace's settings included).`,
        { code: 'webhooks.forwardNotLoopback' },
      );
    }
    return url;
  });
}

/** Forwards to this many endpoints at once; the HTTP layer's `forward` policy allows as many. */
const FORWARD_CONCURRENCY = 8;

export interface ForwarderOptions {
  inbox: WebhookInbox;
  /** Every forward goes through the HTTP layer (service `forward`: no retry, redirects not followed). */
  http: HttpClient;
  /** Settings webhooks.forwardTo, as written there (checked again here). */
  targets: readonly string[];
  /** The endpoint secret the forwarded event is signed with (the receiver's current Stripe secret). */
  stripeSecret: string | undefined;
  clock: Clock;
  log: Logger;
  /** After each forward is recorded (views refresh). */
  onForwarded?: () => void;
}

/**
 * Sends each verified Stripe event to every local endpoint the user lists, once: the request record names
 * the endpoints, a forward record says how each went, and a pass sends only what has no record yet, so a
 * restart after a crash sends what was left and nothing twice. A failure (the endpoint down, a 5xx, a
 * redirect) is recorded, not retried: `replay --forward` sends it again when the user asks.
 *
 * The raw body goes as it was stored, with a `Stripe-Signature` made at sending time with the receiver's own
 * endpoint secret, as `stripe listen --forward-to` signs what it forwards: Stripe's original header is never
 * stored, and would be past its 300 s tolerance for a forward after a restart or a replay anyway.
 */
export class WebhookForwarder {
  private readonly targets: Map<string, URL>;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: ForwarderOptions) {
    const urls = checkedForwardTargets(options.targets);
    this.targets = new Map(options.targets.map((target, i) => [target, urls[i] as URL]));
  }

  /** The targets as the settings name them. */
  get targetList(): string[] {
    return [...this.targets.keys()];
  }

  /** Forwards every stored event that has a target with no forward record yet; never two passes at once. */
  forwardPending(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const pass = (async (): Promise<void> => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  /** Sends a stored event again to every target, whatever happened before (replay, asked for by the user). */
  async forwardAgain(id: string): Promise<ForwardState[]> {
    await this.running;
    const entry = this.options.inbox.entry(id);
    if (entry === undefined) throw new WebhookNotFoundError(id);
    if (!entry.hasPayload || entry.verification !== 'verified') {
      throw new WebhookNotFoundError(id, `it was refused (${entry.verification}), so nothing was kept`);
    }
    await inPool([...this.targets.keys()], FORWARD_CONCURRENCY, (target) => this.forward(entry, target, true));
    return this.options.inbox.entry(id)?.forwards ?? [];
  }

  private async pass(): Promise<void> {
    const jobs: { entry: InboxEntry; target: string }[] = [];
    const duplicates: { entry: InboxEntry; target: string }[] = [];
    const { inbox } = this.options;
    // Stripe delivers an event again when it doubts the first delivery: each target gets each event id once.
    const inThisPass = new Set<string>();
    for (const entry of inbox.unforwardedEntries()) {
      if (!entry.hasPayload || entry.verification !== 'verified') continue;
      for (const f of entry.forwards) {
        // A target since removed from the settings stays pending: it is no longer the user's wish.
        if (f.state !== 'pending' || !this.targets.has(f.target)) continue;
        const key = eventKey(entry, f.target);
        if (inThisPass.has(key) || inbox.forwardTried(entry, f.target)) duplicates.push({ entry, target: f.target });
        else jobs.push({ entry, target: f.target });
        inThisPass.add(key);
      }
    }
    for (const { entry, target } of duplicates) {
      await this.record(
        entry,
        { target, ok: true, duplicate: true, detail: `event ${entry.eventId} was already forwarded` },
        false,
      );
    }
    await inPool(jobs, FORWARD_CONCURRENCY, ({ entry, target }) => this.forward(entry, target, false));
  }

  private async forward(entry: InboxEntry, target: string, replay: boolean): Promise<void> {
    await this.record(entry, await this.send(entry, target), replay);
  }

  private async record(entry: InboxEntry, result: ForwardResult, replay: boolean): Promise<void> {
    const { target } = result;
    try {
      await this.options.inbox.storeForward(entry.id, result, replay);
    } catch (error) {
      // Left without a record, it is sent again by the next pass: the endpoint may see it twice.
      this.options.log.error('webhook forward not recorded', { id: entry.id, target, error });
      return;
    }
    const fields = { id: entry.id, eventId: entry.eventId, target, status: result.status, replay };
    if (result.duplicate) this.options.log.debug('webhook not forwarded again', fields);
    else if (result.ok) this.options.log.info('webhook forwarded', fields);
    else this.options.log.warn('webhook forward failed', { ...fields, detail: result.detail });
    this.options.onForwarded?.();
  }

  private async send(entry: InboxEntry, target: string): Promise<ForwardResult> {
    const url = this.targets.get(target);
    const secret = this.options.stripeSecret;
    if (url === undefined) return { target, ok: false, detail: 'not a forward target in the settings' };
    if (secret === undefined || secret === '') {
      return { target, ok: false, detail: 'no Stripe webhook secret to sign the forwarded event with' };
    }
    try {
      const body = this.options.inbox.payload(entry.id);
      if (body === undefined) return { target, ok: false, detail: 'the stored payload is missing' };
      const signedAt = Math.floor(this.options.clock.now() / 1000);
      const response = await this.options.http.request({
        service: 'forward',
        method: 'POST',
        url: url.href,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': stripeSignatureHeader(secret, body, signedAt),
          'x-lc-webhook-id': entry.id,
        },
        body,
        idempotent: false,
      });
      await response.bytes();
      const status = response.status;
      if (status >= 200 && status < 300) return { target, ok: true, status };
      const detail =
        status >= 300 && status < 400
          ? `answered ${status} (a redirect${response.headers.location ? ` to ${redactUrl(response.headers.location)}` : ''}, not followed)`
          : `answered ${status}`;
      return { target, ok: false, status, detail };
    } catch (error) {
      return { target, ok: false, detail: toLifeCockpitError(error).message };
    }
  }
}

/** An event id per target; a request without one (never for Stripe) counts as its own event. */
function eventKey(entry: InboxEntry, target: string): string {
  return `${entry.eventId ?? entry.id}\n${target}`;
}

/** Runs `work` over `items`, at most `size` at once. */
async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
