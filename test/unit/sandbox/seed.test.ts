// The seeded practice: same seed ⇒ same practice, plausible shape, every reminder state present,
// and linear size (20 sessions a client) so 10,000 clients stay cheap.
import { strict as assert } from 'node:assert';
import { createPrng } from '../../../src/sandbox/prng';
import { detailWindow, generatePractice, weekStartOf } from '../../../src/sandbox/seed';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('sandbox prng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: string): number[] => {
      const prng = createPrng(seed);
      return Array.from({ length: 5 }, () => prng.next());
    };
    assert.deepEqual(draw('a'), draw('a'));
    assert.notDeepEqual(draw('a'), draw('b'));
  });

  it('keeps numbers in range and makes version-4 uuids', () => {
    const prng = createPrng('range');
    for (let i = 0; i < 1000; i++) {
      const n = prng.next();
      assert.ok(n >= 0 && n < 1);
      const k = prng.int(3, 7);
      assert.ok(Number.isInteger(k) && k >= 3 && k < 7);
    }
    assert.match(prng.uuid(), UUID);
  });

  it('forks independent streams: drawing from one does not move another', () => {
    const a = createPrng('root');
    const b = createPrng('root');
    a.fork('clients').next();
    assert.equal(a.fork('directory').uuid(), b.fork('directory').uuid());
    assert.notEqual(a.fork('x').uuid(), a.fork('y').uuid());
  });
});

describe('generatePractice', () => {
  const practice = generatePractice({ seed: 'unit', now: NOW });

  it('is deterministic for a seed and differs between seeds', () => {
    assert.deepEqual(generatePractice({ seed: 'unit', now: NOW }), practice);
    const other = generatePractice({ seed: 'other', now: NOW });
    assert.notEqual(other.tenantId, practice.tenantId);
    assert.notEqual(other.app.clientSecret, practice.app.clientSecret);
  });

  it('keeps the directory stable when the client count changes', () => {
    const bigger = generatePractice({ seed: 'unit', now: NOW, clients: 60 });
    assert.equal(bigger.tenantId, practice.tenantId);
    assert.equal(bigger.app.clientId, practice.app.clientId);
    assert.equal(bigger.stripe.secretKey, practice.stripe.secretKey);
  });

  it('derives ids and credentials in the real formats', () => {
    for (const id of [practice.tenantId, practice.app.clientId, practice.practitioner.userId, practice.organizationId])
      assert.match(id, UUID);
    assert.match(practice.app.clientSecret, /^lcsbx~[A-Za-z0-9_.-]{34}$/);
    assert.match(practice.stripe.secretKey, /^sk_test_51[A-Za-z0-9]+$/);
    assert.match(practice.stripe.webhookSecret, /^whsec_[A-Za-z0-9]{32}$/);
    assert.equal(practice.practitioner.mail, 'dr.morgan@contoso-practice.test');
    assert.ok(Date.parse(practice.app.secretExpiresAt) > NOW);
  });

  it('makes 40 multilingual clients with unique e-mails, most with a Stripe customer', () => {
    assert.equal(practice.clients.length, 40);
    assert.equal(new Set(practice.clients.map((c) => c.email)).size, 40);
    assert.ok(new Set(practice.clients.map((c) => c.language)).size >= 3);
    const withStripe = practice.clients.filter((c) => c.stripeCustomerId?.startsWith('cus_')).length;
    assert.ok(withStripe >= 28 && withStripe < 40, `${withStripe} clients with a Stripe customer`);
    for (const c of practice.clients)
      assert.doesNotThrow(() => new Intl.DateTimeFormat('en', { timeZone: c.timeZone }));
  });

  it('schedules weekday sessions in office hours, past ones settled and future ones scheduled', () => {
    assert.equal(practice.sessions.length, 40 * 20);
    for (const s of practice.sessions) {
      const start = new Date(s.start);
      assert.ok(start.getUTCDay() >= 1 && start.getUTCDay() <= 5, `${s.start} is a weekday`);
      assert.ok(start.getUTCHours() >= 8 && start.getUTCHours() < 17, `${s.start} is in office hours`);
      if (Date.parse(s.end) <= NOW) assert.notEqual(s.state, 'scheduled');
      if (Date.parse(s.start) > NOW) assert.ok(s.state === 'scheduled' || s.state === 'canceled');
      if (s.stripeInvoiceId !== undefined) assert.match(s.stripeInvoiceId, /^in_/);
    }
    const states = new Set(practice.sessions.map((s) => s.state));
    assert.deepEqual([...states].sort(), ['attended', 'canceled', 'noShow', 'scheduled']);
    assert.ok(practice.sessions.some((s) => s.state === 'attended' && s.paymentStatus === 'unpaid'));
    assert.ok(practice.sessions.some((s) => s.paymentStatus === 'paid' && s.stripeInvoiceId !== undefined));
    assert.ok(practice.sessions.some((s) => s.note !== undefined));
    assert.ok(practice.sessions.some((s) => s.feeCents === 9000));
  });

  it('puts only the six weeks around now in the calendar', () => {
    const window = detailWindow(NOW);
    assert.equal(window.end - window.start, 6 * 7 * 86_400_000);
    assert.equal(new Date(weekStartOf(NOW)).getUTCDay(), 1);
    for (const s of practice.sessions.filter((x) => x.inCalendar)) {
      assert.ok(Date.parse(s.start) >= window.start && Date.parse(s.start) < window.end);
    }
  });

  it('has reminders in every state, before sessions (24 h, 2 h) and follow-ups after attended ones', () => {
    const statuses = new Set(practice.reminders.map((r) => r.status));
    assert.deepEqual([...statuses].sort(), ['approved', 'cancelled', 'draft', 'failed', 'sending', 'sent']);
    const sessions = new Map(practice.sessions.map((s) => [s.id, s]));
    for (const r of practice.reminders) {
      const session = sessions.get(r.sessionId);
      assert.ok(session, 'reminder points at a session');
      const lead = Date.parse(session.start) - Date.parse(r.scheduledTime);
      if (r.kind === 'reminder') assert.ok(lead === 24 * 3_600_000 || lead === 2 * 3_600_000);
      else assert.equal(r.scheduledTime, session.end);
      if (r.status === 'sent') assert.ok(r.sentTime !== undefined && r.attempts >= 1);
      if (r.status === 'failed') assert.ok(r.lastError !== undefined);
    }
    assert.ok(
      practice.reminders.some((r) => r.status === 'approved' && Date.parse(r.scheduledTime) <= NOW),
      'some reminders are due',
    );
  });

  it('grows linearly: 10,000 clients give 200,000 sessions', function () {
    this.timeout(30_000);
    const big = generatePractice({ seed: 'big', now: NOW, clients: 10_000 });
    assert.equal(big.clients.length, 10_000);
    assert.equal(big.sessions.length, 200_000);
    assert.equal(new Set(big.clients.map((c) => c.email)).size, 10_000);
    assert.ok(big.reminders.length < 20 * 10_000, 'reminders stay bounded by the detailed window');
  });
});
