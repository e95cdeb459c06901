// Send Test Event… offers only the events a session has a Stripe object for: the receiver re-reads the
// object an event names, so an event about a made-up invoice could only fail when handled.
import { strict as assert } from 'node:assert';
import { loadWithVscode } from './vscodeStandIn';

type TestEvents = typeof import('../../../src/vscode/webhookTestEvent');

describe('Send Test Event', () => {
  const { testEventChoices } = loadWithVscode<TestEvents>('../../../src/vscode/webhookTestEvent', { window: {} });

  it('offers paid and failed for an invoiced session, naming its invoice', () => {
    const choices = testEventChoices({ invoiceId: 'in_1', checkoutSessionId: undefined });
    assert.deepEqual(
      choices.map((c) => [c.type, c.objectId]),
      [
        ['invoice.paid', 'in_1'],
        ['invoice.payment_failed', 'in_1'],
      ],
    );
  });

  it('offers checkout.session.completed for a session charged by link, and nothing for one never charged', () => {
    assert.deepEqual(
      testEventChoices({ invoiceId: undefined, checkoutSessionId: 'cs_test_1' }).map((c) => [c.type, c.objectId]),
      [['checkout.session.completed', 'cs_test_1']],
    );
    assert.deepEqual(testEventChoices({ invoiceId: undefined, checkoutSessionId: undefined }), []);
  });
});
