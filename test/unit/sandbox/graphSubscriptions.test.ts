// The Graph sandbox's subscriptions: the validation handshake (echo, wrong echo, timeout), the
// subscription resource's life cycle, and change notifications when a subscribed calendar changes.

import assert from 'node:assert/strict';
import { PRACTITIONER_ID, TENANT, aGraphWorld, call, type TestWorld } from './graphTestContext';

const HOOK = 'https://hooks.example.test/graph?profile=main';

describe('sandbox graph: subscriptions', () => {
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld();
    world.service.configure({ validationTimeoutMs: 200 });
  });

  const aSubscription = (overrides: Record<string, unknown> = {}) => ({
    changeType: 'created,updated,deleted',
    notificationUrl: HOOK,
    resource: `users/${PRACTITIONER_ID}/events`,
    expirationDateTime: new Date(world.clock.now + 2 * 86_400_000).toISOString(),
    clientState: 'secret-state',
    ...overrides,
  });
  const subscribe = (body: Record<string, unknown>, roles?: string[]) =>
    call(world.service, 'POST', '/v1.0/subscriptions', { body, roles });

  it('validates the endpoint with a text/plain POST carrying validationToken, then answers 201', async () => {
    const created = await subscribe(aSubscription());
    assert.equal(created.status, 201);
    assert.equal(created.body['@odata.context'], 'https://localhost:8443/graph/v1.0/$metadata#subscriptions/$entity');
    assert.equal(created.body.clientState, 'secret-state');
    assert.equal(created.body.resource, `users/${PRACTITIONER_ID}/events`);
    const [handshake] = world.outbound;
    assert.equal(handshake?.method, 'POST');
    assert.match(handshake?.headers['content-type'] ?? '', /^text\/plain/);
    const url = new URL(handshake?.url ?? '');
    assert.equal(url.searchParams.get('profile'), 'main');
    assert.match(url.searchParams.get('validationToken') ?? '', /^Validation: Testing client application reachability/);
  });

  it('refuses the subscription when the endpoint echoes the wrong token or answers slowly', async () => {
    world.setOutbound(async () => ({ status: 200, body: 'something else' }));
    const wrong = await subscribe(aSubscription());
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'ValidationError');
    world.setOutbound(() => new Promise(() => undefined));
    const slow = await subscribe(aSubscription());
    assert.equal(slow.status, 400);
    assert.match(slow.body.error.message, /timed out/);
    const list = await call(world.service, 'GET', '/v1.0/subscriptions');
    assert.deepEqual(list.body.value, []);
  });

  it("refuses an expiration beyond Outlook's 10080 minutes and a resource the app may not read", async () => {
    const far = await subscribe(
      aSubscription({ expirationDateTime: new Date(world.clock.now + 8 * 86_400_000).toISOString() }),
    );
    assert.equal(far.status, 400);
    assert.equal(far.body.error.code, 'ValidationError');
    const denied = await subscribe(aSubscription(), ['Mail.Send']);
    assert.equal(denied.status, 403);
    assert.equal(world.outbound.length, 0);
  });

  it('gets, renews and deletes a subscription', async () => {
    const { id } = (await subscribe(aSubscription())).body as { id: string };
    assert.equal((await call(world.service, 'GET', `/v1.0/subscriptions/${id}`)).body.id, id);
    const later = new Date(world.clock.now + 5 * 86_400_000).toISOString();
    const renewed = await call(world.service, 'PATCH', `/v1.0/subscriptions/${id}`, {
      body: { expirationDateTime: later },
    });
    assert.equal(renewed.status, 200);
    assert.equal(Date.parse(renewed.body.expirationDateTime), Date.parse(later));
    assert.equal((await call(world.service, 'DELETE', `/v1.0/subscriptions/${id}`)).status, 204);
    assert.equal((await call(world.service, 'GET', `/v1.0/subscriptions/${id}`)).status, 404);
  });

  it('posts a change notification when an event in the subscribed calendar changes', async () => {
    const { id } = (await subscribe(aSubscription({ changeType: 'created' }))).body as { id: string };
    const created = await call(world.service, 'POST', `/v1.0/users/${PRACTITIONER_ID}/events`, {
      body: {
        subject: 'New',
        start: { dateTime: '2025-03-14T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2025-03-14T10:00:00', timeZone: 'UTC' },
      },
    });
    await world.service.notificationsSettled();
    const notifications = world.outbound.filter((entry) => entry.url === HOOK);
    assert.equal(notifications.length, 1);
    const [notification] = JSON.parse(notifications[0]?.body ?? '{}').value;
    assert.equal(notification.subscriptionId, id);
    assert.equal(notification.clientState, 'secret-state');
    assert.equal(notification.changeType, 'created');
    assert.equal(notification.tenantId, TENANT);
    assert.equal(notification.resourceData.id, created.body.id);
    assert.equal(notification.resource, `Users/${PRACTITIONER_ID}/Events/${created.body.id}`);
    // An update was not subscribed to, so it sends nothing.
    await call(world.service, 'PATCH', `/v1.0/users/${PRACTITIONER_ID}/events/${created.body.id}`, {
      body: { subject: 'Renamed' },
    });
    await world.service.notificationsSettled();
    assert.equal(world.outbound.filter((entry) => entry.url === HOOK).length, 1);
  });

  it('records a failed notification for inspect() without failing the change', async () => {
    await subscribe(aSubscription());
    world.setOutbound(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const created = await call(world.service, 'POST', `/v1.0/users/${PRACTITIONER_ID}/events`, {
      body: { subject: 'New', start: { dateTime: '2025-03-14T09:00:00Z' }, end: { dateTime: '2025-03-14T10:00:00Z' } },
    });
    assert.equal(created.status, 201);
    await world.service.notificationsSettled();
    const inspection = world.service.inspect() as { notificationFailures: Array<{ error: string }> };
    assert.match(inspection.notificationFailures[0]?.error ?? '', /ECONNREFUSED/);
  });
});

describe('sandbox graph: lifecycle, retries and expiry', () => {
  const LIFECYCLE = 'https://hooks.example.test/graph?lifecycle=1';
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld({ notificationRetryDelaysMs: [5, 5] });
    world.service.configure({ validationTimeoutMs: 200 });
  });
  afterEach(() => world.service.dispose?.());

  const subscribe = (overrides: Record<string, unknown> = {}) =>
    call(world.service, 'POST', '/v1.0/subscriptions', {
      body: {
        changeType: 'created,updated,deleted',
        notificationUrl: HOOK,
        lifecycleNotificationUrl: LIFECYCLE,
        resource: `users/${PRACTITIONER_ID}/events`,
        expirationDateTime: new Date(world.clock.now + 86_400_000).toISOString(),
        clientState: 'secret-state',
        ...overrides,
      },
    });
  const createEvent = () =>
    call(world.service, 'POST', `/v1.0/users/${PRACTITIONER_ID}/events`, {
      body: { subject: 'New', start: { dateTime: '2025-03-14T09:00:00Z' }, end: { dateTime: '2025-03-14T10:00:00Z' } },
    });
  async function until(condition: () => boolean, what: string): Promise<void> {
    const start = Date.now();
    while (!condition()) {
      if (Date.now() - start > 5_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
      await world.service.notificationsSettled();
    }
  }

  it('validates the lifecycleNotificationUrl too, and refuses the subscription when it does not echo', async () => {
    world.setOutbound(async (c) =>
      c.url.startsWith(LIFECYCLE)
        ? { status: 404, body: '' }
        : { status: 200, body: new URL(c.url).searchParams.get('validationToken') ?? '' },
    );
    const refused = await subscribe();
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'ValidationError');
    world.setOutbound(async (c) => ({ status: 200, body: new URL(c.url).searchParams.get('validationToken') ?? '' }));
    const created = await subscribe();
    assert.equal(created.status, 201);
    assert.equal(created.body.lifecycleNotificationUrl, LIFECYCLE);
    assert.deepEqual(
      world.outbound.slice(-2).map((c) => c.url.split('validationToken=')[0]),
      [`${HOOK}&`, `${LIFECYCLE}&`],
    );
  });

  it('retries a notification the endpoint failed until it is answered 2xx', async () => {
    await subscribe();
    let failures = 2;
    world.setOutbound(async () => (failures-- > 0 ? { status: 503, body: '' } : { status: 202, body: '' }));
    await createEvent();
    await until(() => world.outbound.filter((c) => c.url === HOOK).length === 3, 'three attempts');
    const inspection = world.service.inspect() as { notificationsDelivered: number; notificationFailures: unknown[] };
    assert.equal(inspection.notificationsDelivered, 1);
    assert.equal(inspection.notificationFailures.length, 2);
  });

  it('delivers nothing for a subscription past its expirationDateTime, which is then gone (404)', async () => {
    const { id } = (await subscribe()).body as { id: string };
    world.clock.now += 86_400_000 + 1;
    await createEvent();
    await world.service.notificationsSettled();
    assert.equal(world.outbound.filter((c) => c.url === HOOK).length, 0);
    assert.equal((await call(world.service, 'GET', `/v1.0/subscriptions/${id}`)).status, 404);
    const renew = await call(world.service, 'PATCH', `/v1.0/subscriptions/${id}`, {
      body: { expirationDateTime: new Date(world.clock.now + 3_600_000).toISOString() },
    });
    assert.equal(renew.status, 404);
  });

  it('stops retrying once the subscription is deleted', async () => {
    const { id } = (await subscribe()).body as { id: string };
    world.setOutbound(async () => ({ status: 500, body: '' }));
    await createEvent();
    await world.service.notificationsSettled();
    assert.equal((await call(world.service, 'DELETE', `/v1.0/subscriptions/${id}`)).status, 204);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await world.service.notificationsSettled();
    assert.equal(world.outbound.filter((c) => c.url === HOOK).length, 1);
  });

  it('sends lifecycle notifications to the lifecycle URL; subscriptionRemoved removes the subscription', async () => {
    const { id } = (await subscribe()).body as { id: string };
    assert.equal(world.service.fireLifecycle(id, 'reauthorizationRequired'), true);
    assert.equal(world.service.fireLifecycle(id, 'missed'), true);
    assert.equal(world.service.fireLifecycle(id, 'subscriptionRemoved'), true);
    await world.service.notificationsSettled();
    const sent = world.outbound
      .filter((c) => c.url === LIFECYCLE)
      .map((c) => (JSON.parse(c.body ?? '{}') as { value: Array<Record<string, unknown>> }).value[0]);
    assert.deepEqual(
      sent.map((n) => [n?.subscriptionId, n?.clientState, n?.lifecycleEvent]),
      [
        [id, 'secret-state', 'reauthorizationRequired'],
        [id, 'secret-state', 'missed'],
        [id, 'secret-state', 'subscriptionRemoved'],
      ],
    );
    assert.equal((await call(world.service, 'GET', `/v1.0/subscriptions/${id}`)).status, 404);
    assert.equal(world.service.fireLifecycle(id, 'missed'), false);
    const { id: plain } = (await subscribe({ lifecycleNotificationUrl: undefined })).body as { id: string };
    assert.equal(world.service.fireLifecycle(plain, 'missed'), false, 'no lifecycle URL, no lifecycle notification');
  });
});
