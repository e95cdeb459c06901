// What clients owe: the Needs Attention total, the agent's payments_outstanding and the dashboard read it.
import { strict as assert } from 'node:assert';
import { outstandingPayments } from '../../../src/core/sessions';
import { aSession } from '../../builders/sessionBuilder';

const NOW = new Date('2026-11-25T09:00:00Z');

describe('outstanding payments', () => {
  it('sums the fees of attended sessions nobody has paid, oldest first, split by payment state', () => {
    const neverCharged = aSession().attended().fee(9000).at('2026-11-20T09:00:00Z').build();
    const invoiced = aSession().attended().payment('invoiced').fee(12000).at('2026-11-10T09:00:00Z').build();
    const failed = aSession().attended().payment('failed').fee(5000).at('2026-11-18T09:00:00Z').build();
    const result = outstandingPayments([neverCharged, invoiced, failed], NOW);
    assert.deepEqual(
      result.sessions.map((s) => s.id),
      [invoiced.id, failed.id, neverCharged.id],
    );
    assert.equal(result.totalCents, 26000);
    assert.deepEqual(result.byPayment, { none: 9000, invoiced: 12000, failed: 5000 });
  });

  it('leaves out what is paid, refunded, free, not attended, or not over yet', () => {
    const sessions = [
      aSession().attended().paid().at('2026-11-20T09:00:00Z').build(),
      aSession().attended().payment('refunded').at('2026-11-20T09:00:00Z').build(),
      aSession().attended().fee(0).at('2026-11-20T09:00:00Z').build(),
      aSession().attended().fee(undefined).at('2026-11-20T09:00:00Z').build(),
      aSession().canceled().unpaid().at('2026-11-20T09:00:00Z').build(),
      aSession().unpaid().at('2026-11-20T09:00:00Z').build(), // still scheduled: not attended
      aSession().attended().unpaid().at('2026-11-25T08:30:00Z').build(), // ends at 09:20, after now
    ];
    const result = outstandingPayments(sessions, NOW);
    assert.deepEqual(result.sessions, []);
    assert.equal(result.totalCents, 0);
    assert.deepEqual(result.byPayment, {});
  });
});
