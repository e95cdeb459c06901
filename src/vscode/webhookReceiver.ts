// The webhook receiver as the editor runs it: started and stopped by command, one at a time (start, stop
// and a profile switch queue behind each other, so a switch mid-start never leaves two servers or the old
// profile's secret listening), bound to the profile that was active when it started. A profile switch
// stops it (the service finishes the handling pass under way first, with the old profile's handlers) and
// starts it again with the new profile's secrets, key and inbox. The inbox lives under the extension's
// global storage, a folder per profile; while the receiver is stopped the view lists it from disk.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../core/clock';
import { ValidationError, toLifeCockpitError, type LifeCockpitError } from '../core/errors';
import type { Logger } from '../core/log';
import { INBOX_FILE, WebhookInbox, type InboxEntry, type ReceiverSecrets } from '../core/webhooks';
import { newestFirst } from './webhookInboxItem';
import type { WebhookPayloadKeys } from './webhookPayloadKey';

export type ReceiverState =
  | { kind: 'stopped'; profile: string | undefined }
  | { kind: 'starting'; profile: string; port: number }
  | { kind: 'listening'; profile: string; url: string; port: number }
  | { kind: 'stopping'; profile: string }
  | { kind: 'failed'; profile: string; message: string };

/** What the editor uses of a running webhook service (core/webhooks startWebhookService). */
export interface ReceiverService {
  url: string;
  port: number;
  inbox: Pick<WebhookInbox, 'entries' | 'entry' | 'payload'>;
  replay(id: string): Promise<InboxEntry>;
  processor: { processPending(): Promise<unknown> };
  /** Stops listening (the port is released), finishes the handling pass under way, closes the inbox. */
  close(): Promise<void>;
}

/** Everything a start needs that depends on the profile and the settings. */
export interface ReceiverLaunch {
  profile: string;
  inboxDirectory: string;
  payloadKey: Buffer;
  secrets: ReceiverSecrets;
  port: number;
  bindAddress: string;
  forwardTo: readonly string[];
  /** After a request is stored and after it was handled: the view refreshes. */
  onChange: () => void;
}

export interface ReceiverSettings {
  port: number;
  bindAddress: string;
  forwardTo: readonly string[];
}

export interface WebhookReceiverDeps {
  /** The extension's global storage folder; the inbox of profile P is `webhooks/P` under it. */
  storageDirectory: string;
  keys: WebhookPayloadKeys;
  settings(): ReceiverSettings;
  activeProfile(): string | undefined;
  /** The profile's signing secrets (Stripe's endpoint secret, Graph's clientState, flow secrets). */
  receiverSecrets(profile: string): Promise<ReceiverSecrets>;
  /** Starts the service for one profile (extension.ts wires startWebhookService and the handlers). */
  launch(options: ReceiverLaunch): Promise<ReceiverService>;
  clock: Clock;
  log: Logger;
}

type Listener = () => void;

export class EditorWebhookReceiver {
  private current: ReceiverState;
  private service: ReceiverService | undefined;
  /** The active profile's inbox as read from disk while the receiver is stopped. */
  private listed: InboxEntry[] = [];
  private listedProfile: string | undefined;
  /** The settings the running service was started with. */
  private launched: ReceiverSettings | undefined;
  private launchedSecrets: ReceiverSecrets | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<Listener>();
  private disposed = false;

  constructor(private readonly deps: WebhookReceiverDeps) {
    this.current = { kind: 'stopped', profile: deps.activeProfile() };
  }

  get state(): ReceiverState {
    return this.current;
  }

  /** The running service, while listening. */
  get running(): ReceiverService | undefined {
    return this.current.kind === 'listening' ? this.service : undefined;
  }

  /** Fires when the state changes or the inbox changed (a request stored or handled). */
  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Every stored request of the profile shown, newest first. */
  entries(): InboxEntry[] {
    return newestFirst(this.service ? this.service.inbox.entries() : this.listed);
  }

  inboxDirectory(profile: string): string {
    return path.join(this.deps.storageDirectory, 'webhooks', profile);
  }

  /** The decrypted body of a stored request (from the running inbox, or read from disk when stopped). */
  async payload(id: string): Promise<Buffer | undefined> {
    if (this.service) return this.service.inbox.payload(id);
    const profile = this.deps.activeProfile();
    if (profile === undefined) return undefined;
    const inbox = await WebhookInbox.open({
      directory: this.inboxDirectory(profile),
      key: await this.deps.keys.keyFor(profile),
      clock: this.deps.clock,
    });
    try {
      return inbox.payload(id);
    } finally {
      await inbox.close();
    }
  }

  /** Starts the receiver for the active profile; resolves with the state it reached (failed: rejects). */
  start(): Promise<ReceiverState> {
    return this.enqueue(async () => {
      const profile = this.deps.activeProfile();
      if (profile === undefined)
        throw new ValidationError('Choose a profile first: the receiver uses its secrets.', {
          code: 'webhooks.noProfile',
        });
      if (this.service && this.current.kind === 'listening' && this.current.profile === profile) return this.current;
      await this.closeService();
      await this.open(profile);
      return this.current;
    });
  }

  /** Stops the receiver: the port is released once the handling under way is done. */
  stop(): Promise<void> {
    return this.enqueue(async () => {
      await this.closeService();
      await this.list(this.deps.activeProfile());
    });
  }

  /**
   * Follows the active profile and the settings: a receiver that listens for another profile, or on
   * another port, address or forwarding list, stops and starts again with the new profile's secrets; a
   * stopped one lists the active profile's inbox. Called on every configuration change.
   */
  follow(): Promise<void> {
    return this.enqueue(async () => {
      const profile = this.deps.activeProfile();
      const was = this.current;
      if (was.kind === 'listening') {
        if (was.profile === profile && sameSettings(this.launched, this.deps.settings())) return;
        await this.closeService();
        if (profile === undefined) return this.list(profile);
        this.deps.log.info('webhook receiver restarts', { from: was.profile, to: profile });
        await this.open(profile).catch(() => undefined); // the failure is in the state and the status bar
        return;
      }
      if (was.profile === profile && (was.kind === 'failed' || this.listedProfile === profile)) return;
      await this.closeService();
      await this.list(profile);
    });
  }

  /** Starts a listening receiver again with the same profile when its signing secrets changed. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      const was = this.current;
      if (was.kind !== 'listening') return;
      const secrets = await this.deps.receiverSecrets(was.profile);
      if (JSON.stringify(secrets) === JSON.stringify(this.launchedSecrets)) return;
      await this.closeService();
      await this.open(was.profile).catch(() => undefined); // the failure is in the state and the status bar
    });
  }

  /** Runs a handling pass for what is stored and not yet handled (after the profile signed in again). */
  async handlePending(): Promise<void> {
    const service = this.running;
    if (!service) return;
    await service.processor.processPending();
    this.emit();
  }

  /** Stops the receiver for good (deactivation): nothing stays listening. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.enqueue(() => this.closeService());
    this.listeners.clear();
  }

  private async open(profile: string): Promise<void> {
    const settings = this.deps.settings();
    this.set({ kind: 'starting', profile, port: settings.port });
    try {
      const [payloadKey, secrets] = await Promise.all([
        this.deps.keys.keyFor(profile),
        this.deps.receiverSecrets(profile),
      ]);
      const service = await this.deps.launch({
        profile,
        inboxDirectory: this.inboxDirectory(profile),
        payloadKey,
        secrets,
        port: settings.port,
        bindAddress: settings.bindAddress,
        forwardTo: settings.forwardTo,
        onChange: () => this.emit(),
      });
      if (this.disposed) {
        await service.close();
        return;
      }
      this.service = service;
      this.launched = settings;
      this.launchedSecrets = secrets;
      this.set({ kind: 'listening', profile, url: service.url, port: service.port });
    } catch (error) {
      const e = explainStartFailure(error, settings);
      this.deps.log.warn('webhook receiver did not start', { profile, code: e.code, reason: e.message });
      this.set({ kind: 'failed', profile, message: e.message });
      throw e;
    }
  }

  private async closeService(): Promise<void> {
    const service = this.service;
    const state = this.current;
    if (!service) {
      if (state.kind === 'failed') this.set({ kind: 'stopped', profile: state.profile });
      return;
    }
    const profile = state.kind === 'stopped' ? undefined : state.profile;
    if (profile !== undefined) this.set({ kind: 'stopping', profile });
    try {
      await service.close();
    } finally {
      this.service = undefined;
      this.listed = service.inbox.entries();
      this.listedProfile = profile;
      this.set({ kind: 'stopped', profile });
    }
  }

  /** Reads a stopped profile's inbox from disk for the view (nothing is created when it has none). */
  private async list(profile: string | undefined): Promise<void> {
    let entries: InboxEntry[] = [];
    const directory = profile === undefined ? undefined : this.inboxDirectory(profile);
    if (directory !== undefined && existsSync(path.join(directory, INBOX_FILE))) {
      try {
        const inbox = await WebhookInbox.open({ directory, clock: this.deps.clock });
        entries = inbox.entries();
        await inbox.close();
      } catch (error) {
        this.deps.log.warn('webhook inbox could not be read', { profile, reason: toLifeCockpitError(error).message });
      }
    }
    this.listed = entries;
    this.listedProfile = profile;
    this.set({ kind: 'stopped', profile });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private set(state: ReceiverState): void {
    this.current = state;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function sameSettings(a: ReceiverSettings | undefined, b: ReceiverSettings): boolean {
  return (
    a !== undefined &&
    a.port === b.port &&
    a.bindAddress === b.bindAddress &&
    a.forwardTo.length === b.forwardTo.length &&
    a.forwardTo.every((target, i) => target === b.forwardTo[i])
  );
}

/** A start that failed on the port or the address names the setting to change; anything else as it came. */
export function explainStartFailure(error: unknown, settings: ReceiverSettings): LifeCockpitError {
  const code = systemCodeOf(error);
  const where = `${settings.bindAddress}:${settings.port}`;
  if (code === 'EADDRINUSE')
    return new ValidationError(
      `The webhook receiver cannot listen on ${where}: the port is in use (another window's receiver or \`lc webhooks serve\`?). Stop that, or set lifeCockpit.webhooks.port to a free port (0 picks one).`,
      { code: 'webhooks.portInUse', cause: error, detail: { port: settings.port } },
    );
  if (code === 'EACCES')
    return new ValidationError(
      `The webhook receiver may not listen on ${where}: ports below 1024 need privileges. Set lifeCockpit.webhooks.port to 1024 or above.`,
      { code: 'webhooks.portForbidden', cause: error, detail: { port: settings.port } },
    );
  if (code === 'EADDRNOTAVAIL')
    return new ValidationError(
      `The webhook receiver cannot listen on ${where}: ${settings.bindAddress} is not an address of this machine. Set lifeCockpit.webhooks.bindAddress (127.0.0.1 is the default).`,
      { code: 'webhooks.badBindAddress', cause: error, detail: { bindAddress: settings.bindAddress } },
    );
  return toLifeCockpitError(error);
}

/** The Node system error code (EADDRINUSE…) of an error or of one it wraps. */
function systemCodeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}
