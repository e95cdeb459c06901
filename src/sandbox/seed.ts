// Generates the sandbox's practice from a seed: the directory (tenant, app, keys), the clients, twenty
// weeks of weekly sessions (the six weeks around "now" in full detail: calendar events, open payments,
// reminders in every state) and nothing else. Same seed and same week ⇒ the same practice. Linear in the
// number of clients so `--clients 10000` (200,000 sessions) stays a matter of a second or two.

import { outlookOnlyEvents } from './seedCalendar';
import { createPrng, type SeededPrng } from './prng';
import { generateDueReminders, generateReminders } from './seedReminders';
import {
  EMAIL_DOMAINS,
  LANGUAGES,
  LANGUAGE_WEIGHTS,
  LOCATIONS,
  SESSION_NOTES,
  emailLocalPart,
  type Language,
} from './seedNames';
import type {
  PracticeSeed,
  SeedClient,
  SeedPaymentStatus,
  SeedPractitioner,
  SeedSession,
  SeedSessionState,
} from './types';

export interface GeneratePracticeOptions {
  seed: string;
  /** Number of clients (default 40). Each gets one session a week for 20 weeks. */
  clients?: number;
  /** Epoch ms the practice is built around (sessions before are history, after are upcoming). */
  now: number;
  /** Practitioners, each with a mailbox of their own (default 1). */
  practitioners?: number;
  /** Approved reminders due now, added to the seeded ones and spread over the practitioners (default 0). */
  dueReminders?: number;
}

export const DEFAULT_CLIENT_COUNT = 40;
/** 17 weeks of history + the current week + 2 weeks ahead = 20 sessions per client. */
export const WEEKS_OF_HISTORY = 17;
export const WEEKS_AHEAD = 2;
/** The detailed window: three weeks back, three weeks ahead of the current week's Monday. */
export const DETAIL_WEEKS = 3;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const SESSION_MINUTES = 50;
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const FEES_CENTS: readonly number[] = [9000, 9000, 9000, 9000, 12000, 7500];

export function generatePractice(options: GeneratePracticeOptions): PracticeSeed {
  const root = createPrng(`life-cockpit-sandbox:${options.seed}`);
  const directory = generateDirectory(root.fork('directory'), options.now);
  const clients = generateClients(root.fork('clients'), options.clients ?? DEFAULT_CLIENT_COUNT);
  preferSmsForSome(root.fork('preferred-channels'), clients);
  const sessions = generateSessions(root.fork('sessions'), clients, options.now);
  const reminders = generateReminders(root.fork('reminders'), {
    clients,
    sessions,
    now: options.now,
    windowStart: detailWindow(options.now).start,
  });
  const practitioners = generatePractitioners(
    root.fork('practitioners'),
    directory.practitioner,
    options.practitioners ?? 1,
  );
  if ((options.dueReminders ?? 0) > 0) {
    reminders.push(
      ...generateDueReminders(root.fork('due-reminders'), {
        clients,
        sessions,
        now: options.now,
        count: options.dueReminders ?? 0,
        owners: practitioners.map((practitioner) => practitioner.systemUserId),
      }),
    );
  }
  // A single-practitioner practice keeps the shape it always had.
  const outlookOnly = outlookOnlyEvents(clients, sessions, options.now);
  return {
    ...directory,
    ...(practitioners.length > 1 ? { practitioners } : {}),
    clients,
    sessions,
    reminders,
    ...(outlookOnly.length > 0 ? { outlookOnlyEvents: outlookOnly } : {}),
  };
}

/** The first practitioner, then colleagues who each have a mailbox of their own. */
function generatePractitioners(prng: SeededPrng, first: SeedPractitioner, count: number): SeedPractitioner[] {
  const domain = first.mail.split('@')[1] ?? 'contoso-practice.test';
  const all = [first];
  for (let index = 2; index <= count; index++) {
    const number = String(index).padStart(2, '0');
    all.push({
      userId: prng.uuid(),
      displayName: `Practitioner ${number}`,
      mail: `practitioner${number}@${domain}`,
      systemUserId: prng.uuid(),
    });
  }
  return all;
}

/** Monday 00:00 UTC of the week that holds `now`. */
export function weekStartOf(now: number): number {
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday = 0
  return dayStart - weekday * DAY_MS;
}

export function detailWindow(now: number): { start: number; end: number } {
  const monday = weekStartOf(now);
  return { start: monday - DETAIL_WEEKS * WEEK_MS, end: monday + DETAIL_WEEKS * WEEK_MS };
}

type Directory = Omit<PracticeSeed, 'clients' | 'sessions' | 'reminders'>;

function generateDirectory(prng: SeededPrng, now: number): Directory {
  return {
    tenantId: prng.uuid(),
    practiceName: 'Morgan Psychotherapy',
    practitioner: {
      userId: prng.uuid(),
      displayName: 'Dr. Alex Morgan',
      mail: 'dr.morgan@contoso-practice.test',
      systemUserId: prng.uuid(),
    },
    businessUnitId: prng.uuid(),
    organizationId: prng.uuid(),
    stripe: {
      accountId: `acct_1${prng.chars(15, MIXED_ALNUM)}`,
      secretKey: `sk_test_51${prng.chars(96, MIXED_ALNUM)}`,
      webhookSecret: `whsec_${prng.chars(32, MIXED_ALNUM)}`,
    },
    app: {
      clientId: prng.uuid(),
      displayName: 'Life Cockpit',
      // Entra secrets are ~40 characters with `~` at position 4; `lcsbx~` marks ours as sandbox-only.
      clientSecret: `lcsbx~${prng.chars(34, `${MIXED_ALNUM}_.-`)}`,
      secretExpiresAt: new Date(now + 365 * DAY_MS).toISOString(),
      graphRoles: ['Mail.Send', 'Mail.ReadWrite', 'Calendars.ReadWrite', 'User.Read.All'],
      applicationUserId: prng.uuid(),
    },
  };
}

function pickLanguage(prng: SeededPrng): Language {
  let draw = prng.next();
  for (const [language, weight] of LANGUAGE_WEIGHTS) {
    if (draw < weight) return language;
    draw -= weight;
  }
  return 'en';
}

function generateClients(prng: SeededPrng, count: number): SeedClient[] {
  const usedEmails = new Set<string>();
  const clients: SeedClient[] = [];
  for (let i = 0; i < count; i++) {
    const language = pickLanguage(prng);
    const profile = LANGUAGES[language];
    const firstName = prng.pick(profile.firstNames);
    const lastName = prng.pick(profile.lastNames);
    const local = emailLocalPart(firstName, lastName);
    const domain = prng.pick(EMAIL_DOMAINS);
    // Names repeat once there are more clients than combinations; a counter keeps addresses unique.
    let email = `${local}@${domain}`;
    for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
    usedEmails.add(email);
    clients.push({
      id: prng.uuid(),
      firstName,
      lastName,
      email,
      phone: `${profile.phonePrefix}${prng.chars(5, '0123456789')}`,
      language,
      timeZone: prng.pick(profile.timeZones),
      ...(prng.chance(0.88) ? { stripeCustomerId: `cus_${prng.chars(14, MIXED_ALNUM)}` } : {}),
    });
  }
  return clients;
}

/** About one client in four prefers SMS. A stream of its own, so every other seeded value stays as it was. */
export const SMS_PREFERRING_SHARE = 0.25;

function preferSmsForSome(prng: SeededPrng, clients: SeedClient[]): void {
  for (const client of clients) if (prng.chance(SMS_PREFERRING_SHARE)) client.preferredChannel = 'sms';
}

interface WeeklySlot {
  weekday: number; // 0 = Monday
  minuteOfDay: number; // UTC, within office hours
  feeCents: number;
  location: string;
}

function slotFor(prng: SeededPrng): WeeklySlot {
  // Office hours 08:00–17:00 UTC on weekdays, on the hour or half hour.
  return {
    weekday: prng.int(0, 5),
    minuteOfDay: 8 * 60 + prng.int(0, 18) * 30,
    feeCents: prng.pick(FEES_CENTS),
    location: prng.pick(LOCATIONS),
  };
}

function generateSessions(prng: SeededPrng, clients: readonly SeedClient[], now: number): SeedSession[] {
  const monday = weekStartOf(now);
  const window = detailWindow(now);
  const sessions: SeedSession[] = [];
  for (const client of clients) {
    const slot = slotFor(prng);
    for (let week = -WEEKS_OF_HISTORY; week <= WEEKS_AHEAD; week++) {
      const start = monday + week * WEEK_MS + slot.weekday * DAY_MS + slot.minuteOfDay * 60_000;
      const inWindow = start >= window.start && start < window.end;
      sessions.push(buildSession(prng, { client, slot, start, now, inWindow }));
    }
  }
  return sessions;
}

interface SessionDraft {
  client: SeedClient;
  slot: WeeklySlot;
  start: number;
  now: number;
  inWindow: boolean;
}

function buildSession(prng: SeededPrng, draft: SessionDraft): SeedSession {
  const end = draft.start + SESSION_MINUTES * 60_000;
  const state = sessionState(prng, end <= draft.now);
  const payment = paymentFor(prng, state, draft);
  const note = state === 'attended' && prng.chance(0.1) ? prng.pick(SESSION_NOTES) : undefined;
  const session: SeedSession = {
    id: prng.uuid(),
    clientId: draft.client.id,
    subject: `Session – ${draft.client.firstName} ${draft.client.lastName}`,
    start: new Date(draft.start).toISOString(),
    end: new Date(end).toISOString(),
    state,
    location: draft.slot.location,
    feeCents: draft.slot.feeCents,
    currency: 'eur',
    paymentStatus: payment.status,
    // Only the detailed window lives in the Outlook calendar; cancelled meetings leave it.
    inCalendar: draft.inWindow && state !== 'canceled',
  };
  if (payment.invoiceId !== undefined) session.stripeInvoiceId = payment.invoiceId;
  if (state === 'canceled') session.canceledAt = canceledAt(prng.fork(`canceled:${session.id}`), draft);
  const written = note ?? laterNote(prng.fork(`note:${session.id}`), state, draft);
  if (written !== undefined) session.note = written;
  return session;
}

/**
 * A practitioner writes up most attended sessions within the week; the last few days' may still lack a note
 * (Needs Attention). A fork per session, so the rest of the practice is drawn as before.
 */
function laterNote(prng: SeededPrng, state: SeedSessionState, draft: SessionDraft): string | undefined {
  if (state !== 'attended') return undefined;
  const recent = draft.now - draft.start < 7 * DAY_MS;
  return prng.chance(recent ? 0.4 : 0.92) ? prng.pick(SESSION_NOTES) : undefined;
}

/**
 * When a client canceled: about a third within the last day before the start (a late cancellation), the rest
 * one to six days ahead; never after the seed's now. A fork per session, so the rest of the practice is drawn as before.
 */
function canceledAt(prng: SeededPrng, draft: SessionDraft): string {
  const hoursBefore = prng.chance(0.35) ? prng.int(1, 23) : prng.int(24, 6 * 24);
  return new Date(Math.min(draft.start - hoursBefore * 3_600_000, draft.now)).toISOString();
}

function sessionState(prng: SeededPrng, isOver: boolean): SeedSessionState {
  const draw = prng.next();
  if (!isOver) return draw < 0.93 ? 'scheduled' : 'canceled';
  if (draw < 0.85) return 'attended';
  if (draw < 0.9) return 'noShow';
  return 'canceled';
}

function paymentFor(
  prng: SeededPrng,
  state: SeedSessionState,
  draft: SessionDraft,
): { status: SeedPaymentStatus; invoiceId?: string } {
  const draw = prng.next();
  const hasStripe = draft.client.stripeCustomerId !== undefined;
  const invoice = (status: SeedPaymentStatus): { status: SeedPaymentStatus; invoiceId?: string } =>
    hasStripe
      ? { status, invoiceId: `in_1${prng.chars(23, MIXED_ALNUM)}` }
      : { status: status === 'paid' ? 'paid' : 'unpaid' };
  if (state === 'noShow') return { status: draw < 0.5 ? 'unpaid' : 'none' };
  if (state !== 'attended') return { status: 'none' };
  if (draft.inWindow) {
    // Recent sessions: the open items the practitioner works through.
    if (draw < 0.45) return invoice('paid');
    if (draw < 0.65) return invoice('invoiced');
    if (draw < 0.95) return { status: 'unpaid' };
    return invoice('failed');
  }
  if (draw < 0.93) return invoice('paid');
  if (draw < 0.96) return invoice('refunded');
  return { status: 'unpaid' };
}
