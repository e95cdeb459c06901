// What the seeded practice's Outlook calendar and its Dataverse sessions share: each calendar session's
// event iCalUId, which the session row holds as an imported session would (so Import From Calendar finds
// the seeded sessions already there), and the events booked in Outlook only, which an import turns into
// sessions: extra sessions for a few clients, one with someone not yet a client, one private appointment.
import { createHash } from 'node:crypto';
import type { SeedClient, SeedOutlookEvent, SeedSession } from './types';

/** Outlook's iCalUId shape: a fixed prefix and hex; derived from the session, so stable across restarts. */
export function sessionICalUId(sessionId: string): string {
  return `040000008200E00074C5B7101A82E008${createHash('sha256').update(sessionId).digest('hex').slice(0, 56).toUpperCase()}`;
}

const DAY_MS = 86_400_000;

/**
 * Events without a session: for the first three clients with an upcoming calendar session, an extra one the
 * next day at the same time; the next day of a fourth, a first session with someone who is not a client
 * yet; and on a fifth, a dentist's appointment without the session category.
 */
export function outlookOnlyEvents(
  clients: readonly SeedClient[],
  sessions: readonly SeedSession[],
  now: number,
): SeedOutlookEvent[] {
  const byId = new Map(clients.map((client) => [client.id, client]));
  const upcoming: { session: SeedSession; client: SeedClient }[] = [];
  const seen = new Set<string>();
  for (const session of sessions) {
    const client = byId.get(session.clientId);
    if (!client || !session.inCalendar || session.state !== 'scheduled' || seen.has(client.id)) continue;
    if (Date.parse(session.start) <= now) continue;
    seen.add(client.id);
    upcoming.push({ session, client });
  }
  const nextDay = (session: SeedSession) => ({
    start: new Date(Date.parse(session.start) + DAY_MS).toISOString(),
    end: new Date(Date.parse(session.end) + DAY_MS).toISOString(),
  });
  const events: SeedOutlookEvent[] = upcoming.slice(0, 3).map(({ session, client }) => ({
    key: `extra:${session.id}`,
    subject: `Extra session – ${client.firstName} ${client.lastName}`,
    ...nextDay(session),
    location: session.location,
    categories: ['Client session'],
    attendees: [{ name: `${client.firstName} ${client.lastName}`, address: client.email }],
  }));
  const [, , , fourth, fifth] = upcoming;
  if (fourth) {
    events.push({
      key: `newcomer:${fourth.session.id}`,
      subject: 'First session – Jordan Blake',
      ...nextDay(fourth.session),
      location: fourth.session.location,
      categories: ['Client session'],
      attendees: [{ name: 'Jordan Blake', address: 'jordan.blake@example.net' }],
    });
  }
  if (fifth) {
    events.push({
      key: `private:${fifth.session.id}`,
      subject: 'Dentist',
      ...nextDay(fifth.session),
      location: 'Dental clinic',
      categories: [],
      attendees: [],
    });
  }
  return events;
}
