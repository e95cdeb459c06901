// The Graph sandbox behaves as Exchange does for an exactly-once sender: drafts and /send, immutable
// ids across folder moves, the Outbox → transit → Sent Items transport on the sandbox clock, the
// per-mailbox sending rate (surplus queued, no error), the extended-property filter on Drafts, Outbox
// and Sent Items, Mail.Read for extended properties, and the inspector's folders and timeline.

import assert from 'node:assert/strict';
import { PRACTITIONER_ID, aGraphWorld, aMail, call, type Answer, type TestWorld } from './graphTestContext';

const PROP = 'String {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Name ReminderId';
/** Outlook hands the property id back with the GUID in lower case. */
const STORED_PROP = 'String {8eccc264-6880-4ebe-992f-8888d2eeaa1d} Name ReminderId';
const IMMUTABLE = { prefer: 'IdType="ImmutableId"' };
const user = `/v1.0/users/${PRACTITIONER_ID}`;
const folder = (name: string): string => `${user}/mailFolders/${name}/messages`;
const tagged = (value: string): string =>
  `$filter=${encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq '${value}')`)}` +
  `&$expand=${encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${PROP}')`)}`;

interface Inspected {
  mailboxes: Array<{
    id: string;
    drafts: Array<{ immutableId: string }>;
    outbox: Array<{ immutableId: string }>;
    inTransit: Array<{ immutableId: string }>;
    sentItems: Array<{ immutableId: string; extendedProperties: Array<{ value: string }> }>;
    submissions: {
      total: number;
      overRate: number;
      timeline: Array<{ immutableId: string; acceptedAt: string; leavesOutboxAt: string; overRate: boolean }>;
    };
  }>;
}

describe('sandbox graph: drafts, /send and Exchange transport', () => {
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld({ transportDelayMs: 2_000, transitGapMs: 500 });
  });

  const draft = (reminderId: string, headers: Record<string, string> = IMMUTABLE): Promise<Answer> =>
    call(world.service, 'POST', `${user}/messages`, {
      headers,
      body: { ...(aMail().message as object), singleValueExtendedProperties: [{ id: PROP, value: reminderId }] },
    });
  const send = (id: string): Promise<Answer> =>
    call(world.service, 'POST', `${user}/messages/${encodeURIComponent(id)}/send`);
  const get = (id: string, headers: Record<string, string> = IMMUTABLE): Promise<Answer> =>
    call(world.service, 'GET', `${user}/messages/${encodeURIComponent(id)}`, { headers });
  const list = async (name: string, query = ''): Promise<Array<Record<string, unknown>>> => {
    const answer = await call(world.service, 'GET', `${folder(name)}?${query}`, { headers: IMMUTABLE });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.value as Array<Record<string, unknown>>;
  };
  const mailbox = (): Inspected['mailboxes'][number] => {
    const found = (world.service.inspect() as Inspected).mailboxes.find((m) => m.id === PRACTITIONER_ID);
    assert.ok(found);
    return found;
  };

  it('creates a draft (201, isDraft, in Drafts) that is sent only by /send', async () => {
    const created = await draft('r-1');
    assert.equal(created.status, 201);
    assert.equal(created.body.isDraft, true);
    assert.equal(created.body.sentDateTime, null);
    const drafts = await list('drafts');
    assert.deepEqual(
      drafts.map((m) => m.id),
      [created.body.id],
    );
    assert.equal((await list('sentitems')).length, 0);
    assert.equal(mailbox().submissions.total, 0);
    assert.equal((await send(created.body.id)).status, 202);
    assert.equal((await list('drafts')).length, 0);
    assert.equal(mailbox().submissions.total, 1);
  });

  it('keeps a message in the Outbox, still a draft, for the transport delay, then 404s it in transit, then shows it in Sent Items', async () => {
    const { id } = (await draft('r-1')).body;
    const accepted = await send(id);
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body, undefined);

    world.clock.now += 1_999;
    const inOutbox = await get(id);
    assert.equal(inOutbox.status, 200);
    assert.equal(inOutbox.body.isDraft, true, 'Exchange can show a submitted message still flagged a draft');
    assert.equal((await list('outbox')).length, 1);
    assert.equal((await list('sentitems')).length, 0);

    world.clock.now += 1; // transport takes it
    assert.equal((await get(id)).status, 404, 'in transit: in no folder');
    assert.equal((await list('outbox')).length, 0);
    assert.equal((await list('sentitems')).length, 0);
    assert.equal(mailbox().inTransit.length, 1);

    world.clock.now += 500; // the Sent Items copy exists
    const sent = await get(id);
    assert.equal(sent.status, 200);
    assert.equal(sent.body.isDraft, false);
    assert.equal(sent.body.sentDateTime, '2025-03-10T08:00:02Z');
    assert.equal((await list('sentitems')).length, 1);
  });

  it('keeps an immutable id across the move to Sent Items; without the Prefer header the id changes with the folder', async () => {
    const immutable = (await draft('r-1')).body.id as string;
    const plain = (await get(immutable, {})).body.id as string;
    assert.notEqual(plain, immutable, 'the Prefer header applies only to the request that carries it');
    assert.equal((await get(plain)).body.id, immutable, 'a draft is found by either id');
    await send(immutable);
    world.clock.now += 2_500;

    const byImmutable = await get(immutable);
    assert.equal(byImmutable.status, 200);
    assert.equal(byImmutable.body.id, immutable);
    assert.equal(byImmutable.body.isDraft, false);
    assert.equal((await get(plain, {})).status, 404, 'the Drafts id is gone after the move');
    const sentPlain = (await list('sentitems'))[0];
    assert.equal(sentPlain?.id, immutable);
    const withoutPrefer = await call(world.service, 'GET', folder('sentitems'));
    assert.notEqual(withoutPrefer.body.value[0].id, plain);
    assert.notEqual(withoutPrefer.body.value[0].id, immutable);
  });

  it('finds a message by its extended property in Drafts, the Outbox and Sent Items, expanding only that property', async () => {
    const first = (await draft('r-1')).body.id as string;
    await draft('r-2');
    const inDrafts = await list('drafts', tagged('r-1'));
    assert.deepEqual(
      inDrafts.map((m) => m.id),
      [first],
    );
    assert.deepEqual(inDrafts[0]?.singleValueExtendedProperties, [{ id: STORED_PROP, value: 'r-1' }]);
    await send(first);
    assert.equal((await list('drafts', tagged('r-1'))).length, 0);
    assert.deepEqual(
      (await list('outbox', tagged('r-1'))).map((m) => m.id),
      [first],
    );
    assert.equal((await list('outbox', tagged('r-2'))).length, 0);
    world.clock.now += 2_500;
    assert.equal((await list('outbox', tagged('r-1'))).length, 0);
    const inSent = await list('sentitems', tagged('r-1'));
    assert.deepEqual(
      inSent.map((m) => m.id),
      [first],
    );
    assert.deepEqual(inSent[0]?.singleValueExtendedProperties, [{ id: STORED_PROP, value: 'r-1' }]);
  });

  it('refuses to read extended properties with Mail.ReadBasic alone (Mail.Read is needed)', async () => {
    await draft('r-1');
    const basic = { roles: ['Mail.ReadBasic.All'], headers: IMMUTABLE };
    const listed = await call(world.service, 'GET', folder('drafts'), basic);
    assert.equal(listed.status, 200);
    const filtered = await call(world.service, 'GET', `${folder('drafts')}?${tagged('r-1')}`, basic);
    assert.equal(filtered.status, 403);
    assert.equal(filtered.body.error.code, 'ErrorAccessDenied');
    const full = await call(world.service, 'GET', `${folder('drafts')}?${tagged('r-1')}`, {
      roles: ['Mail.Read'],
      headers: IMMUTABLE,
    });
    assert.equal(full.status, 200);
    assert.equal(full.body.value.length, 1);
  });

  it('puts sendMail through the same transport: Outbox first, Sent Items after the delay', async () => {
    const answer = await call(world.service, 'POST', `${user}/sendMail`, {
      body: aMail({}, { singleValueExtendedProperties: [{ id: PROP, value: 'r-9' }] }),
    });
    assert.equal(answer.status, 202);
    assert.equal((await list('outbox', tagged('r-9'))).length, 1);
    assert.equal((await list('sentitems')).length, 0);
    world.clock.now += 2_500;
    assert.equal((await list('outbox')).length, 0);
    assert.equal((await list('sentitems', tagged('r-9'))).length, 1);
  });

  it('accepts submissions beyond 30 a minute with no error and lets the surplus leave the Outbox a minute later', async () => {
    for (let i = 0; i < 35; i++) {
      const { id } = (await draft(`r-${i}`)).body;
      assert.equal((await send(id)).status, 202, `submission ${i + 1} is accepted`);
    }
    const inspected = mailbox();
    assert.equal(inspected.submissions.total, 35);
    assert.equal(inspected.submissions.overRate, 5);
    assert.deepEqual(
      inspected.submissions.timeline.map((entry) => entry.overRate).lastIndexOf(false),
      29,
      'the first 30 are within the rate',
    );
    world.clock.now += 2_500;
    assert.equal((await list('sentitems', '$top=100')).length, 30);
    assert.equal((await list('outbox', '$top=100')).length, 5, 'the surplus is queued on the server');
    world.clock.now += 59_499; // a minute after the first 30 left, less 1 ms
    assert.equal((await list('outbox', '$top=100')).length, 5);
    world.clock.now += 1 + 500;
    assert.equal((await list('outbox', '$top=100')).length, 0);
    assert.equal((await list('sentitems', '$top=100')).length, 35);
  });

  it('counts the rate over a sliding minute: 30 now and 30 more a minute later are all within it', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 30; i++) await send((await draft(`r-${round}-${i}`)).body.id);
      world.clock.now += 60_000;
    }
    assert.equal(mailbox().submissions.overRate, 0);
    assert.equal((await list('sentitems', '$top=100')).length, 60);
  });

  it('runs the per-minute limit and the transport delay faster under a time scale', async () => {
    world.service.configure({ timeScale: 60 });
    for (let i = 0; i < 31; i++) await send((await draft(`r-${i}`)).body.id);
    world.clock.now += 2_500 / 60 + 1;
    assert.equal((await list('sentitems', '$top=100')).length, 30);
    world.clock.now += 1_000; // one Exchange minute at 60×
    assert.equal((await list('sentitems', '$top=100')).length, 31);
  });

  it('answers the fifth concurrent request on a mailbox with 429 and Retry-After', async () => {
    world.service.configure({ latencyMs: 20 });
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => draft(`r-${i}`)));
    const throttled = answers.filter((answer) => answer.status === 429);
    assert.equal(throttled.length, 1);
    assert.equal(throttled[0]?.headers['retry-after'], '1');
    assert.equal(throttled[0]?.body.error.code, 'ApplicationThrottled');
    assert.equal(answers.filter((answer) => answer.status === 201).length, 4);
    assert.equal(mailbox().drafts.length, 4);
  });

  it('refuses to send a draft without recipients and leaves it in Drafts', async () => {
    const created = await call(world.service, 'POST', `${user}/messages`, {
      headers: IMMUTABLE,
      body: { subject: 'No one yet' },
    });
    assert.equal(created.status, 201);
    const refused = await send(created.body.id);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'ErrorInvalidRecipients');
    assert.equal((await list('drafts')).length, 1);
    assert.equal(mailbox().submissions.total, 0);
  });

  it('sends a second mail when a message still in the Outbox is sent again, and refuses one in Sent Items', async () => {
    const { id } = (await draft('r-1')).body;
    await send(id);
    assert.equal((await send(id)).status, 202);
    world.clock.now += 2_500;
    const sent = await list('sentitems', tagged('r-1'));
    assert.equal(sent.length, 2, 'a re-send of a submitted message is a duplicate mail');
    const again = await send(id);
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'ErrorInvalidOperation');
  });

  it('needs Mail.ReadWrite to create a draft and Mail.Send to send it', async () => {
    const denied = await call(world.service, 'POST', `${user}/messages`, { roles: ['Mail.Send'], body: {} });
    assert.equal(denied.status, 403);
    const { id } = (await draft('r-1')).body;
    const noSend = await call(world.service, 'POST', `${user}/messages/${encodeURIComponent(id)}/send`, {
      roles: ['Mail.ReadWrite'],
    });
    assert.equal(noSend.status, 403);
  });

  it('reports each folder and the submission timeline per mailbox in inspect()', async () => {
    const kept = (await draft('r-1')).body.id as string;
    const sentId = (await draft('r-2')).body.id as string;
    await send(sentId);
    let inspected = mailbox();
    assert.deepEqual(
      inspected.drafts.map((m) => m.immutableId),
      [kept],
    );
    assert.deepEqual(
      inspected.outbox.map((m) => m.immutableId),
      [sentId],
    );
    assert.deepEqual(inspected.submissions.timeline, [
      {
        immutableId: sentId,
        acceptedAt: '2025-03-10T08:00:00.000Z',
        leavesOutboxAt: '2025-03-10T08:00:02.000Z',
        inSentItemsAt: '2025-03-10T08:00:02.500Z',
        overRate: false,
      },
    ]);
    world.clock.now += 2_500;
    inspected = mailbox();
    assert.equal(inspected.outbox.length, 0);
    assert.deepEqual(
      inspected.sentItems.map((m) => [m.immutableId, m.extendedProperties[0]?.value]),
      [[sentId, 'r-2']],
    );
  });

  it('keeps the Outbox and its transport times through export and import', async () => {
    const { id } = (await draft('r-1')).body;
    await send(id);
    const saved = JSON.parse(JSON.stringify(world.service.exportState())) as unknown;
    const restored = aGraphWorld({ transportDelayMs: 2_000, transitGapMs: 500 });
    restored.service.importState(saved);
    assert.equal((await call(restored.service, 'GET', `${folder('outbox')}`)).body.value.length, 1);
    restored.clock.now += 2_500;
    const sent = await call(restored.service, 'GET', `${user}/messages/${encodeURIComponent(id)}`);
    assert.equal(sent.status, 200);
    assert.equal(sent.body.isDraft, false);
  });
});
