// The Graph sandbox's state as plain JSON (users, one calendar and the Drafts, Outbox and Sent Items
// folders per mailbox, the submission timeline, subscriptions, counters) and how the seeded practice becomes that state. Ids derive from
// the practice by hashing, so loading the same practice twice gives the same ids.

import { createHash } from 'node:crypto';
import { sessionICalUId } from '../seedCalendar';
import type { PracticeSeed, SeedClient, SeedOutlookEvent, SeedSession } from '../types';

export interface GraphUserRecord {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  accountEnabled: boolean;
}

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  emailAddress: EmailAddress;
}

export interface StoredEvent {
  id: string;
  changeKey: string;
  createdMs: number;
  modifiedMs: number;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  startMs: number;
  endMs: number;
  /** The zones the event was written in (Graph keeps originalStartTimeZone). */
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  location: string;
  categories: string[];
  attendees: Attendee[];
  isCancelled: boolean;
  isAllDay: boolean;
  showAs: string;
  iCalUId: string;
  transactionId: string | null;
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface StoredMessage {
  /** The immutable id: it never changes; the id a client sees without `Prefer: IdType="ImmutableId"` depends on the folder. */
  id: string;
  changeKey: string;
  internetMessageId: string;
  conversationId: string;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  from: EmailAddress;
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  importance: string;
  categories: string[];
  /** When it was sent (Sent Items) or last written (Drafts, Outbox). */
  sentMs: number;
  /** When the draft was created (absent in states saved before drafts existed: sentMs stands in). */
  createdMs?: number;
  extendedProperties: ExtendedProperty[];
  /** Set once submitted: where transport has it (see transport.ts). */
  transport?: MessageTransport;
}

export interface MessageTransport {
  acceptedMs: number;
  /** Transport takes it out of the Outbox at this instant... */
  departMs: number;
  /** ...and the Sent Items copy exists from this one on; in between a read by id finds nothing. */
  arriveMs: number;
  /** false when sendMail said saveToSentItems: false (no Sent Items copy). */
  saveCopy: boolean;
}

/** One accepted submission (a 202 from `/send` or `sendMail`), for the inspector's timeline. */
export interface SubmissionRecord {
  messageId: string;
  acceptedMs: number;
  departMs: number;
  arriveMs: number;
  /** More than the per-minute limit were accepted in the minute up to this one: Exchange queued it. */
  overRate: boolean;
}

export interface StoredSubscription {
  id: string;
  resource: string;
  /** The mailbox (user id) and collection the resource names, resolved at creation. */
  target: { userId: string; collection: 'events' | 'messages' };
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  /** Where lifecycle notifications go (reauthorizationRequired, subscriptionRemoved, missed); none without it. */
  lifecycleNotificationUrl?: string | null;
  expirationMs: number;
  applicationId: string;
  creatorId: string;
  latestSupportedTlsVersion: string;
}

export interface NotificationFailure {
  at: string;
  subscriptionId: string;
  error: string;
}

export interface GraphState {
  version: 1;
  tenantId: string;
  users: GraphUserRecord[];
  /** Events by user id. */
  calendars: Record<string, StoredEvent[]>;
  /** Sent Items by user id, in sending order. */
  sentItems: Record<string, StoredMessage[]>;
  /** Drafts by user id, in creation order. */
  drafts: Record<string, StoredMessage[]>;
  /** Submitted messages by user id until their Sent Items copy exists (in the Outbox, then in transit). */
  outbox: Record<string, StoredMessage[]>;
  /** Accepted submissions by user id, in acceptance order. */
  submissions: Record<string, SubmissionRecord[]>;
  subscriptions: StoredSubscription[];
  stats: { throttled: number; notificationsDelivered: number; notificationFailures: NotificationFailure[] };
}

export function emptyState(): GraphState {
  return {
    version: 1,
    tenantId: '',
    users: [],
    calendars: {},
    sentItems: {},
    drafts: {},
    outbox: {},
    submissions: {},
    subscriptions: [],
    stats: { throttled: 0, notificationsDelivered: 0, notificationFailures: [] },
  };
}

/** A stable GUID from a label, so derived objects keep their ids across loads. */
export function derivedGuid(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Outlook item ids are long base64 strings starting `AAMk`; ours are base64url so they fit a path. */
export function outlookId(label: string): string {
  const digest = createHash('sha256').update(label).digest();
  return `AAMkAG${Buffer.concat([digest, digest.subarray(0, 14)]).toString('base64url')}=`;
}

/** Immutable ids (`Prefer: IdType="ImmutableId"`) start `AAkALg`; ours are base64url so they fit a path. */
export function immutableId(label: string): string {
  const digest = createHash('sha256').update(`immutable:${label}`).digest();
  return `AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A${digest.toString('base64url')}AAA=`;
}

export function changeKeyFor(label: string): string {
  return createHash('sha256').update(`ck:${label}`).digest('base64').slice(0, 24);
}

const COLLEAGUES: ReadonlyArray<{ givenName: string; surname: string; jobTitle: string; local: string }> = [
  { givenName: 'Jordan', surname: 'Reyes', jobTitle: 'Practice Manager', local: 'jordan.reyes' },
  { givenName: 'Sam', surname: 'Whitfield', jobTitle: 'Associate Therapist', local: 'sam.whitfield' },
];

export function stateFromPractice(practice: PracticeSeed): GraphState {
  const state = emptyState();
  state.tenantId = practice.tenantId;
  const domain = practice.practitioner.mail.split('@')[1] ?? 'contoso.test';
  const practitioner = practitionerUser(practice);
  state.users.push(practitioner);
  // `--practitioners K`: the others each have a mailbox of their own.
  for (const other of (practice.practitioners ?? []).slice(1)) {
    state.users.push({
      ...baseUser(other.userId, other.displayName, other.mail),
      jobTitle: 'Psychotherapist',
      department: practice.practiceName,
    });
  }
  for (const [index, colleague] of COLLEAGUES.entries()) {
    const mail = `${colleague.local}@${domain}`;
    state.users.push({
      ...baseUser(
        derivedGuid(`${practice.tenantId}:colleague:${index}`),
        `${colleague.givenName} ${colleague.surname}`,
        mail,
      ),
      givenName: colleague.givenName,
      surname: colleague.surname,
      jobTitle: colleague.jobTitle,
    });
  }
  for (const user of state.users) {
    state.calendars[user.id] = [];
    state.sentItems[user.id] = [];
  }
  const clients = new Map(practice.clients.map((client) => [client.id, client]));
  state.calendars[practitioner.id] = [
    ...practice.sessions
      .filter((session) => session.inCalendar)
      .map((session) => sessionEvent(session, clients.get(session.clientId))),
    ...(practice.outlookOnlyEvents ?? []).map(outlookOnlyEvent),
  ].sort((a, b) => a.startMs - b.startMs);
  return state;
}

function baseUser(id: string, displayName: string, mail: string): GraphUserRecord {
  return {
    id,
    displayName,
    givenName: null,
    surname: null,
    mail,
    userPrincipalName: mail,
    jobTitle: null,
    department: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    businessPhones: [],
    mobilePhone: null,
    accountEnabled: true,
  };
}

function practitionerUser(practice: PracticeSeed): GraphUserRecord {
  const { userId, displayName, mail } = practice.practitioner;
  const names = displayName.replace(/^Dr\.\s+/, '').split(/\s+/);
  return {
    ...baseUser(userId, displayName, mail),
    givenName: names[0] ?? null,
    surname: names.length > 1 ? names.slice(1).join(' ') : null,
    jobTitle: 'Psychotherapist',
    department: practice.practiceName,
  };
}

function sessionEvent(session: SeedSession, client: SeedClient | undefined): StoredEvent {
  const startMs = Date.parse(session.start);
  const attendees: Attendee[] = client
    ? [{ type: 'required', emailAddress: { name: `${client.firstName} ${client.lastName}`, address: client.email } }]
    : [];
  return {
    id: outlookId(`event:${session.id}`),
    changeKey: changeKeyFor(`event:${session.id}:0`),
    createdMs: startMs - 14 * 86_400_000,
    modifiedMs: startMs - 14 * 86_400_000,
    subject: session.subject,
    body: { contentType: 'html', content: '' },
    startMs,
    endMs: Date.parse(session.end),
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    location: session.location,
    categories: ['Client session'],
    attendees,
    isCancelled: session.state === 'canceled',
    isAllDay: false,
    showAs: session.state === 'canceled' ? 'free' : 'busy',
    iCalUId: sessionICalUId(session.id),
    transactionId: null,
  };
}

/** An event booked in Outlook only: no session holds its iCalUId until an import makes one. */
function outlookOnlyEvent(event: SeedOutlookEvent): StoredEvent {
  const startMs = Date.parse(event.start);
  return {
    id: outlookId(`event:${event.key}`),
    changeKey: changeKeyFor(`event:${event.key}:0`),
    createdMs: startMs - 7 * 86_400_000,
    modifiedMs: startMs - 7 * 86_400_000,
    subject: event.subject,
    body: { contentType: 'html', content: '' },
    startMs,
    endMs: Date.parse(event.end),
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    location: event.location,
    categories: [...event.categories],
    attendees: event.attendees.map((emailAddress) => ({ type: 'required' as const, emailAddress })),
    isCancelled: false,
    isAllDay: false,
    showAs: 'busy',
    iCalUId: sessionICalUId(event.key),
    transactionId: null,
  };
}

/** Finds a user by id, userPrincipalName or mail, as Graph accepts `users/{id | userPrincipalName}`. */
export function findUser(state: GraphState, key: string): GraphUserRecord | undefined {
  const wanted = key.toLowerCase();
  return state.users.find(
    (user) =>
      user.id.toLowerCase() === wanted ||
      user.userPrincipalName.toLowerCase() === wanted ||
      user.mail.toLowerCase() === wanted,
  );
}

function listOf<T>(lists: Record<string, T[]>, userId: string): T[] {
  const existing = lists[userId];
  if (existing) return existing;
  const created: T[] = [];
  lists[userId] = created;
  return created;
}

export function sentItemsOf(state: GraphState, userId: string): StoredMessage[] {
  return listOf(state.sentItems, userId);
}

export function draftsOf(state: GraphState, userId: string): StoredMessage[] {
  return listOf(state.drafts, userId);
}

export function outboxOf(state: GraphState, userId: string): StoredMessage[] {
  return listOf(state.outbox, userId);
}

export function submissionsOf(state: GraphState, userId: string): SubmissionRecord[] {
  return listOf(state.submissions, userId);
}

export function calendarOf(state: GraphState, userId: string): StoredEvent[] {
  const existing = state.calendars[userId];
  if (existing) return existing;
  const created: StoredEvent[] = [];
  state.calendars[userId] = created;
  return created;
}
