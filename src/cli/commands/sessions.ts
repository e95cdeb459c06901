// `lc sessions list`: the practitioner's sessions from the terminal, read by the same loader and grouped
// by the same rule as the editor's Sessions tree (Today, This Week, Later, Needs Attention), by the
// local day of the injected clock's now. `lc sessions new` books one (see sessionCreate.ts).
import { Command } from 'commander';
import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock';
import { resolveTables } from '../../core/practice';
import {
  groupSessions,
  loadSessions,
  SESSION_GROUP_ORDER,
  SESSION_GROUP_TITLES,
  type NeedsAttention,
  type Session,
} from '../../core/sessions';
import { verb } from '../action';
import { parseFlags } from '../flags';
import { createSessionVerb, DEFAULT_DURATION_MINUTES, newSessionFlags } from './sessionCreate';
import { withClient } from './dv';

/** The groups listed, in the order printed; past sessions that need nothing are left out, as the tree collapses them. */
export type ListedGroup = 'today' | 'thisWeek' | 'later' | 'needsAttention';

/** The groups printed, in the tree's order; Past is left out. */
const LISTED_GROUPS = SESSION_GROUP_ORDER.filter((group): group is ListedGroup => group !== 'past');

const STATUS_WORDS: Record<Session['status'], string> = {
  scheduled: 'scheduled',
  attended: 'attended',
  noShow: 'no-show',
  canceled: 'canceled',
};

/** One session as `--json` prints it (../shared/INTERFACES.md §3: one document, an array). */
export interface ListedSession {
  id: string;
  start: string;
  end: string;
  client: string | null;
  status: Session['status'];
  payment: Session['payment'];
  group: ListedGroup;
  /** Why it needs attention, when it does (a session of today may need it too). */
  attention: NeedsAttention['reason'] | null;
}

const listFlags = z
  .object({ today: z.boolean().optional(), week: z.boolean().optional() })
  .refine((f) => !(f.today && f.week), { message: 'use --today or --week, not both' });

type Range = 'all' | 'today' | 'week';

/** The sessions of each listed group, each session once: a time group first, Needs Attention for past ones. */
export function listSessions(sessions: readonly Session[], now: Date, range: Range): ListedSession[] {
  const groups = groupSessions(sessions, now);
  const attention = new Map(groups.needsAttention.map((n) => [n.session.id, n.reason]));
  const listed = (session: Session, group: ListedGroup): ListedSession => ({
    id: session.id,
    start: session.start.toISOString(),
    end: session.end.toISOString(),
    client: session.clientName ?? null,
    status: session.status,
    payment: session.payment,
    group,
    attention: attention.get(session.id) ?? null,
  });
  const timed = new Set([...groups.today, ...groups.thisWeek, ...groups.later].map((s) => s.id));
  const out = groups.today.map((s) => listed(s, 'today'));
  if (range === 'today') return out;
  out.push(...groups.thisWeek.map((s) => listed(s, 'thisWeek')));
  if (range === 'week') return out;
  out.push(...groups.later.map((s) => listed(s, 'later')));
  out.push(
    ...groups.needsAttention.filter((n) => !timed.has(n.session.id)).map((n) => listed(n.session, 'needsAttention')),
  );
  return out;
}

function localWhen(iso: string, group: ListedGroup): string {
  return new Date(iso).toLocaleString(undefined, {
    ...(group === 'today' ? {} : { weekday: 'short', day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

function paymentWord(s: ListedSession): string {
  if (s.attention === 'unpaid') return `${s.payment} · needs payment`;
  if (s.attention === 'stillScheduled') return `${s.payment} · still scheduled`;
  if (s.attention === 'noNote') return `${s.payment} · no note`;
  return s.payment;
}

export function renderSessions(listed: readonly ListedSession[]): string {
  if (listed.length === 0) return 'No sessions.';
  const lines: string[] = [];
  for (const group of LISTED_GROUPS) {
    const members = listed.filter((s) => s.group === group);
    if (members.length === 0) continue;
    lines.push(`${SESSION_GROUP_TITLES[group]} (${members.length})`);
    for (const s of members)
      lines.push(
        `  ${localWhen(s.start, group)}  ${(s.client ?? '(no client)').padEnd(24)} ${STATUS_WORDS[s.status].padEnd(10)} ${paymentWord(s)}`,
      );
  }
  return lines.join('\n');
}

export function sessionsCommand(clock: Clock = systemClock): Command {
  const sessions = new Command('sessions').description("Sessions: the practitioner's day and week");
  sessions
    .command('list')
    .description('List sessions grouped as the Sessions view: Today, This Week, Later, Needs Attention')
    .option('--today', "only today's sessions")
    .option('--week', "only this week's sessions, from today")
    .action(
      verb(async (ctx) => {
        const flags = parseFlags(listFlags, { today: ctx.options.today, week: ctx.options.week });
        const range: Range = flags.today ? 'today' : flags.week ? 'week' : 'all';
        const tables = resolveTables(ctx.runtime.loaded.config.tables);
        const now = new Date(clock.now());
        const loaded = await withClient(ctx, (dv) => loadSessions(dv, tables, now, ctx.signal));
        const listed = listSessions(loaded, now, range);
        ctx.out.result(listed, () => renderSessions(listed));
      }),
    );
  sessions
    .command('new')
    .description(
      'Book a session: the appointment, its reminders for the configured lead times, optionally the Outlook event',
    )
    .requiredOption('--client <id-or-email>', "the client's id, or their e-mail address")
    .requiredOption('--start <date-time>', 'when it starts: 2026-12-03T10:00 (local time) or with a zone')
    .option('--duration <minutes>', `how long, in minutes (default ${DEFAULT_DURATION_MINUTES})`)
    .option('--fee <amount>', 'the fee, such as 90 or 90.50')
    .option('--location <text>', 'where it takes place')
    .option('--subject <text>', 'the appointment subject (default "Session – <client>")')
    .option('--outlook-event', "also put it in the profile mailbox's Outlook calendar")
    .option('--id <guid>', 'the id a previous run printed: completes an interrupted create, never a second session')
    .action(
      verb(async (ctx) => {
        const { client, start, duration, fee, location, subject, outlookEvent, id } = ctx.options;
        const flags = parseFlags(newSessionFlags, {
          client,
          start,
          duration,
          fee,
          location,
          subject,
          outlookEvent,
          id,
        });
        await createSessionVerb(ctx, clock, flags);
      }),
    );
  return sessions;
}
