// `lc reminders mark-sent ID` and `lc reminders send-again ID`: settle one reminder that waits in Needs a Check
// (a hand-over to SMTP, SendGrid or ACS that nobody could confirm after a crash). Mark-sent records it sent, once
// the practitioner has checked that it arrived. Send-again always asks, naming the profile, the client and where
// it goes (phone or address) and that a second copy may arrive, then approves it afresh and sends it at once
// through the profile's channel. Either acts only on a reminder still in Needs a Check: one that someone changed
// meanwhile (the editor's Mark as Sent, a sender, another `lc`) is refused with the conflict code, saying what it
// is now, so a repeated send-again never sends a third copy.
import { z } from 'zod';
import type { Clock } from '../../core/clock';
import { ChannelNotSetUpError, channelLabel, type ChannelId, type Transports } from '../../core/channels';
import type { Profile } from '../../core/config';
import { isGuid } from '../../core/dataverse';
import {
  CancelledError,
  ConflictError,
  ExternalServiceError,
  NotFoundError,
  TransientError,
  ValidationError,
} from '../../core/errors';
import { actorOfState } from '../../core/auth';
import { auditEffect } from '../../core/log';
import { resolveTables, type TableMapping } from '../../core/practice';
import {
  markReminderSent,
  readMessage,
  sendDueReminders,
  sendReminderAgain,
  type Reminder,
  type ReminderActionDeps,
  type SendOutcome,
  type SendReportItem,
  type StoredMessage,
  contactOf,
  kindWord,
} from '../../core/reminders';
import { confirmEffect, type VerbContext } from '../action';
import type { Connection } from '../connect';
import { parseFlags } from '../flags';
import { withClient } from './dv';
import { usingSender } from './reminderSending';

const idFlags = z.object({
  id: z
    .string()
    .trim()
    .refine(isGuid, 'expected a reminder id (a GUID, as lc reminders status lists it under Needs a Check)'),
});

/** `lc reminders mark-sent --json`: the reminder as it is now. */
export interface MarkSentDocument {
  id: string;
  profile: string;
  /** False when it was already recorded sent (a repeated mark-sent changes nothing). */
  changed: boolean;
  status: Reminder['status'];
  sentTime: string | null;
}

/** `lc reminders send-again --json`: where the second copy went and how the send ended. */
export interface SendAgainDocument {
  id: string;
  profile: string;
  channel: ChannelId;
  /** The phone or address it was sent to (your own in send-to-me mode). */
  recipient: string;
  /** `sent` or `submitted` (in the Outbox, recorded by the next run); `takenByAnotherSender` when one claimed it first. */
  outcome: Extract<SendOutcome, 'sent' | 'submitted'> | 'takenByAnotherSender';
  status: Reminder['status'];
}

function who(r: Reminder): string {
  return r.clientName ?? 'the client';
}

/** The reminder as a person recognises it: kind, client and, for an e-mail, its subject. */
function named(r: Reminder): string {
  const subject = r.channel === 'sms' || r.subject === '' ? '' : ` "${r.subject}"`;
  return `the ${r.channel === 'sms' ? 'SMS ' : ''}${kindWord(r)}${subject} to ${who(r)}`;
}

/** The channel a reminder leaves through on this profile: ACS for an SMS, the profile's mail channel otherwise. */
function channelFor(r: Reminder, profile: Pick<Profile, 'mailChannel'>): ChannelId {
  return r.channel === 'sms' ? 'acsSms' : (profile.mailChannel ?? 'graph');
}

/** Where a send goes now: the client's phone or address, or in send-to-me mode the practitioner's own. */
function recipientOf(r: Reminder, profile: Pick<Profile, 'sendToSelf' | 'selfPhone' | 'mailbox'>): string {
  if (profile.sendToSelf !== true) return contactOf(r);
  const own = r.channel === 'sms' ? (profile.selfPhone ?? 'your own phone') : (profile.mailbox ?? 'your own mailbox');
  return `${own}, send-to-me mode, not ${contactOf(r)}`;
}

/** An id that is not a reminder of this profile: not found (exit 13, as `lc reminders channel` and `lc flows` say it), with where to look. */
async function readReminder(
  dv: ReminderActionDeps['dataverse'],
  tables: TableMapping,
  id: string,
  profile: string,
  signal: AbortSignal,
): Promise<StoredMessage> {
  try {
    return await readMessage(dv, tables, id, signal);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(
      `No reminder ${id} in profile ${profile}. \`lc reminders status\` lists the ones under Needs a Check with their ids.`,
      { code: 'reminders.unknownId', detail: { reminderId: id }, cause: error },
    );
  }
}

const STATUS_WORDS: Record<Reminder['status'], string> = {
  draft: 'a draft',
  approved: 'approved, and leaves with the next `lc reminders send`',
  sending: 'being sent',
  sent: 'sent',
  failed: 'failed (`lc reminders status` shows why)',
  cancelled: 'cancelled',
  needsCheck: 'waiting for a check',
};

/** Refused before any question: the reminder no longer waits for a check. */
function notWaiting(r: Reminder, action: string): ConflictError {
  return new ConflictError(
    `${capitalised(named(r))} is ${STATUS_WORDS[r.status]}, not waiting in Needs a Check, so it cannot be ${action}. Nothing was changed.`,
    { code: 'reminders.notAllowed', detail: { reminderId: r.id, status: r.status, action } },
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function audited<T>(
  ctx: VerbContext,
  connection: Connection,
  tables: TableMapping,
  id: string,
  action: string,
  run: () => Promise<T>,
): Promise<T> {
  const actor = actorOfState(connection.auth.state, connection.profile);
  return auditEffect(
    ctx.runtime.hub.audit(),
    {
      actor: actor,
      profile: connection.profile.name,
      action,
      target: `${tables.scheduledMessage.entitySet}(${id})`,
    },
    run,
  );
}

export async function markSentVerb(ctx: VerbContext, id: string, clock: Clock): Promise<void> {
  const flags = parseFlags(idFlags, { id });
  const tables = resolveTables(ctx.runtime.loaded.config.tables);
  const doc = await withClient(ctx, async (dv, connection): Promise<MarkSentDocument> => {
    const profile = connection.profile.name;
    const { reminder } = await readReminder(dv, tables, flags.id, profile, ctx.signal);
    const document = (r: Reminder, changed: boolean): MarkSentDocument => ({
      id: r.id,
      profile,
      changed,
      status: r.status,
      sentTime: r.sentTime?.toISOString() ?? null,
    });
    // Already recorded sent (a repeat after the first one landed): nothing to ask, nothing changes.
    if (reminder.status === 'sent') return document(reminder, false);
    if (reminder.status !== 'needsCheck') throw notWaiting(reminder, 'marked as sent');
    await confirmEffect(ctx, `Mark ${named(reminder)} (${contactOf(reminder)}) as sent (you checked that it arrived)`);
    // Decided again on the row as it is at the write, under its ETag: sent meanwhile changes nothing, anything
    // else it became is refused naming it.
    const result = await audited(ctx, connection, tables, flags.id, 'reminder.markSent', () =>
      markReminderSent({ dataverse: dv, tables, log: ctx.runtime.hub.logger('business'), clock }, flags.id, {
        signal: ctx.signal,
      }),
    );
    return document(result.reminder, result.changed);
  });
  ctx.out.result(doc, () =>
    doc.changed
      ? `Reminder ${doc.id} is recorded sent in profile ${doc.profile}.`
      : `Reminder ${doc.id} was already recorded sent in profile ${doc.profile}: nothing changed.`,
  );
}

export async function sendAgainVerb(ctx: VerbContext, id: string, clock: Clock): Promise<void> {
  const flags = parseFlags(idFlags, { id });
  const tables = resolveTables(ctx.runtime.loaded.config.tables);
  const doc = await withClient(ctx, (dv, connection) =>
    usingSender(ctx, connection, clock, async (deps): Promise<SendAgainDocument> => {
      const profile = connection.profile;
      const stored = await readReminder(dv, tables, flags.id, profile.name, ctx.signal);
      const { reminder } = stored;
      if (reminder.status !== 'needsCheck') throw notWaiting(reminder, 'sent again');
      const channel = channelFor(reminder, profile);
      requireChannel(channel, reminder, profile, deps.transports);
      const recipient = recipientOf(reminder, profile);
      // Always asked (--yes aside): the client may get it twice. The question names the profile (confirmEffect).
      await confirmEffect(
        ctx,
        `Send ${named(reminder)} (${recipient}) again by ${channelLabel(channel)}`,
        `If the first one did arrive, ${who(reminder)} gets a second copy.`,
      );
      // Under the ETag of the row the question described: changed since (marked sent in the editor, a new
      // phone number), it is refused and nothing is sent.
      await audited(ctx, connection, tables, flags.id, 'reminder.sendAgain', () =>
        sendReminderAgain({ dataverse: dv, tables, log: ctx.runtime.hub.logger('business') }, flags.id, {
          signal: ctx.signal,
          ...(stored.etag === undefined ? {} : { etag: stored.etag }),
        }),
      );
      const report = await sendDueReminders(deps, { reminderIds: [flags.id], signal: ctx.signal });
      if (ctx.signal.aborted) {
        ctx.out.warning(`stopped: reminder ${reminder.id} is approved again, and the next lc reminders send sends it.`);
        throw ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError();
      }
      const item = report.items.find((i) => i.reminderId.toLowerCase() === flags.id.toLowerCase());
      const now = (await readMessage(dv, tables, flags.id, ctx.signal)).reminder;
      const outcome = sendAgainOutcome(item, now);
      return { id: reminder.id, profile: profile.name, channel, recipient, status: now.status, outcome };
    }),
  );
  ctx.out.result(doc, () => renderSendAgain(doc));
}

/** Refused before the question when the channel it would leave through cannot send from this profile. */
function requireChannel(channel: ChannelId, r: Reminder, profile: Profile, transports: Transports | undefined): void {
  if (channel === 'graph') return;
  if (!transports?.[channel]) throw new ChannelNotSetUpError(channel, profile.name);
  if (r.channel === 'sms' && !profile.smsFrom) {
    throw new ValidationError(`No number to send SMS from: set the profile's smsFrom (LC_SMS_FROM), an E.164 number.`, {
      code: 'reminders.noSmsFrom',
    });
  }
  if (r.channel === 'sms' && profile.sendToSelf === true && !profile.selfPhone) {
    throw new ValidationError(
      `Send-to-me mode sends SMS to your own phone, and none is set: set the profile's selfPhone (LC_SELF_PHONE).`,
      { code: 'reminders.noSelfPhone' },
    );
  }
}

/**
 * How the send after approving it again ended, from this run's report item (none when the run did not load it)
 * and the row as it is now; throws when it did not leave.
 */
export function sendAgainOutcome(item: SendReportItem | undefined, now: Reminder): SendAgainDocument['outcome'] {
  if (item?.outcome === 'sent' || item?.outcome === 'submitted') return item.outcome;
  // Claimed by another run (the worker, another lc) between approving and sending: that run sends it, once.
  const taken = item === undefined || item.outcome === 'skipped';
  if (taken && (now.status === 'sending' || now.status === 'sent')) return 'takenByAnotherSender';
  throw notSent(now, item?.error);
}

/**
 * Approved again, but this run did not get it out: where it stands now says what happens next. Failed, or
 * handed over with the answer lost again (back in Needs a Check): the service's doing (13). Anything else (left
 * approved, or claimed by this run and not yet recorded): the next `lc reminders send` takes it (12).
 */
function notSent(now: Reminder, error: string | undefined): Error {
  const why = error ? `: ${error}` : '.';
  const options = { code: 'reminders.sendAgainNotSent', detail: { reminderId: now.id, status: now.status } };
  const head = `${capitalised(named(now))} was approved again but not sent${why}`;
  if (now.status === 'failed' || now.status === 'needsCheck') {
    return new ExternalServiceError(`${head} It is now ${STATUS_WORDS[now.status]}.`, options);
  }
  return new TransientError(
    `${head} It is now ${STATUS_WORDS[now.status]}; the next \`lc reminders send\` sends it, once.`,
    { ...options, retriable: true },
  );
}

function renderSendAgain(doc: SendAgainDocument): string {
  switch (doc.outcome) {
    case 'sent':
      return `Reminder ${doc.id} was sent again to ${doc.recipient} by ${channelLabel(doc.channel)} (profile ${doc.profile}).`;
    case 'submitted':
      return `Reminder ${doc.id} is in the Outbox for ${doc.recipient} (profile ${doc.profile}); the next \`lc reminders send\` records it sent.`;
    case 'takenByAnotherSender':
      return `Reminder ${doc.id} was approved again and another run took it first (it is ${doc.status === 'sent' ? 'sent' : 'being sent'}): it leaves once, from there.`;
  }
}
