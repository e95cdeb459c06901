// The practitioner's Outlook events in a time range, read through Graph's calendarView (occurrences of
// recurring series expanded, each with its own iCalUId), page by page through `@odata.nextLink`, with times
// asked for in UTC (`Prefer: outlook.timezone="UTC"`). Each event is checked by zod before it is used.
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { CancelledError, ExternalServiceError } from '../../errors';
import { translateGraphError } from '../../graph';

export interface CalendarEvent {
  id: string;
  iCalUId: string;
  subject: string;
  start: Date;
  end: Date;
  categories: string[];
  /**
   * The people's addresses, lower-cased: the attendees (resources left out) and the organizer, who is not
   * among the attendees when a client sent the invitation.
   */
  attendees: string[];
  location: string | undefined;
  isCancelled: boolean;
  /** The id its creator gave it so a retried POST makes no second event: New Session uses the session's id. */
  transactionId: string | undefined;
}

/** Graph answers at most this many events a page; a larger `$top` is clamped. */
const PAGE_SIZE = 100;
/** A bound on pages, so a server whose links go round in a circle cannot keep us here. */
const MAX_PAGES = 200;

const SELECT = [
  'id',
  'iCalUId',
  'subject',
  'start',
  'end',
  'categories',
  'attendees',
  'organizer',
  'location',
  'isCancelled',
  'transactionId',
];

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
const eventSchema = z.looseObject({
  id: z.string().min(1),
  iCalUId: z.string().min(1),
  subject: z.string().nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  categories: z.array(z.string()).nullish(),
  attendees: z
    .array(
      z.looseObject({
        type: z.string().nullish(),
        emailAddress: z.looseObject({ address: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
  organizer: z.looseObject({ emailAddress: z.looseObject({ address: z.string().nullish() }).nullish() }).nullish(),
  location: z.looseObject({ displayName: z.string().nullish() }).nullish(),
  isCancelled: z.boolean().nullish(),
  transactionId: z.string().nullish(),
});
const pageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullish(),
});

/** Every event of `mailbox`'s default calendar overlapping [from, to). */
export async function readCalendarView(
  graph: Client,
  mailbox: string,
  range: { from: Date; to: Date },
  signal?: AbortSignal,
): Promise<CalendarEvent[]> {
  const events: CalendarEvent[] = [];
  let request = graph
    .api(`/users/${encodeURIComponent(mailbox)}/calendarView`)
    // Graph reads a value without an offset as UTC; ISO strings carry `Z` anyway.
    .query({ startDateTime: range.from.toISOString(), endDateTime: range.to.toISOString() })
    .select(SELECT)
    .top(PAGE_SIZE);
  for (let page = 1; ; page++) {
    if (signal?.aborted) throw new CancelledError();
    let answer: unknown;
    try {
      answer = await request.header('Prefer', 'outlook.timezone="UTC"').option('signal', signal).get();
    } catch (error) {
      throw translateGraphError(error, `reading the calendar of ${mailbox}`);
    }
    const parsed = pageSchema.safeParse(answer);
    if (!parsed.success) throw unexpected(mailbox, 'a page without a value list');
    for (const item of parsed.data.value) events.push(eventFrom(item, mailbox));
    const next = parsed.data['@odata.nextLink'];
    if (!next) return events;
    if (page >= MAX_PAGES) throw unexpected(mailbox, `more than ${MAX_PAGES} pages`);
    // The link is followed as given; the Graph client sends the token only to its own origin.
    request = graph.api(next);
  }
}

function eventFrom(item: unknown, mailbox: string): CalendarEvent {
  const parsed = eventSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unexpected(
      mailbox,
      `an event whose ${issue?.path.map(String).join('.') || 'shape'} does not fit (${issue?.message})`,
    );
  }
  const e = parsed.data;
  return {
    id: e.id,
    iCalUId: e.iCalUId,
    subject: e.subject ?? '',
    start: utcInstant(e.start, mailbox),
    end: utcInstant(e.end, mailbox),
    categories: e.categories ?? [],
    attendees: [
      ...new Set(
        [...(e.attendees ?? []).filter((a) => a.type !== 'resource'), e.organizer ?? {}]
          .map((a) => a.emailAddress?.address?.trim().toLowerCase() ?? '')
          .filter((address) => address !== ''),
      ),
    ],
    location: e.location?.displayName || undefined,
    isCancelled: e.isCancelled ?? false,
    transactionId: e.transactionId || undefined,
  };
}

/** `{"dateTime":"2026-11-25T10:00:00.0000000","timeZone":"UTC"}` as an instant; we asked for UTC. */
function utcInstant(value: z.infer<typeof dateTimeTimeZone>, mailbox: string): Date {
  const zone = value.timeZone ?? 'UTC';
  if (!/^(UTC|Etc\/UTC|Coordinated Universal Time)$/i.test(zone)) {
    throw unexpected(mailbox, `a time in ${zone} although UTC was asked for`);
  }
  const text = /(Z|[+-]\d{2}:\d{2})$/.test(value.dateTime) ? value.dateTime : `${value.dateTime}Z`;
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) throw unexpected(mailbox, `the time "${value.dateTime}"`);
  return instant;
}

function unexpected(mailbox: string, what: string): ExternalServiceError {
  return new ExternalServiceError(`Graph answered the calendar of ${mailbox} with ${what}.`, {
    code: 'graph.unexpectedAnswer',
    detail: { mailbox },
  });
}
