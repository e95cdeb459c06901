// Renders the messages an action is about to write, all of them before anything is saved: a template that
// names a missing variable (or a client whose language or time zone is not a real one) fails the action
// with nothing written, never a blank in a client's mail. Each message is rendered in the client's
// language and time zone when the client's record has them, else the practice's.
import { NotFoundError } from '../../errors';
import type { Session } from '../../sessions';
import type { TableMapping } from '../../practice';
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

/** A client as messages need them: who, where to write, in which language and time zone. */
export interface ClientRecord extends MessageClient {
  id: string;
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
      select: [t.primaryId, c.fullName, c.firstName, c.lastName, c.email, c.language, c.timeZone],
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
    language: text(c.language),
    timeZone: text(c.timeZone),
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
): Promise<MessageDraft> {
  const rendered = await renderMessage(
    { kind: template, session: ctx.session, client: ctx.client, practitioner: ctx.practitioner, payment },
    ctx.templates,
  );
  return {
    ...fields,
    subject: rendered.subject,
    text: rendered.body,
    clientId: ctx.client.id,
    clientName: ctx.client.name,
    email: ctx.client.email ?? '',
    sessionId: ctx.session.id,
    template: rendered.template,
  };
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

export function draftReminder(
  ctx: DraftContext,
  leadMinutes: number,
  status: MessageDraft['status'],
  id = reminderRowId(ctx.session.id, leadMinutes),
): Promise<MessageDraft> {
  return draft(ctx, 'reminder', {
    id,
    kind: 'reminder',
    status,
    scheduledTime: reminderTime(ctx.session.start, leadMinutes),
    leadMinutes,
  });
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
  );
}
