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
