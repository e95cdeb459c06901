// Drives the sandbox's Graph with the real @microsoft/microsoft-graph-client (tokens from the real
// @azure/msal-node against the sandbox's Entra ID): users, sendMail found again by extended
// property once transport delivered it, a draft created with an immutable id and sent with /send,
// calendarView, a $batch with dependsOn, a 403 without Mail.Send, and a subscription whose
// webhook receives the handshake and a change notification.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { BatchResponseContent, Client, GraphError } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { readFile } from 'node:fs/promises';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { createGraphService } from '../../../src/sandbox/graph';
import { sandboxNetworkModule } from './entraNetwork';

const PROP = 'String {2bd8f2a4-5f8e-4d3a-9a43-6a1e7a0c1b11} Name LifeCockpitReminderId';
/** A list answer; tests read its fields directly, typing each would drown the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Page = { value: Array<Record<string, any>> };
/** A short Exchange transport so the suite waits for Sent Items without sitting idle. */
const TRANSPORT = { transportDelayMs: 300, transitGapMs: 200 };

/** Polls until `read` gives a value `done` accepts (no fixed sleeps: transport takes its own time). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sandbox graph with the real Graph client', function () {
  this.timeout(30_000);
  let sandbox: RunningSandbox;
  let graph: Client;
  let agent: Agent;
  let webhook: Server;
  let webhookUrl: string;
  const notifications: Array<{ value: Array<Record<string, unknown>> }> = [];

  const clientWithToken = (token: () => Promise<string>): Client =>
    Client.init({
      baseUrl: sandbox.info.graphUrl,
      defaultVersion: 'v1.0',
      // The SDK attaches the bearer token only for graph.microsoft.com or a host listed here.
      customHosts: new Set(['localhost']),
      // Node's fetch takes an undici dispatcher; ours trusts the sandbox CA.
      fetchOptions: { dispatcher: agent } as unknown as RequestInit,
      authProvider: (done) => {
        token().then(
          (value) => done(null, value),
          (error: unknown) => done(error, null),
        );
      },
    });

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      seed: 'graph-client-test',
      clients: 5,
      services: { graph: (ctx) => createGraphService(ctx, TRANSPORT) },
    });
    const ca = await readFile(sandbox.info.caFile, 'utf8');
    agent = new Agent({ connect: { ca } });
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.info.clientId,
        clientSecret: sandbox.info.clientSecret,
        authority: sandbox.info.authority,
        knownAuthorities: [sandbox.info.knownAuthority],
      },
      system: { networkClient: sandboxNetworkModule(ca) },
    });
    graph = clientWithToken(async () => {
      const result = await msal.acquireTokenByClientCredential({ scopes: [sandbox.info.graphScope] });
      if (!result) throw new Error('no token');
      return result.accessToken;
    });
    webhook = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const token = url.searchParams.get('validationToken');
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (token !== null) {
          res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
          return;
        }
        notifications.push(
          JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: Array<Record<string, unknown>> },
        );
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/graph`;
  });

  after(async () => {
    await sandbox?.stop();
    await new Promise<void>((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
    await agent?.close();
  });

  it('lists users with paging and gets the mailbox by userPrincipalName', async () => {
    const page = await graph.api('/users').select('id,mail').top(2).get();
    assert.equal(page.value.length, 2);
    assert.ok(page['@odata.nextLink']);
    const rest = await graph.api(page['@odata.nextLink']).get();
    assert.equal(rest.value.length, 1);
    const me = await graph.api(`/users/${sandbox.info.mailbox}`).get();
    assert.equal(me.mail, sandbox.info.mailbox);
  });

  it('sends mail and finds it again in Sent Items by its extended property', async () => {
    await graph.api(`/users/${sandbox.info.mailbox}/sendMail`).post({
      message: {
        subject: 'Your session on Monday',
        body: { contentType: 'Text', content: 'See you then.' },
        toRecipients: [{ emailAddress: { address: 'client@example.com' } }],
        singleValueExtendedProperties: [{ id: PROP, value: 'rem-42' }],
      },
    });
    const found = await eventually(
      () =>
        graph
          .api(`/users/${sandbox.info.mailbox}/mailFolders/sentitems/messages`)
          .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq 'rem-42')`)
          .expand(`singleValueExtendedProperties($filter=id eq '${PROP}')`)
          .select('subject,sentDateTime')
          .get() as Promise<Page>,
      (page) => page.value.length > 0,
    );
    assert.equal(found.value.length, 1);
    assert.equal(found.value[0].subject, 'Your session on Monday');
    assert.equal(found.value[0].singleValueExtendedProperties[0].value, 'rem-42');
  });

  it('creates a draft with an immutable id, sends it, and finds it by that id and its extended property in Sent Items', async () => {
    const byReminder = (folder: string) =>
      graph
        .api(`/users/${sandbox.info.mailbox}/mailFolders/${folder}/messages`)
        .header('Prefer', 'IdType="ImmutableId"')
        .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq 'rem-77')`)
        .expand(`singleValueExtendedProperties($filter=id eq '${PROP}')`)
        .get() as Promise<Page>;
    const draft = await graph
      .api(`/users/${sandbox.info.mailbox}/messages`)
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        subject: 'Reminder: your session tomorrow',
        body: { contentType: 'Text', content: 'See you at 9.' },
        toRecipients: [{ emailAddress: { address: 'client@example.com' } }],
        singleValueExtendedProperties: [{ id: PROP, value: 'rem-77' }],
      });
    assert.equal(draft.isDraft, true);
    assert.deepEqual(
      (await byReminder('drafts')).value.map((m) => m.id),
      [draft.id],
    );

    await graph.api(`/users/${sandbox.info.mailbox}/messages/${draft.id}/send`).post(null);
    assert.equal((await byReminder('drafts')).value.length, 0);

    const sent = await eventually(
      () => byReminder('sentitems'),
      (page) => page.value.length > 0,
    );
    assert.deepEqual(
      sent.value.map((m) => m.id),
      [draft.id],
      'the immutable id survives the move',
    );
    assert.equal(sent.value[0]?.isDraft, false);
    assert.equal(sent.value[0]?.singleValueExtendedProperties[0].value, 'rem-77');
    const byId = await graph
      .api(`/users/${sandbox.info.mailbox}/messages/${draft.id}`)
      .header('Prefer', 'IdType="ImmutableId"')
      .get();
    assert.equal(byId.id, draft.id);
    assert.equal(byId.isDraft, false);
  });

  it('reads the calendar through calendarView', async () => {
    const inCalendar = sandbox.practice.sessions.filter((session) => session.inCalendar);
    assert.ok(inCalendar.length > 0);
    const first = inCalendar.reduce((a, b) => (a.start < b.start ? a : b));
    const start = new Date(Date.parse(first.start) - 60_000).toISOString();
    const end = new Date(Date.parse(first.start) + 60_000).toISOString();
    const expected = inCalendar.filter(
      (s) => Date.parse(s.start) < Date.parse(end) && Date.parse(s.end) > Date.parse(start),
    );
    const view = await graph
      .api(`/users/${sandbox.info.mailbox}/calendarView`)
      .query({ startDateTime: start, endDateTime: end })
      .header('Prefer', 'outlook.timezone="UTC"')
      .top(50)
      .get();
    assert.equal(view.value.length, expected.length);
    assert.equal(view.value[0].start.timeZone, 'UTC');
    assert.deepEqual(view.value[0].categories, ['Client session']);
  });

  it('runs a $batch whose dependent fails with 424 after a failed request', async () => {
    const send = (id: string, to: string, dependsOn?: string[]) => ({
      id,
      method: 'POST',
      url: `/users/${sandbox.info.mailbox}/sendMail`,
      headers: { 'Content-Type': 'application/json' },
      body: { message: { subject: `batch ${id}`, toRecipients: to ? [{ emailAddress: { address: to } }] : [] } },
      ...(dependsOn ? { dependsOn } : {}),
    });
    const raw = await graph.api('/$batch').post({
      requests: [
        send('1', 'a@example.com'),
        send('2', '', ['1']),
        send('3', 'b@example.com', ['2']),
        send('4', 'c@example.com', ['1']),
      ],
    });
    const batch = new BatchResponseContent(raw);
    assert.equal(batch.getResponseById('1').status, 202);
    assert.equal(batch.getResponseById('2').status, 400);
    assert.equal(batch.getResponseById('3').status, 424);
    assert.equal(batch.getResponseById('4').status, 202);
  });

  it('refuses sendMail with 403 ErrorAccessDenied for a token without Mail.Send', async () => {
    const token = await sandbox.mintToken({ audience: 'https://graph.microsoft.com', roles: ['User.Read.All'] });
    const limited = clientWithToken(async () => token);
    await assert.rejects(
      limited
        .api(`/users/${sandbox.info.mailbox}/sendMail`)
        .post({ message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@example.com' } }] } }),
      (error: unknown) => error instanceof GraphError && error.statusCode === 403 && error.code === 'ErrorAccessDenied',
    );
  });

  it('subscribes a webhook (handshake) and notifies it when an event is created', async () => {
    const subscription = await graph.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: webhookUrl,
      resource: `users/${sandbox.info.mailbox}/events`,
      expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      clientState: 'lc-state',
    });
    assert.ok(subscription.id);
    const event = await graph.api(`/users/${sandbox.info.mailbox}/events`).post({
      subject: 'Intake',
      start: { dateTime: '2030-01-07T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-01-07T10:00:00', timeZone: 'UTC' },
    });
    await waitFor(() => notifications.length > 0);
    const [change] = notifications[0]?.value ?? [];
    assert.equal(change?.subscriptionId, subscription.id);
    assert.equal(change?.clientState, 'lc-state');
    assert.equal((change?.resourceData as { id: string }).id, event.id);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
