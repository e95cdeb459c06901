// Outlook events on the wire: the event resource as Graph returns it (times in the preferred zone)
// and the reading of POST/PATCH bodies into a stored event.

import type { RouteEnv } from './routeTypes';
import { changeKeyFor, outlookId, type Attendee, type StoredEvent } from './state';
import { formatInZone, ianaZone, instantOf } from './timeZones';
import { GraphFault, isRecord, isoSeconds } from './wire';

export function eventEntity(
  event: StoredEvent,
  zone: string | undefined,
  organizer: { name: string; address: string },
): Record<string, unknown> {
  const timeZone = zone ?? 'UTC';
  const preview = event.body.contentType === 'html' ? event.body.content.replace(/<[^>]*>/g, '') : event.body.content;
  return {
    '@odata.etag': `W/"${event.changeKey}"`,
    id: event.id,
    createdDateTime: new Date(event.createdMs).toISOString().replace('Z', '0000Z'),
    lastModifiedDateTime: new Date(event.modifiedMs).toISOString().replace('Z', '0000Z'),
    changeKey: event.changeKey,
    categories: [...event.categories],
    transactionId: event.transactionId,
    originalStartTimeZone: event.originalStartTimeZone,
    originalEndTimeZone: event.originalEndTimeZone,
    iCalUId: event.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: event.subject,
    bodyPreview: preview.replace(/\s+/g, ' ').trim().slice(0, 255),
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: event.isAllDay,
    isCancelled: event.isCancelled,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    showAs: event.showAs,
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(event.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: { ...event.body },
    start: { dateTime: formatInZone(event.startMs, timeZone), timeZone },
    end: { dateTime: formatInZone(event.endMs, timeZone), timeZone },
    location: { displayName: event.location, locationType: 'default', uniqueIdType: 'unknown' },
    locations: event.location
      ? [{ displayName: event.location, locationType: 'default', uniqueIdType: 'unknown' }]
      : [],
    attendees: event.attendees.map((attendee) => ({
      type: attendee.type,
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: { ...attendee.emailAddress },
    })),
    organizer: { emailAddress: { ...organizer } },
  };
}

function invalid(message: string): GraphFault {
  return new GraphFault(400, 'ErrorInvalidRequest', message);
}

function readTime(value: unknown, field: 'start' | 'end'): { ms: number; zone: string } {
  if (!isRecord(value) || typeof value.dateTime !== 'string') {
    throw invalid(`The property '${field}' must be a dateTimeTimeZone with a 'dateTime'.`);
  }
  const zone = typeof value.timeZone === 'string' && value.timeZone !== '' ? value.timeZone : 'UTC';
  if (!ianaZone(zone))
    throw new GraphFault(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
    );
  const ms = instantOf(value.dateTime, zone);
  if (Number.isNaN(ms))
    throw invalid(`Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTime'.`);
  return { ms, zone };
}

function readAttendees(value: unknown): Attendee[] {
  if (!Array.isArray(value)) throw invalid("The property 'attendees' must be an array.");
  return value.map((entry: unknown) => {
    const email = isRecord(entry) && isRecord(entry.emailAddress) ? entry.emailAddress : undefined;
    if (!email || typeof email.address !== 'string')
      throw invalid('Each attendee needs an emailAddress with an address.');
    const type = isRecord(entry) && (entry.type === 'optional' || entry.type === 'resource') ? entry.type : 'required';
    return {
      type,
      emailAddress: { name: typeof email.name === 'string' ? email.name : email.address, address: email.address },
    };
  });
}

/** Applies the writable properties present in `input` onto `event` (POST and PATCH share this). */
export function applyEventInput(event: StoredEvent, input: Record<string, unknown>): void {
  if (input.subject !== undefined) event.subject = String(input.subject ?? '');
  if (input.body !== undefined && isRecord(input.body)) {
    const contentType = String(input.body.contentType ?? 'text').toLowerCase();
    if (contentType !== 'text' && contentType !== 'html') {
      throw new GraphFault(
        400,
        'RequestBodyRead',
        `Cannot convert the literal '${String(input.body.contentType)}' to the expected type 'microsoft.graph.bodyType'.`,
      );
    }
    event.body = { contentType, content: String(input.body.content ?? '') };
  }
  if (input.start !== undefined) {
    const start = readTime(input.start, 'start');
    event.startMs = start.ms;
    event.originalStartTimeZone = start.zone;
  }
  if (input.end !== undefined) {
    const end = readTime(input.end, 'end');
    event.endMs = end.ms;
    event.originalEndTimeZone = end.zone;
  }
  if (input.location !== undefined)
    event.location = isRecord(input.location) ? String(input.location.displayName ?? '') : '';
  if (input.categories !== undefined) {
    if (!Array.isArray(input.categories)) throw invalid("The property 'categories' must be an array of strings.");
    event.categories = input.categories.map(String);
  }
  if (input.attendees !== undefined) event.attendees = readAttendees(input.attendees);
  if (typeof input.isAllDay === 'boolean') event.isAllDay = input.isAllDay;
  if (typeof input.showAs === 'string') event.showAs = input.showAs;
  if (event.endMs < event.startMs) {
    throw invalid('The end of the event must be at or after its start.');
  }
}

export function newEvent(input: Record<string, unknown>, env: RouteEnv): StoredEvent {
  if (input.start === undefined || input.end === undefined) {
    throw invalid("An event needs both 'start' and 'end'.");
  }
  const unique = env.ctx.prng.uuid();
  const now = env.now();
  const event: StoredEvent = {
    id: outlookId(`event:new:${unique}`),
    changeKey: changeKeyFor(`event:${unique}:0`),
    createdMs: now,
    modifiedMs: now,
    subject: '',
    body: { contentType: 'html', content: '' },
    startMs: 0,
    endMs: 0,
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    location: '',
    categories: [],
    attendees: [],
    isCancelled: false,
    isAllDay: false,
    showAs: 'busy',
    iCalUId: `040000008200E00074C5B7101A82E008${unique.replace(/-/g, '').toUpperCase()}`,
    transactionId: typeof input.transactionId === 'string' ? input.transactionId : null,
  };
  applyEventInput(event, input);
  return event;
}

/** Every write gets a new changeKey (and so a new etag) and a new lastModifiedDateTime. */
export function touch(event: StoredEvent, env: RouteEnv): void {
  event.modifiedMs = env.now();
  event.changeKey = changeKeyFor(`${event.id}:${isoSeconds(event.modifiedMs)}:${env.ctx.prng.uuid()}`);
}
