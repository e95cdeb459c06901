// Subscribe to Calendar Changes against the sandbox, through the real Graph SDK, our receiver and processor:
// an event booked in the subscribed calendar reaches /graph and becomes one session; the subscription is
// renewed at half its lifetime on an injected clock, created again when Graph removed it (lifecycle
// notification or 404), renewed at once on reauthorizationRequired, re-read on missed; a notification with a
// wrong clientState changes nothing; the validation handshake is answered at once.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { resourcesFor } from '../../../src/core/auth';
import { importSessionsFromCalendar } from '../../../src/core/booking';
import { systemClock, type Clock } from '../../../src/core/clock';
import { filters } from '../../../src/core/dataverse';
import { createGraphClient } from '../../../src/core/graph';
import { silentLogger } from '../../../src/core/log/types';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { defaultTemplates } from '../../../src/core/reminders';
import {
  fileSubscriptionStore,
  graphNotificationHandler,
  keepCalendarSubscriptionRenewed,
  newClientState,
  newPayloadKey,
  payloadKeyFrom,
  renewCalendarSubscription,
  recreateCalendarSubscription,
  startWebhookService,
  subscribeToCalendar,
  type CalendarSubscriptionDeps,
  type RunningWebhookService,
  type SubscriptionStore,
} from '../../../src/core/webhooks';
import { FakeClock } from '../../builders/fakeClock';
import { startHarness, type Harness } from '../dataverse/harness';

const DAY = 86_400_000;
const MINUTE = 60_000;
const LIFETIME_MINUTES = 60;
const S = DEFAULT_TABLES.session;

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('calendar subscription against the sandbox', function () {
  this.timeout(60_000);
  let h: Harness;
  let graph: Client;
  let dir: string;
  let store: SubscriptionStore;
  let service: RunningWebhookService;
  let clientState: string;
  let clock: Clock;
  let imports: number;

  const deps = (overrides: Partial<CalendarSubscriptionDeps> = {}): CalendarSubscriptionDeps => ({
    graph,
    mailbox: h.sandbox.info.mailbox,
    clock,
    log: silentLogger,
    lifetimeMinutes: LIFETIME_MINUTES,
    store,
    ...overrides,
  });

  async function onCalendarChanged(): Promise<void> {
    imports += 1;
    const now = Date.now();
    await importSessionsFromCalendar(
      {
        dataverse: h.client(),
        graph,
        tables: DEFAULT_TABLES,
        clock: systemClock,
        log: silentLogger,
        templates: defaultTemplates(),
        practitioner: { name: 'Dr. Sandbox', timeZone: 'Europe/London', language: 'en' },
        profile: { name: h.profile.name, mailbox: h.sandbox.info.mailbox, autoSend: false },
        settings: { leadTimesMinutes: [1440, 120], followUpDelayMinutes: 60 },
      },
      {
        mailbox: h.sandbox.info.mailbox,
        from: new Date(now - DAY),
        to: new Date(now + 30 * DAY),
        category: 'Client session',
      },
    );
  }

  async function sandboxSubscriptions(): Promise<Array<{ id: string; expirationDateTime: string }>> {
    return ((await graph.api('/subscriptions').get()) as { value: Array<{ id: string; expirationDateTime: string }> })
      .value;
  }

  async function bookEvent(subject: string): Promise<{ id: string; iCalUId: string }> {
    const client = h.sandbox.practice.clients[0];
    assert.ok(client);
    const start = new Date(Date.now() + 3 * DAY);
    return (await graph.api(`/users/${h.sandbox.info.mailbox}/events`).post({
      subject,
      start: { dateTime: start.toISOString().slice(0, 19), timeZone: 'UTC' },
      end: { dateTime: new Date(start.getTime() + 50 * MINUTE).toISOString().slice(0, 19), timeZone: 'UTC' },
      categories: ['Client session'],
      attendees: [{ type: 'required', emailAddress: { address: client.email, name: client.firstName } }],
    })) as { id: string; iCalUId: string };
  }

  const sessionsFor = (iCalUId: string) => h.client().count(S.entitySet, filters.eq(S.columns.icalUid, iCalUId));

  beforeEach(async () => {
    h = await startHarness({ seed: 'graph-subscriptions', clients: 4 });
    graph = createGraphClient({
      http: h.http,
      tokens: h.tokens,
      resource: resourcesFor(h.profile).graph,
      graphUrl: h.profile.graphUrl,
    });
    dir = mkdtempSync(path.join(tmpdir(), 'lc-graph-subs-'));
    store = fileSubscriptionStore(path.join(dir, 'calendar-subscription.json'));
    clientState = newClientState();
    clock = new FakeClock(true, Date.now());
    imports = 0;
    service = await startWebhookService({
      inboxDirectory: path.join(dir, 'inbox'),
      payloadKey: payloadKeyFrom(newPayloadKey()),
      secrets: { stripe: [], graphClientState: clientState },
      port: 0,
      handlers: {
        graph: graphNotificationHandler({ ...deps(), clientState: () => clientState, onCalendarChanged }),
      },
      http: h.http,
      clock,
      log: silentLogger,
    });
  });
  afterEach(async () => {
    await service?.close();
    await h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const subscribe = () => subscribeToCalendar(deps(), { notificationUrl: service.routes.graph, clientState });

  it('imports an event booked in the subscribed calendar as one session, once, through /graph', async () => {
    const subscription = await subscribe();
    assert.equal(subscription.resource, `users/${h.sandbox.info.mailbox}/events`);
    assert.deepEqual(
      (await sandboxSubscriptions()).map((s) => s.id),
      [subscription.id],
    );
    const stored = await store.read();
    assert.equal(stored?.id, subscription.id);
    assert.ok(!JSON.stringify(stored).includes(clientState), 'the clientState is not written to the store');

    const event = await bookEvent('Session booked in Outlook');
    assert.equal(await waitFor(async () => ((await sessionsFor(event.iCalUId)) === 1 ? 1 : undefined), 'a session'), 1);
    // An update notifies again; the import finds the session already there.
    await graph.api(`/users/${h.sandbox.info.mailbox}/events/${event.id}`).patch({ subject: 'Renamed in Outlook' });
    await waitFor(() => (imports >= 2 ? true : undefined), 'the second notification handled');
    await h.sandbox.graphNotificationsSettled();
    await service.processor.processPending();
    assert.equal(await sessionsFor(event.iCalUId), 1);
    const handled = service.inbox.entries().filter((e) => e.route === 'graph' && e.outcome === 'applied');
    assert.equal(handled.length, imports);
  });

  it('renews at half its lifetime on the injected clock, and not before', async () => {
    const manual = new FakeClock(false, Date.now());
    clock = manual;
    const first = await subscribe();
    assert.equal(Date.parse(first.expiresAt), manual.now() + LIFETIME_MINUTES * MINUTE);
    const stop = new AbortController();
    const keeping = keepCalendarSubscriptionRenewed(deps(), { clientState: () => clientState, signal: stop.signal });
    try {
      await manual.whenSleeping();
      assert.equal(manual.sleeps.at(-1), (LIFETIME_MINUTES / 2) * MINUTE, 'it sleeps until half the lifetime');
      manual.advance((LIFETIME_MINUTES / 2) * MINUTE - 1);
      assert.equal(Date.parse((await store.read())?.expiresAt ?? ''), Date.parse(first.expiresAt), 'not renewed early');
      const sleepsBefore = manual.sleeps.length;
      manual.advance(1);
      await waitFor(() => (manual.sleeps.length > sleepsBefore ? true : undefined), 'the next sleep after renewing');
      const renewed = await store.read();
      assert.equal(renewed?.id, first.id, 'renewed, not recreated');
      assert.equal(Date.parse(renewed?.expiresAt ?? ''), manual.now() + LIFETIME_MINUTES * MINUTE);
      const [inGraph] = await sandboxSubscriptions();
      assert.equal(Date.parse(inGraph?.expirationDateTime ?? ''), Date.parse(renewed?.expiresAt ?? ''));
      assert.equal(manual.sleeps.at(-1), (LIFETIME_MINUTES / 2) * MINUTE);
    } finally {
      stop.abort();
      await keeping;
    }
  });

  it('creates the subscription again after subscriptionRemoved, and the calendar is re-read', async () => {
    const first = await subscribe();
    assert.equal(h.sandbox.graphLifecycle(first.id, 'subscriptionRemoved'), true);
    const second = await waitFor(async () => {
      const now = await store.read();
      return now && now.id !== first.id ? now : undefined;
    }, 'a new subscription');
    assert.deepEqual(
      (await sandboxSubscriptions()).map((s) => s.id),
      [second.id],
    );
    await waitFor(() => (imports >= 1 ? true : undefined), 'the calendar re-read');
    // Notifications flow again, through the new subscription.
    const event = await bookEvent('Booked after the removal');
    await waitFor(async () => ((await sessionsFor(event.iCalUId)) === 1 ? 1 : undefined), 'a session');
  });

  it('creates the subscription again when Graph answers 404 on renewal, once for two renewals at once', async () => {
    const first = await subscribe();
    await graph.api(`/subscriptions/${first.id}`).delete();
    const [a, b] = await Promise.all([
      renewCalendarSubscription(deps(), { clientState, force: true }),
      recreateCalendarSubscription(deps(), { clientState }),
    ]);
    assert.ok(a.subscription && b);
    const remaining = await sandboxSubscriptions();
    assert.equal(remaining.length, 1, 'one subscription, not two');
    assert.equal((await store.read())?.id, remaining[0]?.id);
  });

  it('renews at once on reauthorizationRequired, and re-reads the calendar on missed', async () => {
    const first = await subscribe();
    (clock as FakeClock).advance(5 * MINUTE);
    assert.equal(h.sandbox.graphLifecycle(first.id, 'reauthorizationRequired'), true);
    await waitFor(async () => {
      const now = await store.read();
      return now && Date.parse(now.expiresAt) > Date.parse(first.expiresAt) ? now : undefined;
    }, 'the renewal');
    assert.equal((await store.read())?.id, first.id);
    assert.equal(imports, 0, 'a reauthorization alone re-reads nothing');
    assert.equal(h.sandbox.graphLifecycle(first.id, 'missed'), true);
    await waitFor(() => (imports === 1 ? true : undefined), 'the calendar re-read');
  });

  it('changes nothing for a notification with a wrong clientState, or for a subscription it does not hold', async () => {
    const first = await subscribe();
    const post = (clientStateSent: string, subscriptionId = first.id) =>
      fetch(service.routes.graph, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          value: [{ subscriptionId, clientState: clientStateSent, lifecycleEvent: 'subscriptionRemoved' }],
        }),
      });
    const wrong = await post(newClientState());
    assert.equal(wrong.status, 400);
    const foreign = await post(clientState, '0b6f4a57-9c8e-4d39-a0f1-5c2d7e3b1a44');
    assert.equal(foreign.status, 202);
    await service.processor.processPending();
    assert.equal((await store.read())?.id, first.id);
    assert.deepEqual(
      (await sandboxSubscriptions()).map((s) => s.id),
      [first.id],
    );
    assert.equal(imports, 0);
    // The handler checks again (a replay, or a clientState rotated since the request was stored).
    const handler = graphNotificationHandler({
      ...deps(),
      clientState: () => 'another-client-state-0123456789',
      onCalendarChanged,
    });
    const entry = service.inbox.entries().find((e) => e.route === 'graph' && e.verification === 'verified');
    assert.ok(entry);
    const replayed = await handler(
      Buffer.from(JSON.stringify({ value: [{ subscriptionId: first.id, clientState, changeType: 'created' }] })),
      entry,
    );
    assert.equal(replayed.outcome, 'ignored');
    assert.equal(imports, 0);
  });

  it('answers the validation handshake at once, as text/plain, and Graph refuses an endpoint that does not', async () => {
    const started = Date.now();
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1 & 2';
    const answer = await fetch(`${service.routes.graph}?validationToken=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    assert.ok(Date.now() - started < 10_000);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await answer.text(), token);
    await assert.rejects(
      subscribeToCalendar(deps(), { notificationUrl: `${service.url}/not-the-graph-route`, clientState }),
      (error: Error & { code?: string }) => error.code === 'graph.badRequest' && /validation/i.test(error.message),
    );
    assert.equal(await store.read(), undefined, 'nothing remembered');
  });
});
