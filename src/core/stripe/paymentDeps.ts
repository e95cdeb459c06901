// What the payment actions are given (the same for the CLI, the editor and a worker), the idempotency keys
// they derive, and the reads they start from: the session with its recorded Stripe ids, and its client.
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Logger } from '../log';
import type { TableMapping } from '../practice';
import type { PracticeRecords } from '../reminders';
import { sessionFromRow, sessionRowColumns, type Session } from '../sessions';
import type { StripeApi } from './stripeApi';

export interface PaymentDeps {
  dataverse: PracticeRecords;
  tables: TableMapping;
  stripe: StripeApi;
  log: Logger;
}

export interface PaymentSession {
  session: Session;
  invoiceId: string | undefined;
  checkoutSessionId: string | undefined;
}

/**
 * The Idempotency-Key of one Stripe call made for a session: the same session and action always give the same
 * key, so a double click, a rerun after a crash or the layer's retry after a lost answer is replayed by Stripe
 * instead of creating a second object. Stripe keeps keys at least 24 hours.
 */
export function idempotencyKey(sessionId: string, action: string): string {
  return `lc-session-${sessionId}-${action}`;
}

export async function readPaymentSession(
  deps: Pick<PaymentDeps, 'dataverse' | 'tables'>,
  sessionId: string,
  signal?: AbortSignal,
): Promise<PaymentSession> {
  const t = deps.tables.session;
  const c = t.columns;
  const select = [
    t.primaryId,
    ...Object.keys(sessionRowColumns(deps.tables)).filter((name) => !name.includes('@')),
    c.stripeInvoiceId,
    c.stripeCheckoutSessionId,
  ];
  let row: Record<string, unknown>;
  try {
    ({ row } = await deps.dataverse.get(t.entitySet, sessionId, { select, formatted: true, signal }));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(`There is no session ${sessionId} in Dataverse (${t.entitySet}). Refresh the sessions.`, {
      code: 'sessions.notFound',
      detail: { sessionId },
      cause: error,
    });
  }
  return {
    session: sessionFromRow(row, deps.tables),
    invoiceId: textOf(row[c.stripeInvoiceId]),
    checkoutSessionId: textOf(row[c.stripeCheckoutSessionId]),
  };
}

export interface PayingClient {
  id: string;
  name: string;
  email: string;
  stripeCustomerId: string | undefined;
}

/** The session's client with an e-mail address, or a ValidationError saying what to fix (nothing was charged). */
export async function readPayingClient(
  deps: Pick<PaymentDeps, 'dataverse' | 'tables'>,
  session: Session,
  signal?: AbortSignal,
): Promise<PayingClient> {
  if (session.clientId === undefined) {
    throw new ValidationError(
      `The session "${session.subject}" has no client, so there is nobody to charge. Set its client first.`,
      { code: 'stripe.noClient', detail: { sessionId: session.id } },
    );
  }
  const t = deps.tables.client;
  const c = t.columns;
  let row: Record<string, unknown>;
  try {
    ({ row } = await deps.dataverse.get(t.entitySet, session.clientId, {
      select: [t.primaryId, c.fullName, c.firstName, c.lastName, c.email, c.stripeCustomerId],
      signal,
    }));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(`There is no client ${session.clientId} in Dataverse (${t.entitySet}).`, {
      code: 'sessions.clientNotFound',
      detail: { clientId: session.clientId },
      cause: error,
    });
  }
  const name =
    textOf(row[c.fullName]) ??
    ([textOf(row[c.firstName]), textOf(row[c.lastName])].filter(Boolean).join(' ') || '(unnamed client)');
  const email = textOf(row[c.email]);
  if (email === undefined) {
    throw new ValidationError(
      `The client ${name} has no e-mail address, so Stripe cannot send the invoice for "${session.subject}". Add their e-mail address first.`,
      { code: 'stripe.noClientEmail', detail: { sessionId: session.id, clientId: session.clientId } },
    );
  }
  return { id: session.clientId, name, email, stripeCustomerId: textOf(row[c.stripeCustomerId]) };
}

export function refusedCanceled(session: Session, action: string): ConflictError {
  return new ConflictError(`The session "${session.subject}" is canceled, so it cannot be ${action}.`, {
    code: 'sessions.notAllowed',
    detail: { sessionId: session.id, status: session.status, action },
  });
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
