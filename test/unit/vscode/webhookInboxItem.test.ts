// A Webhook Inbox row says when, which route, what event, whether it verified and what its handling did,
// newest first; the context values are the ones the menus match; what the sender chose stays plain text;
// Show Payload's document masks what the body carries as a secret and is named after the inbox id alone.
import { strict as assert } from 'node:assert';
import type { InboxEntry } from '../../../src/core/webhooks';
import { newestFirst, webhookItemView } from '../../../src/vscode/webhookInboxItem';
import { payloadDocument } from '../../../src/vscode/webhookPayloadView';
import { WebhookPayloadKeys, webhookPayloadKeyName } from '../../../src/vscode/webhookPayloadKey';
import { MemorySecrets } from '../../builders/memorySecrets';

const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' };

function anEntry(overrides: Partial<InboxEntry> = {}): InboxEntry {
  return {
    id: 'wh_1',
    at: Date.parse('2026-11-25T10:00:05Z'),
    route: 'stripe',
    verification: 'verified',
    status: 200,
    bytes: 512,
    eventId: 'evt_1',
    eventType: 'invoice.paid',
    hasPayload: true,
    outcome: undefined,
    outcomeDetail: undefined,
    outcomeAt: undefined,
    forwards: [],
    ...overrides,
  };
}

describe('webhookItemView', () => {
  it('shows time, route, verification and outcome, labelled with the event type', () => {
    const view = webhookItemView(anEntry({ outcome: 'applied', outcomeDetail: 'session s1 paid' }), berlin);
    assert.equal(view.label, 'invoice.paid');
    assert.match(view.description, /^25 Nov, 11:00:05 · \/stripe · verified · applied$/);
    assert.equal(view.icon, 'pass');
    assert.match(view.tooltip, /Detail: session s1 paid/);
    assert.match(view.tooltip, /Event: evt_1/);
  });

  it('calls a verified request pending until it is handled, and a refused one refused with its status', () => {
    assert.equal(webhookItemView(anEntry(), berlin).contextValue, 'webhook.verified.pending');
    const refused = webhookItemView(
      anEntry({
        verification: 'badSignature',
        status: 400,
        hasPayload: false,
        eventType: undefined,
        eventId: undefined,
      }),
      berlin,
    );
    assert.equal(refused.contextValue, 'webhook.badSignature.none');
    assert.equal(refused.label, '/stripe');
    assert.match(refused.description, /bad signature · refused 400$/);
    assert.match(refused.tooltip, /body was not kept/);
  });

  it('adds forwarding results when the request was forwarded', () => {
    const view = webhookItemView(
      anEntry({
        outcome: 'applied',
        forwards: [
          { target: 'http://127.0.0.1:3000/hook', state: 'forwarded', status: 200, detail: undefined, at: 1 },
          { target: 'http://127.0.0.1:4000/hook', state: 'failed', status: undefined, detail: 'ECONNREFUSED', at: 2 },
        ],
      }),
      berlin,
    );
    assert.match(view.description, /forwarded 1\/2$/);
    assert.match(view.tooltip, /Forwarded to http:\/\/127\.0\.0\.1:3000\/hook: forwarded \(HTTP 200\)/);
    assert.match(view.tooltip, /Forwarded to http:\/\/127\.0\.0\.1:4000\/hook: failed: ECONNREFUSED/);
  });

  it('lists newest first, by time and then by id', () => {
    const entries = [
      anEntry({ id: 'wh_a_1', at: 1000 }),
      anEntry({ id: 'wh_a_3', at: 3000 }),
      anEntry({ id: 'wh_a_2', at: 2000 }),
      anEntry({ id: 'wh_a_4', at: 3000 }),
    ];
    assert.deepEqual(
      newestFirst(entries).map((e) => e.id),
      ['wh_a_4', 'wh_a_3', 'wh_a_2', 'wh_a_1'],
    );
  });

  it('gives the menus the context values they match', () => {
    const outcomes: Array<InboxEntry['outcome']> = ['applied', 'ignored', 'duplicate', 'failed'];
    assert.deepEqual(
      outcomes.map((outcome) => webhookItemView(anEntry({ outcome }), berlin).contextValue),
      ['webhook.verified.applied', 'webhook.verified.ignored', 'webhook.verified.duplicate', 'webhook.verified.failed'],
    );
  });
});

describe('payloadDocument', () => {
  it('pretty-prints the JSON and masks the clientState and client_secret the body carries', () => {
    const body = Buffer.from(
      JSON.stringify({
        value: [{ clientState: 'the-shared-secret', changeType: 'updated' }],
        data: { object: { client_secret: 'pi_1_secret_abc', amount: 100 } },
      }),
    );
    const document = payloadDocument('wh_1', body);
    assert.equal(document.language, 'json');
    assert.equal(document.name, 'Webhook wh_1.json');
    assert.doesNotMatch(document.text, /the-shared-secret|pi_1_secret_abc/);
    assert.match(document.text, /\n {2}"value": \[/);
    assert.match(document.text, /"amount": 100/);
  });

  it('keeps markup in a hostile payload as JSON text and names the document after the id alone', () => {
    const hostile = '<img src=x onerror=alert(1)>[open](command:lifeCockpit.signOut)';
    const body = Buffer.from(JSON.stringify({ type: hostile, id: '../../etc/passwd' }));
    const document = payloadDocument('wh_1/../x?y#z', body);
    assert.equal(document.name, 'Webhook wh_1____x_y_z.json');
    assert.equal(document.language, 'json');
    assert.deepEqual(JSON.parse(document.text), { type: hostile, id: '../../etc/passwd' });
  });

  it('shows a body that is not JSON as plain text', () => {
    const document = payloadDocument('wh_2', Buffer.from('<html>not json</html>'));
    assert.equal(document.language, 'plaintext');
    assert.equal(document.text, '<html>not json</html>');
  });
});

describe('WebhookPayloadKeys', () => {
  it('makes one key on first use, even when asked twice at once, and keeps it in SecretStorage per profile', async () => {
    const secrets = new MemorySecrets();
    const keys = new WebhookPayloadKeys(secrets);
    const [a, b] = await Promise.all([keys.keyFor('alpha'), keys.keyFor('alpha')]);
    assert.ok(a.equals(b), 'both callers seal with the same key');
    assert.ok((await keys.keyFor('alpha')).equals(a));
    assert.ok(secrets.map.has(webhookPayloadKeyName('alpha')));
    assert.ok(!(await keys.keyFor('beta')).equals(a), 'each profile has its own key');
  });
});
