// One reminder, exactly once: claim the row, then look before acting. With no message id recorded, the
// mailbox is searched for a message tagged with the reminder's id (Drafts, Outbox, Sent Items) before a
// draft is created; with one recorded, the message's folder decides: Drafts and never submitted → send it,
// Outbox → submitted, wait for it, Sent Items → record it sent, not found → in transit or gone: look again
// within a bound and never send. Exchange answers `/send` with 202 once the message is saved in Drafts and
// moves it on later, so a Drafts copy counts as never submitted only when no `/send` was asked for (the row's
// firstAttempt is written just before the first one), this run saw its last `/send` refused outright, or the
// copy is still in Drafts long after the `/send` was asked for (submittedDraftGraceMs: Exchange moves a
// submitted message on within moments, so the request never reached it — a process killed between writing
// firstAttempt and sending). Inside that grace the copy is looked up again later, never sent. A failed try is counted with its error and tried again after Retry-After (or a backoff),
// until maxAttempts lands the reminder in Failed.
import { auditEffect } from '../../log';
import { CancelledError, LifeCockpitError, toLifeCockpitError } from '../../errors';
import { waitBeforeRetryMs } from '../pacing';
import {
  claimIsStale,
  claimRow,
  logSend,
  newClaim,
  recordAttempt,
  recordFailed,
  recordFirstAttempt,
  recordMessageId,
  recordSent,
  releaseRow,
  type Claim,
} from './claim';
import { unsendableBecause, type DueRow } from './dueRows';
import type { Mailbox, MailFolder } from './mailbox';
import type { SendRun } from './sendRun';
import { SenderCrashedError, type PlannedMessage, type SendOutcome } from './types';

export interface Delivery {
  outcome: SendOutcome;
  error?: string;
}

const FIRST_LOOK_DELAY_MS = 500;
const MAX_LOOK_DELAY_MS = 5_000;
/** How long after a `/send` was asked for a copy still in Drafts may yet be taken by Exchange (inferred: moments). */
export const DEFAULT_SUBMITTED_DRAFT_GRACE_MS = 5 * 60_000;

export interface DeliveryHooks {
  /** The reminder's message is drafted and its id recorded: from here it only waits for a submission. */
  readyToSend?: () => void;
}

export async function deliver(
  run: SendRun,
  row: DueRow,
  message: PlannedMessage,
  hooks: DeliveryHooks = {},
): Promise<Delivery> {
  const { deps } = run;
  if (row.status === 'sending' && !claimIsStale(row.sendClaim, deps.clock, run.leaseMs)) {
    return { outcome: 'skipped', error: 'Another sender is working on it.' };
  }
  const claim = newClaim(deps.clock);
  run.checkAlive();
  if (!row.etag || !(await claimRow(deps, row.id, row.etag, claim, run.signal))) {
    return {
      outcome: 'skipped',
      error: 'The reminder changed since it was read (edited, cancelled or taken by another sender).',
    };
  }
  run.crashPoint('afterClaim');
  const unsendable = unsendableBecause(message);
  if (unsendable) {
    await recordFailed(deps, row.id, row.attempts + 1, unsendable.message);
    return { outcome: 'failed', error: unsendable.message };
  }
  return new ClaimedReminder(run, row, message, claim, hooks).deliver();
}

class ClaimedReminder {
  private readonly mailbox: Mailbox;
  private messageId: string | undefined;
  private attempts: number;
  /** Whether a message may exist in Graph for it: then letting go leaves it in sending, to be looked up. */
  private touchedGraph: boolean;
  private sentThisRun = false;
  /** When the first `/send` was asked for, by this run or an earlier one. */
  private sendRequestedAt: number | undefined;
  /** This run's last `/send` was answered with a refusal (4xx): Exchange did not take the message. */
  private lastSendRefused = false;

  constructor(
    private readonly run: SendRun,
    private readonly row: DueRow,
    private readonly message: PlannedMessage,
    private readonly claim: Claim,
    private readonly hooks: DeliveryHooks,
  ) {
    this.mailbox = run.mailbox(message.mailbox);
    this.messageId = row.graphMessageId;
    this.attempts = row.attempts;
    this.touchedGraph = row.status === 'sending' || row.graphMessageId !== undefined;
    this.sendRequestedAt = row.firstAttempt?.getTime();
  }

  /** Whether a copy in Drafts may be sent: no `/send` was asked for, the last was refused, or it was asked for too long ago to be pending. */
  private draftNeverSubmitted(): boolean {
    if (this.sendRequestedAt === undefined || this.lastSendRefused) return true;
    const grace = this.run.deps.settings.submittedDraftGraceMs ?? DEFAULT_SUBMITTED_DRAFT_GRACE_MS;
    return this.run.deps.clock.now() - this.sendRequestedAt >= grace;
  }

  async deliver(): Promise<Delivery> {
    for (;;) {
      try {
        return await this.reconcile();
      } catch (error) {
        if (error instanceof SenderCrashedError) throw error;
        if (error instanceof CancelledError || this.run.signal?.aborted) return this.letGo();
        const failure = await this.countFailure(error);
        if (failure) return failure;
        await this.run.deps.clock.sleep(this.waitBeforeRetry(error), this.run.signal).catch(() => undefined);
      }
    }
  }

  private async reconcile(): Promise<Delivery> {
    if (this.messageId !== undefined) return this.settleKnownMessage(this.messageId);
    // No id recorded: a message may still exist (a crash before recording it); never create a second one.
    this.run.checkAlive();
    const found = await this.mailbox.findTagged(this.row.id, () => this.run.crashPoint('inBatch'));
    if (!found) return this.createAndSend();
    this.touchedGraph = true;
    const id = await this.adopt(found.id);
    if (found.folder === 'drafts' && this.draftNeverSubmitted()) return this.sendAndRecord(id);
    if (found.folder === 'sentitems') return this.recordDelivered(id);
    return this.settleKnownMessage(id);
  }

  private async createAndSend(): Promise<Delivery> {
    this.run.checkAlive();
    this.touchedGraph = true;
    const draftId = await this.mailbox.createDraft({
      reminderId: this.row.id,
      to: this.recipient(),
      subject: this.message.subject,
      body: this.message.body,
    });
    this.run.crashPoint('afterDraft');
    const id = await this.adopt(draftId);
    return this.sendAndRecord(id);
  }

  /** The client by name; in send-to-me mode the practitioner's own address, not under the client's name. */
  private recipient(): { address: string; name?: string } {
    const { recipient, clientEmail, clientName } = this.message;
    const toClient = clientName !== undefined && recipient.toLowerCase() === clientEmail?.toLowerCase();
    return toClient ? { address: recipient, name: clientName } : { address: recipient };
  }

  /** Records the message's immutable id on the row before anything sends it. */
  private async adopt(id: string): Promise<string> {
    this.run.checkAlive();
    await recordMessageId(this.run.deps, this.row.id, id, this.run.signal);
    this.messageId = id;
    this.run.crashPoint('afterRecordId');
    return id;
  }

  private async sendAndRecord(id: string): Promise<Delivery> {
    this.run.checkAlive();
    const { deps, audit, actor } = this.run;
    const effect = {
      actor,
      profile: deps.profile.name,
      action: 'mail.send',
      target: `${deps.tables.scheduledMessage.entitySet}(${this.row.id})`,
      detail: { mailbox: this.mailbox.address, graphMessageId: id },
    };
    this.hooks.readyToSend?.();
    // Once the mailbox's window has room, and before the request leaves: from here a copy in Drafts may be submitted.
    const markAsked = async (): Promise<void> => {
      if (this.sendRequestedAt !== undefined) return;
      const at = deps.clock.now();
      await recordFirstAttempt(deps, this.row.id, at, this.run.signal);
      this.sendRequestedAt = at;
      this.run.checkAlive();
    };
    this.lastSendRefused = false;
    try {
      await auditEffect(audit, effect, () => this.mailbox.send(id, markAsked));
    } catch (error) {
      this.lastSendRefused = refusedOutright(error);
      throw error;
    }
    this.sentThisRun = true;
    this.run.crashPoint('afterSend');
    return this.recordDelivered(id);
  }

  private async recordDelivered(id: string): Promise<Delivery> {
    this.run.checkAlive();
    const { deps } = this.run;
    const sent = { reminderId: this.row.id, recipient: this.message.recipient, subject: this.message.subject };
    await logSend(deps, { ...sent, messageId: id }, this.run.signal);
    this.run.checkAlive();
    await recordSent(deps, this.row.id, this.run.signal);
    if (!this.sentThisRun) {
      // Sent by an earlier run that could not record it: the send's own audit line may be missing.
      this.run.audit.record({
        actor: this.run.actor,
        profile: deps.profile.name,
        action: 'mail.send',
        target: `${deps.tables.scheduledMessage.entitySet}(${this.row.id})`,
        outcome: 'succeeded',
        detail: { mailbox: this.mailbox.address, graphMessageId: id, recovered: true },
      });
    }
    this.run.crashPoint('afterRecordSent');
    return { outcome: 'sent' };
  }

  /**
   * The recorded message's folder decides. A message seen submitted is never sent again; one not found
   * may be in transit (its Sent Items copy comes only once transport has sent it), so it is looked for
   * again, with growing pauses, until the bound; then it is left for a later run.
   */
  private async settleKnownMessage(id: string): Promise<Delivery> {
    const { clock } = this.run.deps;
    const deadline = clock.now() + this.run.lookAgainMs;
    let seenSubmitted = false;
    let pause = FIRST_LOOK_DELAY_MS;
    for (;;) {
      this.run.checkAlive();
      const folder: MailFolder | undefined = await this.mailbox.folderOf(id);
      if (folder === 'sentitems') return this.recordDelivered(id);
      if (folder === 'drafts' && !seenSubmitted && this.draftNeverSubmitted()) return this.sendAndRecord(id);
      seenSubmitted ||= folder === 'outbox';
      if (clock.now() >= deadline) return this.giveUpLooking(id, seenSubmitted, folder === 'drafts');
      await clock.sleep(Math.min(pause, Math.max(0, deadline - clock.now())), this.run.signal);
      pause = Math.min(pause * 2, MAX_LOOK_DELAY_MS);
    }
  }

  /** The bound is reached: a copy under another id may sit in Sent Items; otherwise a later run looks again. */
  private async giveUpLooking(id: string, seenSubmitted: boolean, inDrafts: boolean): Promise<Delivery> {
    const tagged = await this.mailbox.findTagged(this.row.id);
    if (tagged?.folder === 'sentitems') return this.recordDelivered(await this.adopt(tagged.id));
    const error = inDrafts
      ? `Message ${id} is still in the Drafts of ${this.mailbox.address} after a send was asked for at ${new Date(this.sendRequestedAt ?? 0).toISOString()}; Exchange may be about to move it, so it is looked up again later and not sent again now.`
      : seenSubmitted
        ? `Message ${id} waits in the Outbox of ${this.mailbox.address}; it is recorded once it reaches Sent Items.`
        : `Message ${id} is in no folder of ${this.mailbox.address} yet (in transit, or deleted); it is looked up again later and not sent again.`;
    this.run.checkAlive();
    await releaseRow(this.run.deps, this.row.id, false, error);
    return { outcome: seenSubmitted ? 'submitted' : 'retryLater', error };
  }

  /** Counts a failed try; the Delivery when the reminder now lands in Failed, else undefined (try again). */
  private async countFailure(error: unknown): Promise<Delivery | undefined> {
    const typed = toLifeCockpitError(error);
    this.attempts += 1;
    const text = typed.message;
    this.run.deps.log.warn('reminder send attempt failed', {
      reminderId: this.row.id,
      attempt: this.attempts,
      code: typed.code,
    });
    this.run.checkAlive();
    if (!typed.retriable || this.attempts >= this.run.deps.settings.maxAttempts) {
      await recordFailed(this.run.deps, this.row.id, this.attempts, text);
      return { outcome: 'failed', error: text };
    }
    await recordAttempt(this.run.deps, this.row.id, this.attempts, text, this.claim);
    return undefined;
  }

  private waitBeforeRetry(error: unknown): number {
    return waitBeforeRetryMs(error, this.run.deps.clock, this.attempts);
  }

  /** Cancelled: lets go of the row so the next run takes it up at once. */
  private async letGo(): Promise<Delivery> {
    const error = new CancelledError('Cancelled before it was sent.').message;
    this.run.checkAlive();
    await releaseRow(this.run.deps, this.row.id, !this.touchedGraph).catch((releaseError: unknown) =>
      this.run.deps.log.warn('could not let go of a reminder after cancelling', {
        reminderId: this.row.id,
        error: releaseError instanceof LifeCockpitError ? releaseError.code : String(releaseError),
      }),
    );
    return { outcome: 'retryLater', error };
  }
}

/** A `/send` answered with a 4xx (throttled, refused): Exchange did not take the message. No answer or a 5xx may have been taken. */
function refusedOutright(error: unknown): boolean {
  if (!(error instanceof LifeCockpitError)) return false;
  const status = (error.detail as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
