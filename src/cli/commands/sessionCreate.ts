// `lc sessions new`: a session from the terminal through the core's createSession (the appointment row,
// its reminders for the configured lead times rendered from the workspace's templates, and optionally
// the Outlook event). The client is named by id or e-mail; the start is a local date and time. It asks
// once on a terminal (--yes confirms; no terminal and no --yes: exit 11, nothing saved), and the id it
// prints can be given again with --id to finish an interrupted create without a second session.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../core/clock';
import { filters, isGuid, type DataverseClient } from '../../core/dataverse';
import { ValidationError } from '../../core/errors';
import { actorOfState } from '../../core/auth';
import { auditEffect } from '../../core/log';
import { resolveTables, type TableMapping } from '../../core/practice';
import { loadTemplates, readClient, WORKSPACE_TEMPLATES_FOLDER, type ClientRecord } from '../../core/reminders';
import { createSession, type CreatedSession } from '../../core/booking';
import { confirmEffect, type VerbContext } from '../action';
import type { Connection } from '../connect';
import { integerIn } from '../flags';
import { withClient } from './dv';

/** A session length when --duration is not given: the common therapy hour. */
export const DEFAULT_DURATION_MINUTES = 50;

/**
 * `2026-12-03T10:00` or `2026-12-03 10:00` (local time), or with seconds (and milliseconds, as `lc sessions list
 * --json` prints them) and a zone (`Z`, `+01:00`).
 */
const startFlag = z
  .string()
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/,
    'expected a date and time such as 2026-12-03T10:00 (local time) or 2026-12-03T09:00Z',
  )
  .transform((text) => new Date(text.replace(' ', 'T')))
  .refine((date) => !Number.isNaN(date.getTime()), 'expected a real date and time');

/** `90` or `90.50`, in the practice's currency: the session row keeps cents. */
const feeFlag = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, 'expected an amount such as 90 or 90.50')
  .transform((text) => Math.round(Number(text) * 100));

export const newSessionFlags = z.object({
  client: z.string().trim().min(1, 'expected a client id or e-mail address'),
  start: startFlag,
  duration: integerIn(5, 24 * 60, 'expected whole minutes from 5 to 1440').optional(),
  fee: feeFlag.optional(),
  location: z.string().trim().min(1).max(200).optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  outlookEvent: z.boolean().optional(),
  id: z.string().refine(isGuid, 'expected the session id a previous run printed (a GUID)').optional(),
});
export type NewSessionFlags = z.infer<typeof newSessionFlags>;

/** `lc sessions new --json`: one document. */
export interface NewSessionDocument {
  session: {
    id: string;
    subject: string;
    clientId: string | null;
    client: string | null;
    start: string;
    end: string;
    feeCents: number | null;
    location: string | null;
  };
  reminders: Array<{ id: string; kind: string; status: string; scheduledTime: string; subject: string }>;
  /** Lead times already past at the start: no reminder for them. */
  pastLeadTimes: number[];
  /** The client has no e-mail address: no reminder could be scheduled. */
  withoutEmail: boolean;
  outlookEvent?: { ok: true; id: string; iCalUId: string | null } | { ok: false; error: string };
}

/** The client by id, or by e-mail address when exactly one client has it. */
async function findClient(
  dv: DataverseClient,
  tables: TableMapping,
  named: string,
  signal: AbortSignal,
): Promise<ClientRecord> {
  if (isGuid(named)) return readClient(dv, tables, named, signal);
  if (!named.includes('@')) {
    throw new ValidationError(`--client: expected a client id (a GUID) or e-mail address, not "${named}".`, {
      code: 'cli.invalidOption',
    });
  }
  const t = tables.client;
  const matches: string[] = [];
  for await (const row of dv.query(t.entitySet, {
    select: [t.primaryId],
    filter: filters.eq(t.columns.email, named),
    top: 2,
    signal,
  })) {
    matches.push(String(row[t.primaryId]));
  }
  if (matches.length !== 1) {
    throw new ValidationError(
      matches.length === 0
        ? `No client has the e-mail address ${named}: check it, or name the client by id.`
        : `More than one client has the e-mail address ${named}: name the client by id.`,
      { code: matches.length === 0 ? 'sessions.clientNotFound' : 'sessions.clientAmbiguous' },
    );
  }
  return readClient(dv, tables, matches[0], signal);
}

function localWhen(date: Date): string {
  return date.toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function document(created: CreatedSession): NewSessionDocument {
  const s = created.session;
  const event = created.outlookEvent;
  return {
    session: {
      id: s.id,
      subject: s.subject,
      clientId: s.clientId ?? null,
      client: s.clientName ?? null,
      start: s.start.toISOString(),
      end: s.end.toISOString(),
      feeCents: s.feeCents ?? null,
      location: s.location ?? null,
    },
    reminders: created.reminders.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      scheduledTime: r.scheduledTime.toISOString(),
      subject: r.subject,
    })),
    pastLeadTimes: created.pastLeadTimes,
    withoutEmail: created.withoutEmail,
    ...(event === undefined
      ? {}
      : {
          outlookEvent: event.ok
            ? { ok: true as const, id: event.id, iCalUId: event.iCalUId ?? null }
            : { ok: false as const, error: event.error.message },
        }),
  };
}

export function renderNewSession(doc: NewSessionDocument): string {
  const s = doc.session;
  const lines = [
    `Created session ${s.id}: ${s.client ?? '(no client)'}, ${localWhen(new Date(s.start))}–${new Date(s.end).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}${s.feeCents === null ? '' : `, fee ${money(s.feeCents)}`}`,
  ];
  for (const r of doc.reminders)
    lines.push(
      `  ${r.kind === 'followUp' ? 'follow-up' : 'reminder'} ${r.status} for ${localWhen(new Date(r.scheduledTime))}: ${r.subject}`,
    );
  if (doc.withoutEmail) lines.push('  No reminder: the client has no e-mail address.');
  if (doc.pastLeadTimes.length > 0)
    lines.push(`  No reminder for ${doc.pastLeadTimes.join(', ')} minutes before: that time is already past.`);
  if (doc.outlookEvent?.ok) lines.push('  Outlook event created.');
  return lines.join('\n');
}

/** The practitioner who signs the messages: the profile's mailbox, in this machine's time zone. */
export function practitionerOf(connection: Connection) {
  const { profile } = connection;
  return {
    name: profile.mailbox ?? profile.name,
    email: profile.mailbox,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

export async function createSessionVerb(ctx: VerbContext, clock: Clock, flags: NewSessionFlags): Promise<void> {
  const tables = resolveTables(ctx.runtime.loaded.config.tables);
  const { leadTimesMinutes, followUpDelayMinutes } = ctx.runtime.loaded.config.reminders;
  // Broken workspace templates stop here, before any question or write.
  const templates = await loadTemplates(path.join(process.cwd(), WORKSPACE_TEMPLATES_FOLDER));
  const durationMinutes = flags.duration ?? DEFAULT_DURATION_MINUTES;
  const id = flags.id ?? randomUUID();
  const created = await withClient(ctx, async (dv, connection) => {
    const client = await findClient(dv, tables, flags.client, ctx.signal);
    const fee = flags.fee === undefined ? '' : `, fee ${money(flags.fee)}`;
    const event = flags.outlookEvent ? ' and its Outlook event' : '';
    await confirmEffect(
      ctx,
      `Create a session for ${client.name} on ${localWhen(flags.start)} (${durationMinutes} min${fee}) with its reminders${event}`,
    );
    const actor = actorOfState(connection.auth.state, connection.profile);
    return auditEffect(
      ctx.runtime.hub.audit(),
      {
        actor: actor,
        profile: connection.profile.name,
        action: 'session.create',
        target: `${tables.session.entitySet}(${id})`,
      },
      () =>
        createSession(
          {
            dataverse: dv,
            tables,
            clock,
            log: ctx.runtime.hub.logger('business'),
            templates,
            practitioner: practitionerOf(connection),
            profile: connection.profile,
            settings: { leadTimesMinutes, followUpDelayMinutes },
            graph: connection.graph,
          },
          {
            id,
            clientId: client.id,
            start: flags.start,
            durationMinutes,
            ...(flags.fee === undefined ? {} : { feeCents: flags.fee }),
            ...(flags.location ? { location: flags.location } : {}),
            ...(flags.subject ? { subject: flags.subject } : {}),
            ...(flags.outlookEvent ? { outlookEvent: true } : {}),
          },
          { signal: ctx.signal },
        ),
      (made) => ({ detail: { reminders: made.reminders.length } }),
    );
  });
  const doc = document(created);
  if (doc.outlookEvent && !doc.outlookEvent.ok) {
    ctx.out.warning(`the session is saved, but its Outlook event was not created: ${doc.outlookEvent.error}`);
  }
  ctx.out.result(doc, () => renderNewSession(doc));
}
