// The sandbox's SendGrid over a real socket, answering POST /v3/mail/send as SendGrid does: 202 with an empty
// body and X-Message-Id, 400 with errors[], 401 for a wrong key, 429 past the key's limit with X-RateLimit-*,
// the accepted mail listed by the inspector, and an answer lost after the message was accepted.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { HttpClient, type HttpResponse } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { createSendGridService } from '../../../src/sandbox/sendgrid';

const goodBody = {
  personalizations: [{ to: [{ email: 'alex@example.test', name: 'Alex' }] }],
  from: { email: 'dr.morgan@practice.example' },
  subject: 'Your session',
  content: [
    { type: 'text/plain', value: 'See you.' },
    { type: 'text/html', value: '<p>See you.</p>' },
  ],
  headers: { 'Message-ID': '<abc@practice.example>' },
  custom_args: { reminderId: 'r-1' },
};

describe('sandbox SendGrid', function () {
  this.timeout(20_000);
  let sandbox: RunningSandbox;
  let http: HttpClient;

  before(async () => {
    sandbox = await startSandbox({
      clients: 2,
      services: { sendgrid: (ctx) => createSendGridService(ctx, { requestsPerPeriod: 3 }) },
    });
    http = new HttpClient({
      logger: silentLogger,
      trust: { ca: readFileSync(sandbox.info.caFile), origins: [sandbox.urls.origin] },
    });
  });
  after(async () => {
    await http.close();
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.faults.clear();
  });

  const post = (body: unknown, key = sandbox.info.sendgridApiKey): Promise<HttpResponse> =>
    http.request({
      service: 'sendgrid',
      method: 'POST',
      url: `${sandbox.info.sendgridUrl}/v3/mail/send`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const messages = (): Array<Record<string, unknown>> =>
    ((sandbox.inspect().services as Record<string, { messages: Array<Record<string, unknown>> }>).sendgrid?.messages ??
      []) as Array<Record<string, unknown>>;

  it('names its URL, key and env vars in the ready line', () => {
    assert.equal(sandbox.info.sendgridUrl, sandbox.urls.origin);
    assert.match(sandbox.info.sendgridApiKey, /^SG\.[\w-]{22}\.[\w-]{43}$/);
    assert.equal(sandbox.info.env.LC_SENDGRID_URL, sandbox.info.sendgridUrl);
    assert.equal(sandbox.info.env.LC_SENDGRID_API_KEY, sandbox.info.sendgridApiKey);
  });

  it('accepts a message with 202, an empty body, X-Message-Id and the rate-limit headers, and lists it', async () => {
    const response = await post(goodBody);
    assert.equal(response.status, 202);
    assert.equal(await response.text(), '');
    assert.match(response.headers['x-message-id'] ?? '', /^[\w-]{22}$/);
    assert.equal(response.headers['x-ratelimit-limit'], '3');
    assert.equal(response.headers['x-ratelimit-remaining'], '2');
    assert.match(response.headers['x-ratelimit-reset'] ?? '', /^\d{10}$/);
    const [listed] = messages();
    assert.equal(listed?.messageId, response.headers['x-message-id']);
    assert.deepEqual(listed?.to, ['alex@example.test']);
    assert.deepEqual(listed?.customArgs, { reminderId: 'r-1' });
    assert.equal((listed?.headers as Record<string, string>)['Message-ID'], '<abc@practice.example>');
  });

  it('answers 400 with errors[] naming each field wrong, and keeps nothing', async () => {
    const response = await post({
      ...goodBody,
      subject: '',
      content: [
        { type: 'text/html', value: '<p>x</p>' },
        { type: 'text/plain', value: 'x' },
      ],
      headers: { From: 'someone@else.example' },
    });
    assert.equal(response.status, 400);
    const { errors } = (await response.json()) as { errors: Array<{ field: string | null; message: string }> };
    assert.deepEqual(errors.map((e) => e.field).sort(), ['content.1.type', 'headers', 'subject']);
    const unreadable = await post('{not json');
    assert.equal(unreadable.status, 400);
    assert.equal(messages().length, 0);
  });

  it('answers 401 for a wrong key, before counting the request', async () => {
    const response = await post(goodBody, 'SG.wrong.key');
    assert.equal(response.status, 401);
    const { errors } = (await response.json()) as { errors: Array<{ message: string }> };
    assert.match(errors[0]?.message ?? '', /authorization grant is invalid/);
    assert.equal((await post(goodBody)).headers['x-ratelimit-remaining'], '2');
  });

  it('answers 429 "too many requests" past the limit, with X-RateLimit-Remaining 0 and the reset', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await post(goodBody)).status, 202);
    const response = await post(goodBody);
    assert.equal(response.status, 429);
    assert.equal(response.headers['x-ratelimit-remaining'], '0');
    assert.ok(Number(response.headers['x-ratelimit-reset']) * 1000 > Date.now() - 1000);
    const { errors } = (await response.json()) as { errors: Array<{ message: string }> };
    assert.equal(errors[0]?.message, 'too many requests');
    assert.equal(messages().length, 3);
  });

  it('keeps a message whose answer is lost by a lostAnswer fault', async () => {
    sandbox.faults.add({ service: 'sendgrid', kind: 'lostAnswer', rate: 1, limit: 1 });
    await assert.rejects(post(goodBody));
    assert.equal(messages().length, 1);
  });

  it('answers a throttle fault in SendGrid shape, with no Retry-After but X-RateLimit-Reset', async () => {
    sandbox.faults.add({ service: 'sendgrid', kind: 'throttle', rate: 1, value: 5, limit: 1 });
    const response = await post(goodBody);
    assert.equal(response.status, 429);
    assert.equal(response.headers['retry-after'], undefined);
    assert.match(response.headers['x-ratelimit-reset'] ?? '', /^\d{10}$/);
    assert.equal(messages().length, 0);
  });
});
