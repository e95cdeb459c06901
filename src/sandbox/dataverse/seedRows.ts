// Turns the seeded practice into Dataverse rows: the business unit, the practitioner and the app's
// application user (systemuser), contacts, appointments (state/status/outcome from the session's
// state), scheduled messages with their lookups, and a note per session that has one.

import {
  APPOINTMENT_STATE,
  APPOINTMENT_STATUS,
  DEFAULT_TABLES,
  MESSAGE_CHANNEL,
  MESSAGE_KIND,
  MESSAGE_STATUS,
  PAYMENT_STATUS,
  SESSION_OUTCOME,
} from '../../core/practice';
import { sessionICalUId } from '../seedCalendar';
import type { PracticeSeed, SeedSession, SeedSessionState } from '../types';
import type { CellValue, LookupValue, Row, TableDef } from './schema';
import type { Store } from './store';
import { formatDateTime, normalizeDateTime, stableUuid } from './wireValues';

const SESSION_STATE: Record<SeedSessionState, { state: number; status: number; outcome: number | null }> = {
  attended: {
    state: APPOINTMENT_STATE.completed,
    status: APPOINTMENT_STATUS.completed,
    outcome: SESSION_OUTCOME.attended,
  },
  noShow: { state: APPOINTMENT_STATE.completed, status: APPOINTMENT_STATUS.completed, outcome: SESSION_OUTCOME.noShow },
  canceled: { state: APPOINTMENT_STATE.canceled, status: APPOINTMENT_STATUS.canceled, outcome: null },
  scheduled: { state: APPOINTMENT_STATE.scheduled, status: APPOINTMENT_STATUS.busy, outcome: null },
};

function ref(id: string, table: string): LookupValue {
  return { id: id.toLowerCase(), table };
}

class RowFactory {
  constructor(
    private readonly store: Store,
    private readonly practice: PracticeSeed,
    private readonly createdOn: string,
  ) {}

  /** A row with every column null, then the audit columns, then the given values. */
  make(table: TableDef, values: Record<string, CellValue | undefined>): Row {
    const row: Row = {};
    for (const column of table.columnOrder) row[column.logicalName] = null;
    const practitioner = ref(this.practice.practitioner.systemUserId, 'systemuser');
    Object.assign(row, {
      createdon: this.createdOn,
      modifiedon: this.createdOn,
      createdby: practitioner,
      modifiedby: practitioner,
    });
    if (table.columns.has('ownerid')) row.ownerid = practitioner;
    if (table.columns.has('owningbusinessunit'))
      row.owningbusinessunit = ref(this.practice.businessUnitId, 'businessunit');
    if (table.columns.has('statecode')) Object.assign(row, { statecode: 0, statuscode: 1 });
    for (const [key, value] of Object.entries(values)) if (value !== undefined) row[key] = value;
    row[table.primaryId] = (row[table.primaryId] as string).toLowerCase();
    row.versionnumber = this.store.nextVersion();
    return row;
  }
}

function systemRows(factory: RowFactory, store: Store, practice: PracticeSeed): void {
  const bu = store.rows('businessunit');
  bu.replaceAll([factory.make(bu.def, { businessunitid: practice.businessUnitId, name: practice.practiceName })]);
  const users = store.rows('systemuser');
  const businessUnit = ref(practice.businessUnitId, 'businessunit');
  users.replaceAll([
    ...(practice.practitioners ?? [practice.practitioner]).map((practitioner) =>
      factory.make(users.def, {
        systemuserid: practitioner.systemUserId,
        fullname: practitioner.displayName,
        internalemailaddress: practitioner.mail,
        azureactivedirectoryobjectid: practitioner.userId.toLowerCase(),
        businessunitid: businessUnit,
        isdisabled: false,
        accessmode: 0,
      }),
    ),
    factory.make(users.def, {
      systemuserid: practice.app.applicationUserId,
      // Application users show as "# <app name>" in Dataverse.
      fullname: `# ${practice.app.displayName}`,
      applicationid: practice.app.clientId.toLowerCase(),
      businessunitid: businessUnit,
      isdisabled: false,
      accessmode: 4,
    }),
  ]);
}

function contactRows(factory: RowFactory, store: Store, practice: PracticeSeed): void {
  const rows = store.rows(DEFAULT_TABLES.client.logicalName);
  const c = DEFAULT_TABLES.client.columns;
  rows.replaceAll(
    practice.clients.map((client) =>
      factory.make(rows.def, {
        [DEFAULT_TABLES.client.primaryId]: client.id,
        [c.fullName]: `${client.firstName} ${client.lastName}`,
        [c.firstName]: client.firstName,
        [c.lastName]: client.lastName,
        [c.email]: client.email,
        [c.phone]: client.phone,
        [c.preferredChannel]: client.preferredChannel === 'sms' ? MESSAGE_CHANNEL.sms : null,
        [c.stripeCustomerId]: client.stripeCustomerId ?? null,
        [c.language]: client.language,
        [c.timeZone]: client.timeZone,
      }),
    ),
  );
}

function appointmentRow(factory: RowFactory, table: TableDef, session: SeedSession): Row {
  const c = DEFAULT_TABLES.session.columns;
  const state = SESSION_STATE[session.state];
  return factory.make(table, {
    [DEFAULT_TABLES.session.primaryId]: session.id,
    [c.subject]: session.subject,
    [c.start]: normalizeDateTime(session.start) ?? session.start,
    [c.end]: normalizeDateTime(session.end) ?? session.end,
    [c.regarding]: ref(session.clientId, DEFAULT_TABLES.client.logicalName),
    [c.state]: state.state,
    [c.status]: state.status,
    [c.outcome]: state.outcome,
    [c.location]: session.location,
    [c.fee]: session.feeCents / 100,
    [c.paymentStatus]: PAYMENT_STATUS[session.paymentStatus],
    [c.stripeInvoiceId]: session.stripeInvoiceId ?? null,
    // A calendar session came from its Outlook event, as an import leaves it.
    [c.icalUid]: session.inCalendar ? sessionICalUId(session.id) : null,
    [c.actualEnd]: session.canceledAt ? (normalizeDateTime(session.canceledAt) ?? session.canceledAt) : null,
    activitytypecode: DEFAULT_TABLES.session.logicalName,
  });
}

function sessionRows(factory: RowFactory, store: Store, practice: PracticeSeed): void {
  const appointments = store.rows(DEFAULT_TABLES.session.logicalName);
  appointments.replaceAll(practice.sessions.map((session) => appointmentRow(factory, appointments.def, session)));
  const notes = store.rows(DEFAULT_TABLES.note.logicalName);
  const n = DEFAULT_TABLES.note.columns;
  notes.replaceAll(
    practice.sessions
      .filter((session) => session.note)
      .map((session) =>
        factory.make(notes.def, {
          [DEFAULT_TABLES.note.primaryId]: stableUuid(`note:${session.id}`),
          [n.subject]: 'Session note',
          [n.text]: session.note,
          [n.object]: ref(session.id, DEFAULT_TABLES.session.logicalName),
          objecttypecode: DEFAULT_TABLES.session.logicalName,
          isdocument: false,
        }),
      ),
  );
}

function reminderRows(factory: RowFactory, store: Store, practice: PracticeSeed): void {
  const rows = store.rows(DEFAULT_TABLES.scheduledMessage.logicalName);
  const c = DEFAULT_TABLES.scheduledMessage.columns;
  const clients = new Map(practice.clients.map((client) => [client.id, client]));
  rows.replaceAll(
    practice.reminders.map((reminder) => {
      const client = clients.get(reminder.clientId);
      const clientName = client ? `${client.firstName} ${client.lastName}` : null;
      return factory.make(rows.def, {
        [DEFAULT_TABLES.scheduledMessage.primaryId]: reminder.id,
        // An SMS has no subject: its row is named by its text, as the core names one.
        [DEFAULT_TABLES.scheduledMessage.primaryName]: (reminder.subject || reminder.text).slice(0, 200),
        [c.clientName]: clientName,
        [c.email]: client?.email ?? null,
        [c.phone]: client?.phone ?? null,
        [c.status]: MESSAGE_STATUS[reminder.status],
        [c.kind]: MESSAGE_KIND[reminder.kind],
        [c.channel]: reminder.channel === 'sms' ? MESSAGE_CHANNEL.sms : MESSAGE_CHANNEL.email,
        [c.subject]: reminder.subject,
        [c.text]: reminder.text,
        [c.scheduledTime]: normalizeDateTime(reminder.scheduledTime) ?? reminder.scheduledTime,
        [c.sent]: reminder.status === 'sent',
        [c.sentTime]: reminder.sentTime ? (normalizeDateTime(reminder.sentTime) ?? reminder.sentTime) : null,
        [c.attempts]: reminder.attempts,
        [c.lastError]: reminder.lastError ?? null,
        [c.session]: ref(reminder.sessionId, DEFAULT_TABLES.session.logicalName),
        [c.contact]: ref(reminder.clientId, DEFAULT_TABLES.client.logicalName),
        // With several practitioners, the owner says whose mailbox sends it.
        ...(reminder.ownerSystemUserId ? { ownerid: ref(reminder.ownerSystemUserId, 'systemuser') } : {}),
      });
    }),
  );
}

/** Replaces every table's rows with the seeded practice. */
export function loadPractice(store: Store, practice: PracticeSeed, now: number): void {
  const factory = new RowFactory(store, practice, formatDateTime(now));
  systemRows(factory, store, practice);
  contactRows(factory, store, practice);
  sessionRows(factory, store, practice);
  reminderRows(factory, store, practice);
  store.rows(DEFAULT_TABLES.messageLog.logicalName).replaceAll([]);
}
