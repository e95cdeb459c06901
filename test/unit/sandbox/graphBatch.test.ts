// The Graph sandbox's JSON $batch and Outlook's per-mailbox concurrency limit, alone and together.

import assert from 'node:assert/strict';
import { PRACTITIONER_ID, aGraphWorld, aMail, call, type Answer, type TestWorld } from './graphTestContext';

const sendUrl = `/users/${PRACTITIONER_ID}/sendMail`;
const jsonHeaders = { 'Content-Type': 'application/json' };
const sendItem = (id: string, body: unknown = aMail(), extra: Record<string, unknown> = {}) => ({
  id,
  method: 'POST',
  url: sendUrl,
  headers: jsonHeaders,
  body,
  ...extra,
});

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { error?: { code: string } } & Record<string, unknown>;
}

function byId(answer: Answer): Map<string, InnerResponse> {
  return new Map((answer.body.responses as InnerResponse[]).map((response) => [response.id, response]));
}

describe('sandbox graph: $batch and mailbox concurrency', () => {
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld({ latencyMs: 15 });
  });

  const batch = (requests: unknown[], roles?: string[]) =>
    call(world.service, 'POST', '/v1.0/$batch', { body: { requests }, roles });
  const directSend = () => call(world.service, 'POST', `/v1.0${sendUrl}`, { body: aMail() });

  it('lets exactly four requests per mailbox be in flight: the fifth gets 429 ApplicationThrottled', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => directSend()));
    const throttled = answers.filter((answer) => answer.status === 429);
    assert.equal(throttled.length, 1);
    assert.equal(answers.filter((answer) => answer.status === 202).length, 4);
    const [refused] = throttled;
    assert.equal(refused?.body.error.code, 'ApplicationThrottled');
    assert.equal(refused?.body.error.message, 'Application is over its MailboxConcurrency limit.');
    assert.equal(refused?.headers['retry-after'], '1');
    assert.equal((world.service.inspect() as { throttled: number }).throttled, 1);
  });

  it('counts concurrency per app and per mailbox, and frees the slot when a request ends', async () => {
    const otherApp = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
    const answers = await Promise.all([
      ...[1, 2, 3, 4].map(() => directSend()),
      call(world.service, 'POST', `/v1.0${sendUrl}`, { body: aMail(), appId: otherApp }),
      call(world.service, 'POST', '/v1.0/users/sam.whitfield@contoso-practice.test/sendMail', { body: aMail() }),
    ]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [202, 202, 202, 202, 202, 202],
    );
    assert.equal((await directSend()).status, 202);
  });

  it('runs a batch of 20 sendMails to one mailbox without throttling itself', async () => {
    const answer = await batch(Array.from({ length: 20 }, (_, i) => sendItem(String(i + 1))));
    assert.equal(answer.status, 200);
    const responses = [...byId(answer).values()];
    assert.equal(responses.length, 20);
    assert.ok(responses.every((response) => response.status === 202 && response.body === undefined));
    const list = await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}/messages?$top=50`);
    assert.equal(list.body.value.length, 20);
  });

  it('throttles batch items when other requests already fill the mailbox, with Retry-After inside', async () => {
    // The four direct requests start first and hold every slot for their 15 ms of service time.
    const answers = await Promise.all([...[1, 2, 3, 4].map(() => directSend()), batch([sendItem('a'), sendItem('b')])]);
    const answer = answers[4] as Answer;
    const responses = byId(answer);
    const a = responses.get('a');
    assert.equal(a?.status, 429);
    assert.equal(a?.headers['retry-after'], '1');
    assert.equal(a?.body?.error?.code, 'ApplicationThrottled');
    assert.equal(responses.get('b')?.status, 429);
    assert.equal(answer.status, 200);
  });

  it('refuses more than 20 requests, duplicate ids and versioned urls as a whole', async () => {
    const tooMany = await batch(Array.from({ length: 21 }, (_, i) => sendItem(String(i))));
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.code, 'BadRequest');
    assert.match(tooMany.body.error.message, /20/);
    const duplicate = await batch([sendItem('1'), sendItem('1')]);
    assert.equal(duplicate.status, 400);
    const versioned = await batch([{ id: '1', method: 'GET', url: `/v1.0/users/${PRACTITIONER_ID}` }]);
    assert.equal(versioned.status, 400);
    assert.equal(versioned.body.error.message, 'Invalid batch payload format.');
    const noContentType = await batch([{ id: '1', method: 'POST', url: sendUrl, body: aMail() }]);
    assert.equal(noContentType.status, 400);
    const unknownDependency = await batch([sendItem('1', aMail(), { dependsOn: ['9'] })]);
    assert.equal(unknownDependency.status, 400);
    assert.equal((await call(world.service, 'GET', `/v1.0/users/${PRACTITIONER_ID}/messages`)).body.value.length, 0);
  });

  it('answers 424 for the dependents of a failed request and runs the rest', async () => {
    const bad = aMail({}, { toRecipients: [] });
    const answer = await batch([
      sendItem('1', bad),
      sendItem('2', aMail(), { dependsOn: ['1'] }),
      sendItem('3', aMail(), { dependsOn: ['2'] }),
      { id: '4', method: 'GET', url: `/users/${PRACTITIONER_ID}?$select=mail` },
      sendItem('5', aMail(), { dependsOn: ['4'] }),
    ]);
    const responses = byId(answer);
    assert.equal(responses.get('1')?.status, 400);
    assert.equal(responses.get('1')?.body?.error?.code, 'ErrorInvalidRecipients');
    assert.equal(responses.get('2')?.status, 424);
    assert.equal(responses.get('3')?.status, 424);
    assert.equal(responses.get('4')?.status, 200);
    assert.equal(responses.get('4')?.body?.mail, 'dr.morgan@contoso-practice.test');
    assert.equal(responses.get('5')?.status, 202);
  });

  it('checks roles per inner request under the batch token', async () => {
    const answer = await batch([sendItem('1'), { id: '2', method: 'GET', url: '/users' }], ['Mail.Send']);
    const responses = byId(answer);
    assert.equal(responses.get('1')?.status, 202);
    assert.equal(responses.get('2')?.status, 403);
    assert.equal(responses.get('2')?.body?.error?.code, 'Authorization_RequestDenied');
  });

  it('needs a valid token for the batch itself', async () => {
    const answer = await call(world.service, 'POST', '/v1.0/$batch', {
      body: { requests: [sendItem('1')] },
      anonymous: true,
    });
    assert.equal(answer.status, 401);
  });
});
