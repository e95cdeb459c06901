// `lc reminders send --id` and `lc reminders plan --id`: the reminders a person chose, as the editor's Send Now
// takes them (due or not, as long as they are approved or left in sending). The ids are checked before any
// request (a GUID each, exit 10 otherwise) and each named once; a chosen reminder the sender will not take (a
// draft, already sent, claimed by another run meanwhile, no such id) is reported as skipped with the reason,
// as the editor's Send Now sends nothing for it and says so, while the others are sent.
import { z } from 'zod';
import { isGuid } from '../../core/dataverse';
import { NotFoundError } from '../../core/errors';
import type { TableMapping } from '../../core/practice';
import { readMessage, type Reminder, type ReminderActionDeps, type SendReportItem } from '../../core/reminders';
import { parseFlags } from '../flags';

/** Commander's collector for a repeatable `--id`: every value given, in order (split and checked later). */
export function collectIds(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** One `--id` value: one or more ids, comma-separated (`a, b,,c` as commaList reads it), each a GUID. */
const idList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().refine(isGuid, 'expected reminder ids (GUIDs, as lc reminders status --json lists them)'))
      .min(1, 'expected one or more reminder ids, comma-separated or --id repeated'),
  );

const chosenIdsSchema = z.object({
  id: z
    .array(idList)
    .transform((lists) => lists.flat())
    .optional(),
});

/**
 * The ids of `--id` (repeated, or comma-separated), each once whatever its case, or undefined when none was
 * given (every due reminder). A malformed one is a validation error (exit 10) before any request.
 */
export function chosenIds(options: Record<string, unknown>): string[] | undefined {
  const { id } = parseFlags(chosenIdsSchema, { id: options.id });
  if (id === undefined) return undefined;
  const seen = new Map<string, string>();
  for (const one of id) if (!seen.has(one.toLowerCase())) seen.set(one.toLowerCase(), one);
  return [...seen.values()];
}

/** The ids of `chosen` that `taken` lacks (compared without case), in the order chosen. */
export function idsLeftOut(chosen: readonly string[], taken: Iterable<string>): string[] {
  const have = new Set([...taken].map((id) => id.toLowerCase()));
  return chosen.filter((id) => !have.has(id.toLowerCase()));
}

const STATUS_WORDS: Record<Reminder['status'], string> = {
  draft: 'a draft: approve it first',
  approved: 'approved',
  sending: 'being sent by another run, which sends it once',
  sent: 'already sent',
  failed: 'failed (`lc reminders status` shows why)',
  cancelled: 'cancelled',
  needsCheck: 'waiting in Needs a Check (`lc reminders mark-sent` or `lc reminders send-again`)',
};

/** Why a chosen reminder does not leave with this run, from the row as it is now (none: no such reminder). */
export function skipReason(reminder: Reminder | undefined, id: string, profile: string): string {
  if (!reminder) return `No reminder ${id} in profile ${profile}: nothing was sent.`;
  return `It is ${STATUS_WORDS[reminder.status]}, so this run does not send it.`;
}

/** The report item of a chosen reminder that this run does not send. */
export function skippedItem(reminder: Reminder | undefined, id: string, profile: string): SendReportItem {
  const recipient = reminder ? ((reminder.channel === 'sms' ? reminder.phone : reminder.email) ?? '') : '';
  return {
    reminderId: reminder?.id ?? id,
    recipient,
    subject: reminder?.subject ?? '',
    outcome: 'skipped',
    error: skipReason(reminder, id, profile),
  };
}

/** The chosen reminders a run leaves out, each read as it is now to say why. */
export async function skippedItems(
  dv: ReminderActionDeps['dataverse'],
  tables: TableMapping,
  ids: readonly string[],
  profile: string,
  signal: AbortSignal,
): Promise<SendReportItem[]> {
  const items: SendReportItem[] = [];
  for (const id of ids) {
    let reminder: Reminder | undefined;
    try {
      reminder = (await readMessage(dv, tables, id, signal)).reminder;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    items.push(skippedItem(reminder, id, profile));
  }
  return items;
}
