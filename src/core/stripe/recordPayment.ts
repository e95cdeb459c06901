// Writes what is known of a session's payment onto its Dataverse row: its status and the Stripe ids that
// tie it to an invoice or a Checkout Session. Charging, refreshing, refunding and the webhook receiver all
// record through here, so the row always reads the same way whoever learnt the news.
import { NotFoundError } from '../errors';
import type { Logger } from '../log';
import { PAYMENT_STATUS, type TableMapping } from '../practice';
import type { PracticeRecords } from '../reminders';
import type { PaymentState } from '../sessions';

export interface PaymentRecordDeps {
  dataverse: Pick<PracticeRecords, 'update'>;
  tables: TableMapping;
  log?: Logger;
}

export interface PaymentRecord {
  status: PaymentState;
  /** The Stripe invoice (`in_…`); left as it is when absent. */
  invoiceId?: string;
  /** The Stripe Checkout Session (`cs_…`); left as it is when absent. */
  checkoutSessionId?: string;
}

/** Sets the session's payment status (and the Stripe ids given); a session that is not there is a NotFoundError. */
export async function recordPayment(
  deps: PaymentRecordDeps,
  sessionId: string,
  record: PaymentRecord,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const t = deps.tables.session;
  const c = t.columns;
  const change: Record<string, unknown> = { [c.paymentStatus]: PAYMENT_STATUS[record.status] };
  if (record.invoiceId !== undefined) change[c.stripeInvoiceId] = record.invoiceId;
  if (record.checkoutSessionId !== undefined) change[c.stripeCheckoutSessionId] = record.checkoutSessionId;
  try {
    await deps.dataverse.update(t.entitySet, sessionId, change, { signal: options.signal });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(
      `There is no session ${sessionId} in Dataverse (${t.entitySet}) to record its payment on.`,
      {
        code: 'sessions.notFound',
        detail: { sessionId },
        cause: error,
      },
    );
  }
  deps.log?.info('session payment recorded', {
    sessionId,
    status: record.status,
    ...(record.invoiceId ? { invoiceId: record.invoiceId } : {}),
    ...(record.checkoutSessionId ? { checkoutSessionId: record.checkoutSessionId } : {}),
  });
}
