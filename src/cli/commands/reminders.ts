// `lc reminders status|plan|send|channel|mark-sent|send-again`: the practitioner's reminders from the terminal.
// Status groups them by the editor's rule (Due Now, Needs a Check with each one's id and what to check, Needs
// Approval, Scheduled, Failed with the error that put them there, Sent) with a count for each; plan is the dry run (every message that would leave, with totals); send asks
// once naming the count and the profile (with --id only the chosen reminders, due or not), then sends through the core's exactly-once sender with progress
// on stderr, and stops cleanly on Ctrl+C (what was claimed is recovered by the next run).
import { Command } from 'commander';
import { systemClock, type Clock } from '../../core/clock';
import { resolveTables } from '../../core/practice';
import {
  groupReminders,
  loadReminders,
  REMINDER_GROUP_TITLES,
  REMINDER_VIEW_GROUP_ORDER,
  type Reminder,
  type ReminderGroupName,
} from '../../core/reminders';
import { verb } from '../action';
import { withClient } from './dv';
import { chosenIds, collectIds } from './chosenReminders';
import { markSentVerb, sendAgainVerb } from './reminderCheck';
import { setChannelVerb } from './reminderChannel';
import { planReminders, renderPlan, sendReminders } from './reminderSending';

/** One reminder as `--json` prints it. */
export interface ListedReminder {
  id: string;
  kind: Reminder['kind'];
  status: Reminder['status'];
  client: string | null;
  email: string | null;
  subject: string;
  scheduledTime: string;
  sentTime: string | null;
  attempts: number;
  /** Why the last try failed; set on Failed reminders and on ones that will be tried again. */
  lastError: string | null;
  sessionId: string | null;
}

/** `lc reminders status --json`: one document (../shared/INTERFACES.md §3). */
export interface RemindersStatus {
  profile: string;
  now: string;
  counts: Record<ReminderGroupName, number>;
  groups: Record<ReminderGroupName, ListedReminder[]>;
}

const ID_HELP =
  'only these reminders, due or not, as Send Now in the editor (approved or left in sending; the others are reported skipped): ids comma-separated, or --id repeated';

/** Human output lists at most this many reminders a group; the count says how many there are. */
const SHOWN_A_GROUP = 20;

function listed(r: Reminder): ListedReminder {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    client: r.clientName ?? null,
    email: r.email ?? null,
    subject: r.subject,
    scheduledTime: r.scheduledTime.toISOString(),
    sentTime: r.sentTime?.toISOString() ?? null,
    attempts: r.attempts,
    lastError: r.lastError ?? null,
    sessionId: r.sessionId ?? null,
  };
}

export function remindersStatus(reminders: readonly Reminder[], now: Date, profile: string): RemindersStatus {
  const grouped = groupReminders(reminders, now);
  const counts = {} as Record<ReminderGroupName, number>;
  const groups = {} as Record<ReminderGroupName, ListedReminder[]>;
  for (const name of REMINDER_VIEW_GROUP_ORDER) {
    counts[name] = grouped[name].length;
    groups[name] = grouped[name].map(listed);
  }
  return { profile, now: now.toISOString(), counts, groups };
}

function localWhen(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

function reminderLine(r: ListedReminder, group: ReminderGroupName): string {
  const when = localWhen(group === 'sent' && r.sentTime ? r.sentTime : r.scheduledTime);
  const who = (r.client ?? r.email ?? '(no recipient)').padEnd(24);
  const kind = r.kind === 'followUp' ? 'follow-up' : 'reminder';
  const sending = r.status === 'sending' ? ' (sending)' : '';
  return `  ${when}  ${who} ${kind.padEnd(9)} ${r.subject}${sending}`;
}

export function renderStatus(status: RemindersStatus): string {
  const lines = [`Reminders of profile ${status.profile}`];
  for (const group of REMINDER_VIEW_GROUP_ORDER) {
    const members = status.groups[group];
    lines.push(`${REMINDER_GROUP_TITLES[group]} (${status.counts[group]})`);
    for (const r of members.slice(0, SHOWN_A_GROUP)) {
      lines.push(reminderLine(r, group));
      if (group === 'failed') {
        const tries = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
        lines.push(`      ${tries}: ${r.lastError ?? 'no error was recorded'}`);
      }
      if (group === 'needsCheck') {
        // The id is what the two verbs that settle it take; the reason says what to check first.
        lines.push(`      ${r.lastError ?? 'Check whether the client got it.'}`);
        lines.push(`      lc reminders mark-sent ${r.id}   or   lc reminders send-again ${r.id}`);
      }
    }
    if (members.length > SHOWN_A_GROUP) lines.push(`  … ${members.length - SHOWN_A_GROUP} more (--json lists all)`);
  }
  return lines.join('\n');
}

export function remindersCommand(clock: Clock = systemClock): Command {
  const reminders = new Command('reminders').description('Reminders and follow-ups: what is due, what failed, sending');
  reminders
    .command('status')
    .description(
      'Count and list reminders as the Reminders view groups them; Failed ones with their error, Needs a Check ones with their id and what to check',
    )
    .action(
      verb(async (ctx) => {
        const tables = resolveTables(ctx.runtime.loaded.config.tables);
        const now = new Date(clock.now());
        const status = await withClient(ctx, async (dv, connection) =>
          remindersStatus(await loadReminders(dv, tables, now, ctx.signal), now, connection.profile.name),
        );
        ctx.out.result(status, () => renderStatus(status));
      }),
    );
  reminders
    .command('plan')
    .description(
      'The dry run: every message a send would let leave now (recipient, subject, body, session, mailbox), with totals',
    )
    .option('--id <ids>', ID_HELP, collectIds)
    .action(
      verb(async (ctx) => {
        const plan = await planReminders(ctx, clock, chosenIds(ctx.options));
        ctx.out.result(plan, () => renderPlan(plan));
      }),
    );
  reminders
    .command('send')
    .description(
      "Send every due reminder through its channel (Graph, SMTP, SendGrid, SMS), exactly as safely as each allows, at each sender's pace (asks first; --yes confirms)",
    )
    .option('--id <ids>', ID_HELP, collectIds)
    .action(verb((ctx) => sendReminders(ctx, clock, chosenIds(ctx.options))));
  reminders
    .command('channel')
    .description(
      'Move one draft or approved reminder to e-mail or SMS, rewritten from the templates for it (asks first; --yes confirms)',
    )
    .argument('<id>', 'the reminder id')
    .argument('<channel>', 'email or sms')
    .action(verb((ctx, id: string, channel: string) => setChannelVerb(ctx, id, channel)));
  reminders
    .command('mark-sent')
    .description(
      'Record a reminder waiting in Needs a Check as sent, once you checked that the client got it (asks first; --yes confirms)',
    )
    .argument('<id>', 'the reminder id, as lc reminders status lists it under Needs a Check')
    .action(verb((ctx, id: string) => markSentVerb(ctx, id, clock)));
  reminders
    .command('send-again')
    .description(
      'Send a reminder waiting in Needs a Check again, now, through its channel: the client may get it twice (always asks, naming the profile and the recipient; --yes confirms)',
    )
    .argument('<id>', 'the reminder id, as lc reminders status lists it under Needs a Check')
    .action(verb((ctx, id: string) => sendAgainVerb(ctx, id, clock)));
  return reminders;
}
