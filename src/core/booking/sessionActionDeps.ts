// What the session actions are given (explicit dependencies, the same for the CLI, the editor and a worker)
// and the one read they all start from: the session row with its ETag.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Clock } from '../clock';
import type { Profile } from '../config';
import type { Row } from '../dataverse';
import { ConflictError, NotFoundError } from '../errors';
import type { Logger } from '../log';
import type { TableMapping } from '../practice';
import type { MessagePractitioner, PracticeRecords, Templates } from '../reminders';
import { sessionFromRow, sessionRowColumns, type Session } from '../sessions';

export interface SessionActionDeps {
  dataverse: PracticeRecords;
  tables: TableMapping;
  clock: Clock;
  log: Logger;
  /** The message templates (loadTemplates of the workspace, or defaultTemplates()). */
  templates: Templates;
  /** Who signs the messages, and the practice's language and time zone for clients without their own. */
  practitioner: MessagePractitioner;
  /** `autoSend`: new reminders are approved at once; `mailbox`: whose calendar gets the Outlook event. */
  profile: Pick<Profile, 'name' | 'mailbox' | 'autoSend'>;
  /** `reminders.leadTimesMinutes` and `reminders.followUpDelayMinutes` from the configuration. */
  settings: { leadTimesMinutes: readonly number[]; followUpDelayMinutes: number };
  /** Needed only to create the Outlook event. */
  graph?: Client;
}

export interface StoredSession {
  session: Session;
  etag: string | undefined;
}

export async function readSession(
  deps: Pick<SessionActionDeps, 'dataverse' | 'tables'>,
  sessionId: string,
  signal?: AbortSignal,
): Promise<StoredSession> {
  const t = deps.tables.session;
  const select = [t.primaryId, ...Object.keys(sessionRowColumns(deps.tables)).filter((name) => !name.includes('@'))];
  try {
    const { row, etag } = await deps.dataverse.get(t.entitySet, sessionId, { select, formatted: true, signal });
    return { session: sessionFromRow(row, deps.tables), etag };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(`There is no session ${sessionId} in Dataverse (${t.entitySet}). Refresh the sessions.`, {
      code: 'sessions.notFound',
      detail: { sessionId },
      cause: error,
    });
  }
}

/**
 * Writes a change to the session under the ETag it was read with. When the row changed meanwhile it is read
 * again: if it already is what the action wanted (another window or a retry did the same), that is success;
 * otherwise a ConflictError says the session changed, and nothing of this action was written.
 */
export async function writeSession(
  deps: Pick<SessionActionDeps, 'dataverse' | 'tables'>,
  stored: StoredSession,
  change: Row,
  reached: (session: Session) => boolean,
  action: string,
  signal?: AbortSignal,
): Promise<Session> {
  const { session } = stored;
  try {
    await deps.dataverse.update(deps.tables.session.entitySet, session.id, change, {
      ...(stored.etag === undefined ? {} : { ifMatch: stored.etag }),
      signal,
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const now = await readSession(deps, session.id, signal);
    if (reached(now.session)) return now.session;
    throw new ConflictError(
      `The session "${session.subject}" changed while it was being ${action}, so nothing was changed. Refresh it and try again.`,
      { code: 'sessions.changed', detail: { sessionId: session.id, action }, cause: error },
    );
  }
  return (await readSession(deps, session.id, signal)).session;
}

/** A canceled session cannot be attended, moved or marked; a finished one cannot be moved or canceled. */
export function refusedFor(session: Session, action: string, hint: string): ConflictError {
  const state = { scheduled: 'scheduled', attended: 'attended', noShow: 'a no-show', canceled: 'canceled' }[
    session.status
  ];
  return new ConflictError(`The session "${session.subject}" is ${state}, so it cannot be ${action}. ${hint}`, {
    code: 'sessions.notAllowed',
    detail: { sessionId: session.id, status: session.status, action },
  });
}
