// The calendar routes: /users/{id}/calendarView (startDateTime and endDateTime required; read as UTC when
// they carry no offset, whatever `Prefer: outlook.timezone` says), /users/{id}/events (list, create) and
// /users/{id}/events/{id} (get, patch, delete), also under /calendar/. Lists page with $top/$skip nextLinks
// (10 by default) that repeat the query, and take the $filter of eventFilter.ts. Times come back in the zone
// of `Prefer: outlook.timezone`, and every write tells the subscriptions about it.

import { parseEventFilter } from './eventFilter';
import { applyEventInput, eventEntity, newEvent, touch } from './events';
import { applySelect, nextLink, parseSelect, parseSkip, parseTop } from './odata';
import { mailboxUser, type Route, type RouteEnv } from './routeTypes';
import { calendarOf, type GraphUserRecord, type StoredEvent } from './state';
import { ianaZone, preferredTimeZone } from './timeZones';
import { GraphFault, faults, isRecord, noContent, ok, parseJsonBody, type GraphCall, type GraphResult } from './wire';

const READ_ROLES = ['Calendars.Read', 'Calendars.ReadBasic', 'Calendars.ReadWrite'] as const;
const WRITE_ROLES = ['Calendars.ReadWrite'] as const;

/** The zone to answer in, plus the Preference-Applied header when the client asked for one. */
function answerZone(call: GraphCall): { zone: string | undefined; headers: Record<string, string> } {
  const asked = preferredTimeZone(call.headers.prefer);
  if (!asked || !ianaZone(asked)) return { zone: undefined, headers: {} };
  return { zone: asked, headers: { 'preference-applied': `outlook.timezone="${asked}"` } };
}

function shape(
  call: GraphCall,
  event: StoredEvent,
  user: GraphUserRecord,
  zone: string | undefined,
): Record<string, unknown> {
  const entity = eventEntity(event, zone, { name: user.displayName, address: user.mail });
  return applySelect(entity, parseSelect(call.query), ['id', '@odata.etag']);
}

function withZone(result: GraphResult, headers: Record<string, string>): GraphResult {
  return { ...result, headers: { ...result.headers, ...headers } };
}

function page(
  call: GraphCall,
  env: RouteEnv,
  user: GraphUserRecord,
  events: StoredEvent[],
  contextPath: string,
): GraphResult {
  const { zone, headers } = answerZone(call);
  const select = parseSelect(call.query);
  const top = parseTop(call.query, 10, 1000);
  const skip = parseSkip(call.query);
  const body: Record<string, unknown> = {
    '@odata.context': `${env.root}/$metadata#${contextPath}${select ? `(${select.join(',')})` : ''}`,
    value: events.slice(skip, skip + top).map((event) => shape(call, event, user, zone)),
  };
  if (skip + top < events.length) {
    body['@odata.nextLink'] = nextLink(`${env.root}/${call.segments.join('/')}`, call.query, {
      $top: String(top),
      $skip: String(skip + top),
    });
  }
  return withZone(ok(call, body), headers);
}

function windowBound(call: GraphCall, name: 'startDateTime' | 'endDateTime'): number {
  const raw = call.query.get(name) ?? call.query.get(name.toLowerCase());
  if (raw === null || raw.trim() === '') {
    throw new GraphFault(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  // A value without an offset is read as UTC.
  const text = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim()) ? raw.trim() : `${raw.trim()}Z`;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new GraphFault(400, 'ErrorInvalidParameter', `The value '${raw}' of parameter '${name}' is invalid.`);
  }
  return ms;
}

function calendarView(call: GraphCall, env: RouteEnv, user: GraphUserRecord, userKey: string): GraphResult {
  const start = windowBound(call, 'startDateTime');
  const end = windowBound(call, 'endDateTime');
  const matches = parseEventFilter(call.query) ?? (() => true);
  const inWindow = calendarOf(env.state(), user.id)
    .filter((event) => event.startMs < end && event.endMs > start && matches(event))
    .sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  return page(call, env, user, inWindow, `users('${userKey}')/calendarView`);
}

function findEvent(env: RouteEnv, user: GraphUserRecord, eventId: string): StoredEvent {
  const event = calendarOf(env.state(), user.id).find((candidate) => candidate.id === eventId);
  if (!event) throw faults.itemNotFound();
  return event;
}

function entityResult(
  call: GraphCall,
  env: RouteEnv,
  user: GraphUserRecord,
  event: StoredEvent,
  userKey: string,
  status = 200,
): GraphResult {
  const { zone, headers } = answerZone(call);
  const body = {
    '@odata.context': `${env.root}/$metadata#users('${userKey}')/events/$entity`,
    ...shape(call, event, user, zone),
  };
  return withZone(ok(call, body, status), headers);
}

function createEvent(call: GraphCall, env: RouteEnv, user: GraphUserRecord, userKey: string): GraphResult {
  const input = parseJsonBody(call.body);
  if (!isRecord(input)) throw faults.invalidJson();
  const calendar = calendarOf(env.state(), user.id);
  // transactionId exists so a retried POST does not create the event twice.
  const transactionId = typeof input.transactionId === 'string' ? input.transactionId : undefined;
  const existing = transactionId ? calendar.find((event) => event.transactionId === transactionId) : undefined;
  if (existing) return entityResult(call, env, user, existing, userKey, 201);
  const event = newEvent(input, env);
  calendar.push(event);
  env.changes.changed(user.id, 'events', event.id, 'created');
  return entityResult(call, env, user, event, userKey, 201);
}

function updateEvent(
  call: GraphCall,
  env: RouteEnv,
  user: GraphUserRecord,
  eventId: string,
  userKey: string,
): GraphResult {
  const event = findEvent(env, user, eventId);
  const input = parseJsonBody(call.body);
  if (!isRecord(input)) throw faults.invalidJson();
  const draft: StoredEvent = structuredClone(event);
  applyEventInput(draft, input);
  Object.assign(event, draft);
  touch(event, env);
  env.changes.changed(user.id, 'events', event.id, 'updated');
  return entityResult(call, env, user, event, userKey);
}

function deleteEvent(call: GraphCall, env: RouteEnv, user: GraphUserRecord, eventId: string): GraphResult {
  const calendar = calendarOf(env.state(), user.id);
  const index = calendar.findIndex((candidate) => candidate.id === eventId);
  if (index < 0) throw faults.itemNotFound();
  calendar.splice(index, 1);
  env.changes.changed(user.id, 'events', eventId, 'deleted');
  return noContent(call);
}

type Handler = (call: GraphCall, env: RouteEnv, user: GraphUserRecord, params: Record<string, string>) => GraphResult;

function route(method: Route['method'], tail: string[], roles: readonly string[], run: Handler): Route[] {
  const handle: Route['handle'] = (call, params, env, user) => run(call, env, mailboxUser(user), params);
  return [
    { method, pattern: ['users', ':user', ...tail], workload: 'outlook', roles, mailbox: true, handle },
    { method, pattern: ['users', ':user', 'calendar', ...tail], workload: 'outlook', roles, mailbox: true, handle },
  ];
}

export const calendarRoutes: readonly Route[] = [
  ...route('GET', ['calendarView'], READ_ROLES, (call, env, user, p) => calendarView(call, env, user, p.user ?? '')),
  ...route('GET', ['events'], READ_ROLES, (call, env, user, p) => {
    const matches = parseEventFilter(call.query) ?? (() => true);
    const events = calendarOf(env.state(), user.id).filter(matches);
    return page(call, env, user, events, `users('${p.user ?? ''}')/events`);
  }),
  ...route('POST', ['events'], WRITE_ROLES, (call, env, user, p) => createEvent(call, env, user, p.user ?? '')),
  ...route('GET', ['events', ':event'], READ_ROLES, (call, env, user, p) =>
    entityResult(call, env, user, findEvent(env, user, p.event ?? ''), p.user ?? ''),
  ),
  ...route('PATCH', ['events', ':event'], WRITE_ROLES, (call, env, user, p) =>
    updateEvent(call, env, user, p.event ?? '', p.user ?? ''),
  ),
  ...route('DELETE', ['events', ':event'], WRITE_ROLES, (call, env, user, p) =>
    deleteEvent(call, env, user, p.event ?? ''),
  ),
];
