// Renders the messages an action is about to write, all of them before anything is saved: a template that
// names a missing variable (or a client whose language or time zone is not a real one) fails the action
// with nothing written, never a blank in a client's mail. Each message is rendered in the client's
// language and time zone when the client's record has them, else the practice's, and goes by the client's
// preferred channel (an SMS is rendered from the templates' SMS variant, plain text without a subject).
import { NotFoundError } from '../../errors';
import type { Session } from '../../sessions';
import { MESSAGE_CHANNEL, type TableMapping } from '../../practice';
import {
  renderMessage,
  type MessageClient,
  type MessageKind,
  type MessagePayment,
  type MessagePractitioner,
  type Templates,
} from '../templates';
import { cancellationNoticeRowId, followUpRowId, paymentLinkRowId, reminderRowId } from './messageIds';
import type { MessageDraft, PracticeRecords } from './messageRows';

/** The media a scheduled message can be written for: the ones a channel sends. */
export type MessageMedium = 'email' | 'sms';

/** A client as messages need them: who, where to write, in which language and time zone, by which medium. */
export interface ClientRecord extends MessageClient {
  id: string;
  /** E.164, for an SMS. */
  phone?: string | undefined;
  /** E-mail when the record names none (or one nothing sends, such as Telegram or WhatsApp). */
  preferredChannel?: MessageMedium;
}

/** Whether the client can be written to on the channel they prefer (an e-mail address, or a phone for SMS). */
export function canBeMessaged(client: ClientRecord): boolean {
  return client.preferredChannel === 'sms' ? client.phone !== undefined : client.email !== undefined;
}

export async function readClient(
  dv: PracticeRecords,
  tables: TableMapping,
  clientId: string,
  signal?: AbortSignal,
): Promise<ClientRecord> {
  const t = tables.client;
  const c = t.columns;
  let row: Record<string, unknown>;
  try {
    ({ row } = await dv.get(t.entitySet, clientId, {
      select: [
        t.primaryId,
        c.fullName,
        c.firstName,
        c.lastName,
        c.email,
        c.phone,
        c.language,
        c.timeZone,
        c.preferredChannel,
      ],
      signal,
    }));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(`There is no client ${clientId} in Dataverse (${t.entitySet}). Pick an existing client.`, {
      code: 'sessions.clientNotFound',
      detail: { clientId },
      cause: error,
    });
  }
  const text = (column: string): string | undefined => {
    const value = row[column];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const firstName = text(c.firstName);
  const name = text(c.fullName) ?? ([firstName, text(c.lastName)].filter(Boolean).join(' ') || '(unnamed client)');
  return {
    id: String(row[t.primaryId] ?? clientId),
    name,
    firstName,
    email: text(c.email),
    phone: text(c.phone),
    language: text(c.language),
    timeZone: text(c.timeZone),
    // Telegram and WhatsApp have no channel that sends them: such a client is written to by e-mail.
    preferredChannel: row[c.preferredChannel] === MESSAGE_CHANNEL.sms ? 'sms' : 'email',
  };
}

export interface DraftContext {
  session: Session;
  client: ClientRecord;
  practitioner: MessagePractitioner;
  templates: Templates;
}

async function draft(
  ctx: DraftContext,
  template: MessageKind,
  fields: Pick<MessageDraft, 'id' | 'kind' | 'status' | 'scheduledTime' | 'leadMinutes'>,
  payment?: MessagePayment,
  medium: MessageMedium = ctx.client.preferredChannel ?? 'email',
): Promise<MessageDraft> {
  const rendered = await renderMessage(
    { kind: template, session: ctx.session, client: ctx.client, practitioner: ctx.practitioner, payment, medium },
    ctx.templates,
  );
  return {
    ...fields,
    channel: medium,
    subject: rendered.subject,
    text: rendered.body,
    clientId: ctx.client.id,
    clientName: ctx.client.name,
    email: ctx.client.email ?? '',
    phone: ctx.client.phone ?? '',
    sessionId: ctx.session.id,
    template: rendered.template,
  };
}

/** A message rendered again for another medium (Change Channel): the same row, its text and subject anew. */
export function redraftFor(
  ctx: DraftContext,
  medium: MessageMedium,
  fields: Pick<MessageDraft, 'id' | 'kind' | 'status' | 'scheduledTime'> & { template: MessageKind },
): Promise<MessageDraft> {
  const { template, ...rest } = fields;
  return draft(ctx, template, rest, undefined, medium);
}

export interface ReminderPlan {
  drafts: MessageDraft[];
  /** Lead times whose moment has already passed: no reminder is written for them. */
  pastLeadTimes: number[];
}

/**
 * The reminders of a session for the configured lead times (each once, longest first), except those whose
 * moment is already past. Draft unless the profile sends automatically.
 */
export async function draftReminders(
  ctx: DraftContext,
  options: { leadTimesMinutes: readonly number[]; now: Date; autoSend: boolean },
): Promise<ReminderPlan> {
  const leads = [...new Set(options.leadTimesMinutes)].sort((a, b) => b - a);
  const plan: ReminderPlan = { drafts: [], pastLeadTimes: [] };
  for (const lead of leads) {
    const scheduledTime = reminderTime(ctx.session.start, lead);
    if (scheduledTime.getTime() <= options.now.getTime()) {
      plan.pastLeadTimes.push(lead);
      continue;
    }
    plan.drafts.push(await draftReminder(ctx, lead, options.autoSend ? 'approved' : 'draft'));
  }
  return plan;
}

export function reminderTime(start: Date, leadMinutes: number): Date {
  return new Date(start.getTime() - leadMinutes * 60_000);
}

/** `medium`: a reminder moved with its session keeps the medium it was written for (perhaps changed by hand). */
export function draftReminder(
  ctx: DraftContext,
  leadMinutes: number,
  status: MessageDraft['status'],
  id = reminderRowId(ctx.session.id, leadMinutes),
  medium?: MessageMedium,
): Promise<MessageDraft> {
  return draft(
    ctx,
    'reminder',
    {
      id,
      kind: 'reminder',
      status,
      scheduledTime: reminderTime(ctx.session.start, leadMinutes),
      leadMinutes,
    },
    undefined,
    medium,
  );
}

/** The follow-up after an attended session: always a draft, for the practitioner to read before it goes. */
export function draftFollowUp(ctx: DraftContext, options: { delayMinutes: number }): Promise<MessageDraft> {
  return draft(ctx, 'followUp', {
    id: followUpRowId(ctx.session.id),
    kind: 'followUp',
    status: 'draft',
    scheduledTime: new Date(ctx.session.end.getTime() + options.delayMinutes * 60_000),
  });
}

/**
 * The notice that a session is cancelled, due now. The practice's Type choice knows only Reminder and
 * Follow-up (a real environment refuses other values), so the row is a follow-up to the session.
 */
export function draftCancellationNotice(
  ctx: DraftContext,
  options: { now: Date; approved: boolean },
): Promise<MessageDraft> {
  return draft(ctx, 'cancellation', {
    id: cancellationNoticeRowId(ctx.session.id),
    kind: 'followUp',
    status: options.approved ? 'approved' : 'draft',
    scheduledTime: options.now,
  });
}

/**
 * The mail with the link where the client pays the session's fee (a Stripe Checkout Session), approved and due
 * now: the practitioner confirmed the charge, which is what sends it. Its row is a follow-up to the session, as
 * the practice's Type choice knows no other kind.
 */
export function draftPaymentLink(
  ctx: DraftContext,
  options: { checkoutSessionId: string; payment: MessagePayment; now: Date },
): Promise<MessageDraft> {
  return draft(
    ctx,
    'paymentLink',
    {
      id: paymentLinkRowId(ctx.session.id, options.checkoutSessionId),
      kind: 'followUp',
      status: 'approved',
      scheduledTime: options.now,
    },
    options.payment,
    // By e-mail whatever the client prefers: Charge Session's question names the mail and the mailbox it leaves from.
    'email',
  );
}
