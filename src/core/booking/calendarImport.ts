// Import From Calendar with the reminders a new session brings: each imported session gets a reminder for
// every configured lead time still ahead, as New Session gives them (drafts, approved at once when the profile
// sends automatically). They are rendered in the client's language and time zone before the session is
// written, and carry ids derived from the session (itself derived from the event), so a second import, or
// two at once, meet the rows already there and never write a second reminder.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { DataverseClient } from '../dataverse';
import {
  canBeMessaged,
  draftReminders,
  messageRowBody,
  readClient,
  type ClientRecord,
  type PracticeRecords,
} from '../reminders';
import { importFromCalendar, type CalendarImportOptions, type CalendarImportReport, type Session } from '../sessions';
import type { SessionActionDeps } from './sessionActionDeps';

export type CalendarImportActionDeps = Omit<SessionActionDeps, 'dataverse' | 'graph'> & {
  dataverse: PracticeRecords & Pick<DataverseClient, 'query'>;
  graph: Client;
};

export function importSessionsFromCalendar(
  deps: CalendarImportActionDeps,
  options: CalendarImportOptions,
): Promise<CalendarImportReport> {
  // One read per client and import, however many of the client's sessions the range holds.
  const clients = new Map<string, Promise<ClientRecord>>();
  const clientOf = (id: string, signal?: AbortSignal): Promise<ClientRecord> => {
    let client = clients.get(id);
    if (!client) {
      client = readClient(deps.dataverse, deps.tables, id, signal);
      clients.set(id, client);
    }
    return client;
  };
  const messagesFor = async (session: Session, signal?: AbortSignal) => {
    if (!session.clientId) return [];
    const client = await clientOf(session.clientId, signal);
    if (!canBeMessaged(client)) return [];
    const plan = await draftReminders(
      { session, client, practitioner: deps.practitioner, templates: deps.templates },
      {
        leadTimesMinutes: deps.settings.leadTimesMinutes,
        now: new Date(deps.clock.now()),
        autoSend: deps.profile.autoSend,
      },
    );
    return plan.drafts.map((draft) => messageRowBody(deps.tables, draft));
  };
  return importFromCalendar(
    { dataverse: deps.dataverse, graph: deps.graph, tables: deps.tables, log: deps.log, messagesFor },
    options,
  );
}
