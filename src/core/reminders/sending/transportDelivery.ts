// One reminder through a channel other than Graph (SMS through ACS, SMTP, SendGrid), as safely as its
// service allows. None of them can be searched afterwards the way a Graph mailbox can, so the row itself
// says how far a hand-over got: claim → firstAttempt written BEFORE the hand-over → hand-over → the service's
// message id, the message-log row and sent. A row left in sending by a crash is recovered from what it
// records: no first attempt → nothing began, send; a message id or a delivery report → it left, record it
// sent; a first attempt and nothing else → the hand-over may or may not have happened. Then only a service
// that drops a repeat by itself (ACS, inside its repeatability window, with the same stableId and first-sent
// time) is asked again; for any other, or once the window is (nearly) closed, the reminder waits in
// needsCheck for a person, with a plain reason. Repeating blindly could text or mail a client twice.
import {
  channelLabel,
  HandOverUncertainError,
  RepeatWindowClosedError,
  type ChannelMessage,
  type HandOver,
  type TransportChannel,
} from '../../channels';
import { CancelledError, LifeCockpitError, toLifeCockpitError } from '../../errors';
import { auditEffect } from '../../log';
import { waitBeforeRetryMs } from '../pacing';
import {
  claimIsStale,
  claimRow,
  logSend,
  newClaim,
  readRecordedHandOver,
  recordAttempt,
  recordFailed,
  recordFirstAttempt,
  recordMessageId,
  recordNeedsCheck,
  recordSent,
  releaseRow,
  type Claim,
} from './claim';
import type { Delivery } from './deliver';
import type { DueRow } from './dueRows';
import type { SendRun } from './sendRun';
import { stableUuid } from './stableUuid';
import { SenderCrashedError, type PlannedMessage } from './types';

/** A repeat is asked for only this far inside the window: the service's clock and ours may differ, and the request takes time. */
const MAX_WINDOW_MARGIN_MS = 60_000;

/**
 * The id every hand-over of this message carries (Message-ID, repeatabilityRequestId, custom_args): from the
 * reminder's id and its first attempt, so every repeat of one hand-over carries the same id, and a deliberate
 * Send Again (which starts a new first attempt) is not taken by the service for a repeat of the first.
 */
export function stableIdOf(reminderId: string, firstAttemptAt: Date): string {
  return stableUuid(`channel-message:${reminderId.toLowerCase()}:${firstAttemptAt.toISOString()}`);
}

/** The sender's address on the channel: the practitioner's mailbox for mail, the profile's number for SMS. */
export function senderOn(run: SendRun, transport: TransportChannel, message: PlannedMessage): string {
  return transport.medium === 'sms' ? (run.deps.profile.smsFrom ?? '') : message.mailbox;
}

export async function deliverByTransport(
  run: SendRun,
  row: DueRow,
  message: PlannedMessage,
  transport: TransportChannel,
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
  const unsendable = unsendableBecause(run, transport, message);
  if (unsendable) {
    await recordFailed(deps, row.id, row.attempts + 1, unsendable);
    return { outcome: 'failed', error: unsendable };
  }
  return new TransportHandOver(run, row, message, claim, transport).deliver();
}

function unsendableBecause(run: SendRun, transport: TransportChannel, message: PlannedMessage): string | undefined {
  if (message.recipient === '') {
    return transport.medium === 'sms'
      ? `Reminder ${message.reminderId} has no phone number to send to: add the client's phone (E.164, e.g. +14255550123).`
      : `Reminder ${message.reminderId} has no e-mail address to send to.`;
  }
  if (senderOn(run, transport, message) === '') {
    return `Reminder ${message.reminderId} has no mailbox to send from: set the profile's mailbox (lifeCockpit.profiles[].mailbox or LC_MAILBOX).`;
  }
  return undefined;
}

class TransportHandOver {
  private attempts: number;
  /** When the first hand-over began, as the row records it (this run's, or an earlier run's). */
  private firstAttemptAt: Date | undefined;
  /** Whether some hand-over of this message may have reached the service (an earlier run's, or an uncertain one). */
  private mayHaveActed: boolean;
  private sentThisRun = false;
  /** The service took the message: what follows only records it. */
  private recording = false;
  private readonly label: string;

  constructor(
    private readonly run: SendRun,
    private readonly row: DueRow,
    private readonly message: PlannedMessage,
    private readonly claim: Claim,
    private readonly transport: TransportChannel,
  ) {
    this.attempts = row.attempts;
    // An approved row starts afresh (Send Again cleared what was there); one left in sending may have gone.
    this.firstAttemptAt = row.status === 'sending' ? row.firstAttempt : undefined;
    this.mayHaveActed = this.firstAttemptAt !== undefined;
    this.label = channelLabel(transport.id);
  }

  async deliver(): Promise<Delivery> {
    if (this.row.status === 'sending') {
      if (this.row.graphMessageId !== undefined || this.row.deliveryStatus !== undefined) {
        return this.recordDelivered(this.row.graphMessageId);
      }
      if (this.mayHaveActed && !this.mayRepeat()) return this.needsCheck(this.crashedReason());
    }
    for (;;) {
      try {
        return await this.handOver();
      } catch (error) {
        // A failed record after a hand-over is not a failed hand-over: never hand over again for it (the
        // row stays claimed, and once the claim is stale the next run recovers it from what it records).
        if (error instanceof SenderCrashedError || this.recording) throw error;
        if (error instanceof RepeatWindowClosedError) return this.afterWindowClosed(error);
        if (error instanceof HandOverUncertainError) {
          const settled = await this.afterUncertain(error);
          if (settled) return settled;
          continue;
        }
        if (error instanceof CancelledError || this.run.signal?.aborted) return this.letGo();
        const failure = await this.countFailure(error);
        if (failure) return failure;
        await this.run.deps.clock.sleep(this.waitBeforeRetry(error), this.run.signal).catch(() => undefined);
        if (this.run.signal?.aborted) return this.letGo();
      }
    }
  }

  /**
   * At the channel's pace: records the first attempt if none is recorded, then hands the message over once.
   * The first attempt is written once the pacer lets the hand-over start, not before waiting for the sender's
   * window: a crash while a reminder waits then leaves it to be sent, not to be checked by a person.
   */
  private async handOver(): Promise<Delivery> {
    this.run.checkAlive();
    const pacer = this.run.transportPacer(this.transport);
    const lane = `${this.transport.id}:${senderOn(this.run, this.transport, this.message).toLowerCase()}`;
    const handOver = await pacer.run(lane, () => this.recordFirstAttemptThenHandOver(), {
      submission: true,
      ...(this.run.signal ? { signal: this.run.signal } : {}),
    });
    this.sentThisRun = true;
    this.recording = true;
    this.run.crashPoint('afterSend');
    return this.recordDelivered(handOver.providerMessageId);
  }

  private async recordFirstAttemptThenHandOver(): Promise<HandOver> {
    const { deps } = this.run;
    this.run.checkAlive();
    if (this.run.signal?.aborted) throw new CancelledError('Cancelled before it was sent.');
    if (this.firstAttemptAt === undefined || (!this.mayHaveActed && !this.mayRepeat())) {
      // Nothing can have reached the service yet: a new first attempt (a repeatableWithinWindow service
      // would refuse an old first-sent time even though it never saw the message).
      // Dataverse keeps a date and time to the whole second: taken at one, the first attempt a rerun reads back
      // gives the same stableId and first-sent time as this hand-over, so ACS knows the repeat for what it is.
      const at = new Date(Math.floor(deps.clock.now() / 1000) * 1000);
      await recordFirstAttempt(deps, this.row.id, at.getTime(), this.run.signal);
      this.firstAttemptAt = at;
      this.run.crashPoint('afterRecordId');
    }
    return this.handOverNow(this.channelMessage(this.firstAttemptAt));
  }

  /**
   * The hand-over itself. The run's signal is not passed on: a hand-over cut off halfway could not be
   * known to have happened or not, so one that began is let finish (the transport's own timeouts bound
   * it) and recorded; a cancel stops what comes after it.
   */
  private async handOverNow(outgoing: ChannelMessage): Promise<HandOver> {
    this.run.checkAlive();
    if (this.run.signal?.aborted) throw new CancelledError('Cancelled before it was sent.');
    const { deps, audit, actor } = this.run;
    const effect = {
      actor,
      profile: deps.profile.name,
      action: this.transport.medium === 'sms' ? 'sms.send' : 'mail.send',
      target: `${deps.tables.scheduledMessage.entitySet}(${this.row.id})`,
      detail: { channel: this.transport.id, from: outgoing.from },
    };
    const actedBefore = this.mayHaveActed;
    // From here the service may act: a cancel or a failed write must not send the row back as fresh.
    this.mayHaveActed = true;
    try {
      return await auditEffect(
        audit,
        effect,
        () => this.transport.send(outgoing),
        (made) => ({ detail: { providerMessageId: made.providerMessageId } }),
      );
    } catch (error) {
      const meaning = asHandOverError(this.transport, error);
      // Only an uncertain hand-over may have reached the service; a typed refusal certainly did not.
      if (!(meaning instanceof HandOverUncertainError)) this.mayHaveActed = actedBefore;
      throw meaning;
    }
  }

  private channelMessage(firstAttemptAt: Date): ChannelMessage {
    const { message } = this;
    const toClient = message.clientName !== undefined && !this.run.deps.profile.sendToSelf;
    return {
      reminderId: this.row.id,
      to: toClient
        ? { address: message.recipient, name: message.clientName as string }
        : { address: message.recipient },
      subject: message.subject,
      body: message.body,
      stableId: stableIdOf(this.row.id, firstAttemptAt),
      firstAttemptAt,
      from: senderOn(this.run, this.transport, message),
    };
  }

  /** Whether the service still drops a repeat of this message by itself (with a margin for clocks and latency). */
  private mayRepeat(): boolean {
    const { transport } = this;
    if (transport.afterCrash !== 'repeatableWithinWindow' || !transport.repeatWindowMs) return false;
    if (this.firstAttemptAt === undefined) return false;
    const margin = Math.min(MAX_WINDOW_MARGIN_MS, transport.repeatWindowMs / 5);
    return this.run.deps.clock.now() < this.firstAttemptAt.getTime() + transport.repeatWindowMs - margin;
  }

  /** The service's message id (when known), the message-log row, then sent: a crash in between is recovered from the id. */
  private async recordDelivered(providerMessageId: string | undefined): Promise<Delivery> {
    this.run.checkAlive();
    const { deps } = this.run;
    const messageId =
      providerMessageId ?? `${this.transport.id}:${stableIdOf(this.row.id, this.firstAttemptAt ?? new Date(0))}`;
    // Not cancellable: once the service has the message, a cancel must not leave it unrecorded.
    if (providerMessageId !== undefined && providerMessageId !== this.row.graphMessageId) {
      await recordMessageId(deps, this.row.id, providerMessageId);
    }
    const sent = { reminderId: this.row.id, recipient: this.message.recipient, subject: this.message.subject };
    await logSend(deps, { ...sent, subject: sent.subject || this.message.body.slice(0, 200), messageId });
    this.run.checkAlive();
    await recordSent(deps, this.row.id);
    if (!this.sentThisRun) {
      // Handed over by an earlier run that could not record it: that hand-over's audit line may be missing.
      this.run.audit.record({
        actor: this.run.actor,
        profile: deps.profile.name,
        action: this.transport.medium === 'sms' ? 'sms.send' : 'mail.send',
        target: `${deps.tables.scheduledMessage.entitySet}(${this.row.id})`,
        outcome: 'succeeded',
        detail: { channel: this.transport.id, providerMessageId: messageId, recovered: true },
      });
    }
    this.run.crashPoint('afterRecordSent');
    return { outcome: 'sent' };
  }

  /** The service may have acted: repeated only where the service drops the repeat itself, else left for a person. */
  private async afterUncertain(error: HandOverUncertainError): Promise<Delivery | undefined> {
    this.mayHaveActed = true;
    this.attempts += 1;
    this.run.deps.log.warn('reminder hand-over uncertain', {
      reminderId: this.row.id,
      channel: this.transport.id,
      attempt: this.attempts,
    });
    this.run.checkAlive();
    if (!this.mayRepeat() || this.attempts >= this.run.deps.settings.maxAttempts || this.run.signal?.aborted) {
      return this.needsCheck(`${error.message} ${this.whatToCheck()}`);
    }
    await recordAttempt(this.run.deps, this.row.id, this.attempts, error.message, this.claim);
    return undefined;
  }

  /** The service refuses a repeat as too old: sent only if its delivery report (or message id) reached the row meanwhile. */
  private async afterWindowClosed(error: RepeatWindowClosedError): Promise<Delivery> {
    this.run.checkAlive();
    const recorded = await readRecordedHandOver(this.run.deps, this.row.id, this.run.signal);
    if (recorded.messageId !== undefined || recorded.deliveryStatus !== undefined) {
      return this.recordDelivered(recorded.messageId);
    }
    return this.needsCheck(`${error.message} ${this.whatToCheck()}`);
  }

  private crashedReason(): string {
    const when = this.firstAttemptAt?.toISOString() ?? 'an earlier run';
    const why =
      this.transport.afterCrash === 'repeatableWithinWindow'
        ? `the service drops a repeat only for ${Math.round((this.transport.repeatWindowMs ?? 0) / 60_000)} minutes, that time has passed, and no delivery report has come`
        : `${this.label} cannot be asked afterwards whether it sent it`;
    return (
      `${this.label} was given this message at ${when} and the sending stopped before the answer was recorded; ` +
      `${why}. ${this.whatToCheck()}`
    );
  }

  private whatToCheck(): string {
    const who = this.message.clientName ?? this.message.recipient;
    return `Check whether ${who} got it, then choose Mark as Sent, or Send Again (a second copy may arrive).`;
  }

  private async needsCheck(reason: string): Promise<Delivery> {
    this.run.checkAlive();
    this.run.deps.log.warn('reminder needs a check', { reminderId: this.row.id, channel: this.transport.id });
    await recordNeedsCheck(this.run.deps, this.row.id, this.attempts, reason);
    return { outcome: 'skipped', error: reason };
  }

  /** Counts a failed try that certainly did not reach the service; the Delivery when it now lands in Failed. */
  private async countFailure(error: unknown): Promise<Delivery | undefined> {
    const typed = toLifeCockpitError(error);
    this.attempts += 1;
    this.run.deps.log.warn('reminder send attempt failed', {
      reminderId: this.row.id,
      channel: this.transport.id,
      attempt: this.attempts,
      code: typed.code,
    });
    this.run.checkAlive();
    if (!typed.retriable || this.attempts >= this.run.deps.settings.maxAttempts) {
      await recordFailed(this.run.deps, this.row.id, this.attempts, typed.message);
      return { outcome: 'failed', error: typed.message };
    }
    await recordAttempt(this.run.deps, this.row.id, this.attempts, typed.message, this.claim);
    return undefined;
  }

  private waitBeforeRetry(error: unknown): number {
    return waitBeforeRetryMs(error, this.run.deps.clock, this.attempts);
  }

  /**
   * Cancelled (a profile switch, the user): nothing that may have reached the service → back to approved
   * with no first attempt, so the next run sends it at once; otherwise left in sending without a claim, so
   * the next run recovers it by the rules above.
   */
  private async letGo(): Promise<Delivery> {
    const error = new CancelledError('Cancelled before it was sent.').message;
    this.run.checkAlive();
    const fresh = !this.mayHaveActed;
    await releaseRow(this.run.deps, this.row.id, fresh, undefined, fresh).catch((releaseError: unknown) =>
      this.run.deps.log.warn('could not let go of a reminder after cancelling', {
        reminderId: this.row.id,
        error: releaseError instanceof LifeCockpitError ? releaseError.code : String(releaseError),
      }),
    );
    return { outcome: 'retryLater', error };
  }
}

/**
 * What a failed hand-over means. The channel's typed errors say it; anything else it threw (not one of the
 * core's errors) cannot be known not to have reached the service, so it counts as uncertain.
 */
function asHandOverError(transport: TransportChannel, error: unknown): unknown {
  if (error instanceof LifeCockpitError || error instanceof SenderCrashedError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new HandOverUncertainError(transport.id, `an unexpected failure: ${reason}`, { cause: error });
}
