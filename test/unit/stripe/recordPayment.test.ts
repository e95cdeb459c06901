// recordPayment writes a session's payment status and Stripe ids, and nothing else of the row.
import { strict as assert } from 'node:assert';
import { NotFoundError } from '../../../src/core/errors';
import { DEFAULT_TABLES, PAYMENT_STATUS } from '../../../src/core/practice';
import { recordPayment } from '../../../src/core/stripe';
import { MemoryDataverse } from '../../builders/memoryDataverse';

const T = DEFAULT_TABLES.session;
const C = T.columns;
const SESSION = '5e550000-0000-4000-8000-000000000001';

describe('recording a session payment', () => {
  let dv: MemoryDataverse;
  beforeEach(() => {
    dv = new MemoryDataverse();
    dv.seed(T.entitySet, { [T.primaryId]: SESSION, [C.subject]: 'Session', [C.paymentStatus]: PAYMENT_STATUS.unpaid });
  });

  it('writes the status and the invoice id, leaving the other columns as they were', async () => {
    await recordPayment({ dataverse: dv, tables: DEFAULT_TABLES }, SESSION, { status: 'invoiced', invoiceId: 'in_1' });
    const row = dv.row(T.entitySet, SESSION);
    assert.equal(row?.[C.paymentStatus], PAYMENT_STATUS.invoiced);
    assert.equal(row?.[C.stripeInvoiceId], 'in_1');
    assert.equal(row?.[C.subject], 'Session');
    assert.equal(C.stripeCheckoutSessionId in (row ?? {}), false);
  });

  it('keeps the recorded ids when a later status comes without them', async () => {
    await recordPayment({ dataverse: dv, tables: DEFAULT_TABLES }, SESSION, {
      status: 'invoiced',
      invoiceId: 'in_1',
      checkoutSessionId: 'cs_1',
    });
    await recordPayment({ dataverse: dv, tables: DEFAULT_TABLES }, SESSION, { status: 'paid' });
    const row = dv.row(T.entitySet, SESSION);
    assert.equal(row?.[C.paymentStatus], PAYMENT_STATUS.paid);
    assert.equal(row?.[C.stripeInvoiceId], 'in_1');
    assert.equal(row?.[C.stripeCheckoutSessionId], 'cs_1');
  });

  it('says which session is missing rather than creating one', async () => {
    await assert.rejects(
      recordPayment({ dataverse: dv, tables: DEFAULT_TABLES }, '5e550000-0000-4000-8000-0000000000ff', {
        status: 'paid',
      }),
      (error: unknown) => error instanceof NotFoundError && error.code === 'sessions.notFound',
    );
    assert.equal(dv.rows(T.entitySet).length, 1);
  });
});
