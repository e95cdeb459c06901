// What a practitioner does to one reminder or follow-up: approve it, skip it, edit its subject or text, retry
// it after it failed. Each reads the row and writes under its ETag, so when the sender (or anyone) changed the
// row in between, for instance by claiming it for sending, the write is refused and the caller hears a
// ConflictError naming what the row is now: never a silent overwrite of a row in flight. Asking again for
// what is already so (approving an approved reminder) changes nothing, so a repeated action is harmless.
// Change Channel renders the message again for the other medium; Mark as Sent and Send Again settle a
// reminder that waits for a person's check after a hand-over nobody could confirm.
import type { Row } from '../../dataverse';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { Logger } from '../../log';
import { MESSAGE_CHANNEL, MESSAGE_STATUS, type TableMapping } from '../../practice';
import { sessionFromRow, sessionRowColumns } from '../../sessions';
import type { Reminder, ReminderStatus } from '../reminder';
import {
  cancellationNoticeRowId,
  followUpRowId,
  readClient,
  readMessage,
  redraftFor,
  type MessageMedium,
  type PracticeRecords,
  type StoredMessage,
} from '../schedule';
import type { MessageKind, MessagePractitioner, Templates } from '../templates';

export interface ReminderActionDeps {
  dataverse: PracticeRecords;
  tables: TableMapping;
  log: Logger;
}

export interface ReminderActionOptions {
  signal?: AbortSignal;
  /**
   * The ETag of the row as the caller showed it (an editor opened minutes ago): when the row has changed
   * since, the action is refused rather than applied to something the person has not seen.
   */
  etag?: string;
}

export interface ReminderActionResult {
  reminder: Reminder;
  /** False when the row already was as asked (a repeated action). */
  changed: boolean;
}

type Decision = Row | 'unchanged';
type Decide = (stored: StoredMessage) => Decision | Promise<Decision>;

const STATUS_WORDS: Record<ReminderStatus, string> = {
  draft: 'a draft',
  approved: 'approved',
  sending: 'being sent',
  sent: 'sent',
  failed: 'failed',
  cancelled: 'cancelled',
  needsCheck: 'waiting for you to check whether it was sent',
};

function named(reminder: Reminder): string {
  const kind = reminder.kind === 'followUp' ? 'follow-up' : 'reminder';
  return `The ${kind} "${reminder.subject}"${reminder.clientName ? ` to ${reminder.clientName}` : ''}`;
}

/** The row's status does not allow the action: say what it is and what can be done. */
function refused(reminder: Reminder, action: string, hint: string): ConflictError {
  return new ConflictError(
    `${named(reminder)} is ${STATUS_WORDS[reminder.status]}, so it cannot be ${action}. ${hint}`,
    {
      code: 'reminders.notAllowed',
      detail: { reminderId: reminder.id, status: reminder.status, action },
    },
  );
}

async function changeReminder(
  deps: ReminderActionDeps,
  id: string,
  action: string,
  decide: Decide,
  options: ReminderActionOptions,
): Promise<ReminderActionResult> {
  const stored = await readMessage(deps.dataverse, deps.tables, id, options.signal);
  if (options.etag !== undefined && stored.etag !== undefined && options.etag !== stored.etag) {
    throw changedMeanwhile(stored.reminder, action);
  }
  const change = await decide(stored);
  if (change === 'unchanged') return { reminder: stored.reminder, changed: false };
  try {
    await deps.dataverse.update(deps.tables.scheduledMessage.entitySet, id, change, {
      ...(stored.etag === undefined ? {} : { ifMatch: stored.etag }),
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw await conflictNamingNow(deps, stored.reminder, action, error, options.signal);
  }
  const after = await readMessage(deps.dataverse, deps.tables, id, options.signal);
  deps.log.info(`reminder ${action}`, { reminderId: id, status: after.reminder.status });
  return { reminder: after.reminder, changed: true };
}

function changedMeanwhile(now: Reminder, action: string, cause?: unknown): ConflictError {
  return new ConflictError(
    `${named(now)} changed while it was being ${action} (it is now ${STATUS_WORDS[now.status]}), so nothing was changed. Look at it again and retry.`,
    { code: 'reminders.changed', detail: { reminderId: now.id, status: now.status, action }, cause },
  );
}

/** The write met a changed row: read it again so the message says what it has become (claimed, sent, …). */
async function conflictNamingNow(
  deps: ReminderActionDeps,
  before: Reminder,
  action: string,
  error: ConflictError,
  signal?: AbortSignal,
): Promise<ConflictError> {
  try {
    return changedMeanwhile(
      (await readMessage(deps.dataverse, deps.tables, before.id, signal)).reminder,
      action,
      error,
    );
  } catch (readError) {
    deps.log.debug('could not read a reminder again after a conflict', { reminderId: before.id, error: readError });
    return changedMeanwhile(before, action, error);
  }
}

function status(deps: ReminderActionDeps, value: ReminderStatus): Row {
  return { [deps.tables.scheduledMessage.columns.status]: MESSAGE_STATUS[value] };
}

/** Draft → approved: the sender may send it once it is due. */
export function approveReminder(
  deps: ReminderActionDeps,
  id: string,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  return changeReminder(
    deps,
    id,
    'approved',
    ({ reminder }) => {
      if (reminder.status === 'approved') return 'unchanged';
      if (reminder.status === 'draft') return status(deps, 'approved');
      throw refused(
        reminder,
        'approved',
        reminder.status === 'failed' ? 'Retry it instead.' : 'Nothing is left to approve.',
      );
    },
    options,
  );
}

/** Draft, approved or failed → cancelled: it will not be sent. */
export function skipReminder(
  deps: ReminderActionDeps,
  id: string,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  return changeReminder(
    deps,
    id,
    'skipped',
    ({ reminder }) => {
      if (reminder.status === 'cancelled') return 'unchanged';
      if (reminder.status === 'sending' || reminder.status === 'sent') {
        throw refused(reminder, 'skipped', 'It has left or is leaving the mailbox.');
      }
      return status(deps, 'cancelled');
    },
    options,
  );
}

export interface ReminderEdit {
  subject?: string;
  /** The body, HTML as the templates write it. */
  text?: string;
}

/** A new subject or text, as long as nobody has started sending it. */
export function editReminder(
  deps: ReminderActionDeps,
  id: string,
  edit: ReminderEdit,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  const t = deps.tables.scheduledMessage;
  const subject = edit.subject?.replace(/\s+/g, ' ').trim();
  if (subject === '') {
    throw new ValidationError('A message needs a subject. Write one, or skip the message.', {
      code: 'reminders.emptySubject',
    });
  }
  return changeReminder(
    deps,
    id,
    'edited',
    (stored) => {
      const { reminder } = stored;
      if (reminder.status === 'sending' || reminder.status === 'sent') {
        throw refused(reminder, 'edited', 'What was sent stays as it was.');
      }
      const change: Row = {};
      if (subject !== undefined && subject !== reminder.subject) {
        Object.assign(change, { [t.columns.subject]: subject, [t.primaryName]: subject.slice(0, 200) });
      }
      if (edit.text !== undefined && edit.text !== stored.text) change[t.columns.text] = edit.text;
      return Object.keys(change).length === 0 ? 'unchanged' : change;
    },
    options,
  );
}

/**
 * Failed → approved with its attempts counted from zero, so the sender tries it again. The recorded Graph
 * message id stays: the sender looks for that message before making another, so a retry never sends twice.
 */
export function retryReminder(
  deps: ReminderActionDeps,
  id: string,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  const c = deps.tables.scheduledMessage.columns;
  return changeReminder(
    deps,
    id,
    'retried',
    ({ reminder }) => {
      if (reminder.status === 'approved' && reminder.attempts === 0) return 'unchanged';
      if (reminder.status !== 'failed') throw refused(reminder, 'retried', 'Only a failed message is retried.');
      return { ...status(deps, 'approved'), [c.attempts]: 0, [c.lastError]: null };
    },
    options,
  );
}

/** Needs a check → sent: the practitioner saw that it arrived (the recipient has it, or the service's log says so). */
export function markReminderSent(
  deps: ReminderActionDeps & { clock: { now(): number } },
  id: string,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  const c = deps.tables.scheduledMessage.columns;
  return changeReminder(
    deps,
    id,
    'marked as sent',
    ({ reminder }) => {
      if (reminder.status === 'sent') return 'unchanged';
      if (reminder.status !== 'needsCheck') {
        throw refused(reminder, 'marked as sent', 'Only a message that waits for a check is marked by hand.');
      }
      return {
        ...status(deps, 'sent'),
        [c.sent]: true,
        [c.sentTime]: new Date(deps.clock.now()).toISOString(),
        [c.lastError]: null,
      };
    },
    options,
  );
}

/**
 * Needs a check → approved, as a new message: its first attempt, recorded id and delivery report are cleared,
 * so the sender hands it over afresh under a new stable id (a service does not take it for a repeat). The
 * client may get it twice; the editor's question says so before this runs.
 */
export function sendReminderAgain(
  deps: ReminderActionDeps,
  id: string,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  const c = deps.tables.scheduledMessage.columns;
  return changeReminder(
    deps,
    id,
    'sent again',
    ({ reminder }) => {
      if (reminder.status !== 'needsCheck') {
        throw refused(reminder, 'sent again', 'Only a message that waits for a check is sent again by hand.');
      }
      return {
        ...status(deps, 'approved'),
        [c.attempts]: 0,
        [c.lastError]: null,
        [c.firstAttempt]: null,
        [c.graphMessageId]: null,
        [c.deliveryStatus]: null,
      };
    },
    options,
  );
}

/** What Change Channel needs besides the rows: the templates and who signs the messages. */
export interface ReminderChannelDeps extends ReminderActionDeps {
  templates: Templates;
  practitioner: MessagePractitioner;
}

/**
 * A draft or approved reminder (or follow-up, or cancellation notice) moved to another medium: rendered again
 * from the templates for it (an SMS: plain text, no subject), with the client's phone, and written under the
 * ETag it was read with, so a sender's claim in between wins and nothing is overwritten.
 */
export function setReminderChannel(
  deps: ReminderChannelDeps,
  id: string,
  channel: MessageMedium,
  options: ReminderActionOptions = {},
): Promise<ReminderActionResult> {
  const t = deps.tables.scheduledMessage;
  return changeReminder(
    deps,
    id,
    'moved to another channel',
    async ({ reminder }) => {
      if (reminder.status !== 'draft' && reminder.status !== 'approved') {
        throw refused(reminder, 'moved to another channel', 'Only a draft or approved message changes its channel.');
      }
      if ((reminder.channel ?? 'email') === channel) return 'unchanged';
      const { session, template } = await whatWasRendered(deps, reminder, options.signal);
      const client = await readClient(deps.dataverse, deps.tables, session.clientId as string, options.signal);
      if (channel === 'sms' && client.phone === undefined) {
        throw new ValidationError(
          `${client.name} has no phone number, so the message cannot go by SMS. Add the number (E.164, e.g. +447700900123) to the client's record first.`,
          { code: 'reminders.noPhone', detail: { reminderId: id } },
        );
      }
      if (channel === 'email' && client.email === undefined) {
        throw new ValidationError(
          `${client.name} has no e-mail address, so the message cannot go by e-mail. Add the address to the client's record first.`,
          { code: 'reminders.noEmail', detail: { reminderId: id } },
        );
      }
      const draft = await redraftFor(
        { session, client, practitioner: deps.practitioner, templates: deps.templates },
        channel,
        {
          id,
          kind: reminder.kind,
          template,
          status: reminder.status === 'approved' ? 'approved' : 'draft',
          scheduledTime: reminder.scheduledTime,
        },
      );
      return {
        [t.columns.channel]: MESSAGE_CHANNEL[channel],
        [t.columns.subject]: draft.subject,
        [t.primaryName]: (draft.subject || draft.text).slice(0, 200),
        [t.columns.text]: draft.text,
        [t.columns.phone]: client.phone ?? null,
        [t.columns.email]: client.email ?? null,
      };
    },
    options,
  );
}

/** The session a message is about, and the template it was written from (told by the row's derived id). */
async function whatWasRendered(deps: ReminderChannelDeps, reminder: Reminder, signal?: AbortSignal) {
  const cannot = (why: string) =>
    new ValidationError(`${named(reminder)} cannot be moved to another channel: ${why}`, {
      code: 'reminders.cannotRedraft',
      detail: { reminderId: reminder.id },
    });
  if (!reminder.sessionId) throw cannot('it belongs to no session, so it cannot be written again.');
  const s = deps.tables.session;
  const select = [s.primaryId, ...Object.keys(sessionRowColumns(deps.tables)).filter((name) => !name.includes('@'))];
  let session;
  try {
    const { row } = await deps.dataverse.get(s.entitySet, reminder.sessionId, { select, formatted: true, signal });
    session = sessionFromRow(row, deps.tables);
  } catch (error) {
    if (error instanceof NotFoundError) throw cannot('its session no longer exists.');
    throw error;
  }
  if (!session.clientId) throw cannot('its session names no client.');
  const id = reminder.id.toLowerCase();
  let template: MessageKind;
  if (reminder.kind === 'reminder') template = 'reminder';
  else if (id === followUpRowId(session.id)) template = 'followUp';
  else if (id === cancellationNoticeRowId(session.id)) template = 'cancellation';
  else
    throw cannot(
      'it was not written from a template it can be written again from (a payment link, or another tool’s message). Skip it and write a new one.',
    );
  return { session, template };
}
