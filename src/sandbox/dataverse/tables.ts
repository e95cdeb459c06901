// The sandbox's Dataverse tables, built from DEFAULT_TABLES and the choice constants in
// the practice module (src/core/practice), plus the system tables every environment has (systemuser, businessunit).
// Each table also carries the platform's audit columns (createdon, createdby, versionnumber…).

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
import {
  Schema,
  type AttributeType,
  type ColumnDef,
  type NavigationDef,
  type OptionDef,
  type TableDef,
} from './schema';
import { stableUuid } from './wireValues';

type ColumnSpec = [name: string, type: AttributeType, label: string, extra?: Partial<ColumnDef>];

const ACTIVE_STATES: OptionDef[] = [
  { value: 0, label: 'Active', defaultStatus: 1 },
  { value: 1, label: 'Inactive', defaultStatus: 2 },
];
const ACTIVE_STATUSES: OptionDef[] = [
  { value: 1, label: 'Active', state: 0 },
  { value: 2, label: 'Inactive', state: 1 },
];

const APPOINTMENT_STATES: OptionDef[] = [
  { value: APPOINTMENT_STATE.open, label: 'Open', defaultStatus: APPOINTMENT_STATUS.free },
  { value: APPOINTMENT_STATE.completed, label: 'Completed', defaultStatus: APPOINTMENT_STATUS.completed },
  { value: APPOINTMENT_STATE.canceled, label: 'Canceled', defaultStatus: APPOINTMENT_STATUS.canceled },
  { value: APPOINTMENT_STATE.scheduled, label: 'Scheduled', defaultStatus: APPOINTMENT_STATUS.busy },
];
const APPOINTMENT_STATUSES: OptionDef[] = [
  { value: APPOINTMENT_STATUS.free, label: 'Free', state: APPOINTMENT_STATE.open },
  { value: APPOINTMENT_STATUS.tentative, label: 'Tentative', state: APPOINTMENT_STATE.open },
  { value: APPOINTMENT_STATUS.completed, label: 'Completed', state: APPOINTMENT_STATE.completed },
  { value: APPOINTMENT_STATUS.canceled, label: 'Canceled', state: APPOINTMENT_STATE.canceled },
  { value: APPOINTMENT_STATUS.busy, label: 'Busy', state: APPOINTMENT_STATE.scheduled },
  { value: APPOINTMENT_STATUS.outOfOffice, label: 'Out of Office', state: APPOINTMENT_STATE.scheduled },
];

const LABELS: Record<string, string> = {
  none: 'None',
  unpaid: 'Unpaid',
  invoiced: 'Invoiced',
  paid: 'Paid',
  failed: 'Failed',
  refunded: 'Refunded',
  attended: 'Attended',
  noShow: 'No-show',
  draft: 'Draft',
  approved: 'Approved',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled',
  reminder: 'Reminder',
  followUp: 'Follow-up',
  email: 'Email',
  sms: 'SMS',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
};

function optionsOf(choices: Record<string, number>): OptionDef[] {
  return Object.entries(choices).map(([key, value]) => ({ value, label: LABELS[key] ?? key }));
}

function auditColumns(): ColumnSpec[] {
  const system = { system: true };
  return [
    ['createdon', 'DateTime', 'Created On', system],
    ['modifiedon', 'DateTime', 'Modified On', system],
    ['createdby', 'Lookup', 'Created By', { ...system, targets: ['systemuser'] }],
    ['modifiedby', 'Lookup', 'Modified By', { ...system, targets: ['systemuser'] }],
    ['createdonbehalfby', 'Lookup', 'Created By (Delegate)', { ...system, targets: ['systemuser'] }],
    ['modifiedonbehalfby', 'Lookup', 'Modified By (Delegate)', { ...system, targets: ['systemuser'] }],
    ['versionnumber', 'BigInt', 'Version Number', system],
  ];
}

function ownershipColumns(): ColumnSpec[] {
  return [
    ['ownerid', 'Owner', 'Owner', { targets: ['systemuser'] }],
    ['owningbusinessunit', 'Lookup', 'Owning Business Unit', { system: true, targets: ['businessunit'] }],
  ];
}

/** A table as written below: TableDef's names, with columns and navigations as plain lists. */
type TableSpec = Omit<TableDef, 'metadataId' | 'columns' | 'navigations' | 'columnOrder'> & {
  columns: ColumnSpec[];
  navigations: NavigationDef[];
};

function buildTable(spec: TableSpec): TableDef {
  const columnOrder = spec.columns.map(([logicalName, type, label, extra]): ColumnDef => ({
    logicalName,
    type,
    label,
    custom: logicalName.startsWith('cre92_'),
    ...(type === 'String' && !extra?.maxLength ? { maxLength: 200 } : {}),
    ...(type === 'Memo' && !extra?.maxLength ? { maxLength: 100000 } : {}),
    ...extra,
  }));
  const navigations = [...spec.navigations];
  for (const column of columnOrder) {
    const isAudit = [
      'createdby',
      'modifiedby',
      'createdonbehalfby',
      'modifiedonbehalfby',
      'ownerid',
      'owningbusinessunit',
    ];
    if (isAudit.includes(column.logicalName) && column.targets) {
      navigations.push({ name: column.logicalName, column: column.logicalName, target: column.targets[0] });
    }
  }
  return {
    ...spec,
    metadataId: stableUuid(`entity:${spec.logicalName}`),
    columns: new Map(columnOrder.map((column) => [column.logicalName, column])),
    navigations: new Map(navigations.map((nav) => [nav.name, nav])),
    columnOrder,
  };
}

function contactTable(): TableDef {
  const t = DEFAULT_TABLES.client;
  const c = t.columns;
  return buildTable({
    ...names(t),
    label: 'Contact',
    collectionLabel: 'Contacts',
    isCustom: false,
    objectTypeCode: 2,
    columns: [
      [t.primaryId, 'Uniqueidentifier', 'Contact'],
      [c.fullName, 'String', 'Full Name', { system: true }],
      [c.firstName, 'String', 'First Name', { maxLength: 50 }],
      [c.lastName, 'String', 'Last Name', { maxLength: 50 }],
      [c.email, 'String', 'Email', { maxLength: 100 }],
      [c.phone, 'String', 'Business Phone', { maxLength: 50 }],
      [c.stripeCustomerId, 'String', 'Stripe Customer ID', { maxLength: 100 }],
      [c.language, 'String', 'Language', { maxLength: 10 }],
      [c.timeZone, 'String', 'Time Zone', { maxLength: 100 }],
      [c.preferredChannel, 'Picklist', 'Preferred Channel', { options: optionsOf(MESSAGE_CHANNEL) }],
      ['statecode', 'State', 'Status', { options: ACTIVE_STATES }],
      ['statuscode', 'Status', 'Status Reason', { options: ACTIVE_STATUSES }],
      ...ownershipColumns(),
      ...auditColumns(),
    ],
    navigations: [],
  });
}

function appointmentTable(): TableDef {
  const t = DEFAULT_TABLES.session;
  const c = t.columns;
  return buildTable({
    ...names(t),
    label: 'Appointment',
    collectionLabel: 'Appointments',
    isCustom: false,
    objectTypeCode: 4201,
    columns: [
      [t.primaryId, 'Uniqueidentifier', 'Appointment'],
      [c.subject, 'String', 'Subject'],
      [c.start, 'DateTime', 'Start Time'],
      [c.end, 'DateTime', 'End Time'],
      [c.regarding, 'Lookup', 'Regarding', { targets: [DEFAULT_TABLES.client.logicalName] }],
      [c.state, 'State', 'Activity Status', { options: APPOINTMENT_STATES }],
      [c.status, 'Status', 'Status Reason', { options: APPOINTMENT_STATUSES }],
      [c.location, 'String', 'Location'],
      [c.description, 'Memo', 'Description', { maxLength: 2000 }],
      [c.fee, 'Money', 'Fee'],
      [c.outcome, 'Picklist', 'Outcome', { options: optionsOf(SESSION_OUTCOME) }],
      [c.paymentStatus, 'Picklist', 'Payment Status', { options: optionsOf(PAYMENT_STATUS) }],
      [c.stripeInvoiceId, 'String', 'Stripe Invoice ID', { maxLength: 100 }],
      [c.stripeCheckoutSessionId, 'String', 'Stripe Checkout Session ID', { maxLength: 200 }],
      [c.icalUid, 'String', 'Calendar Event iCalUId', { maxLength: 400 }],
      [c.actualEnd, 'DateTime', 'Actual End'],
      ['activitytypecode', 'EntityName', 'Activity Type', { system: true }],
      ...ownershipColumns(),
      ...auditColumns(),
    ],
    navigations: [{ name: c.regardingClientNav, column: c.regarding, target: DEFAULT_TABLES.client.logicalName }],
  });
}

function scheduledMessageTable(): TableDef {
  const t = DEFAULT_TABLES.scheduledMessage;
  const c = t.columns;
  return buildTable({
    ...names(t),
    label: 'Scheduled Message',
    collectionLabel: 'Scheduled Messages',
    isCustom: true,
    objectTypeCode: 10001,
    columns: [
      [t.primaryId, 'Uniqueidentifier', 'Scheduled Message'],
      [t.primaryName, 'String', 'Name', { maxLength: 200 }],
      [c.clientName, 'String', 'Client Name'],
      [c.email, 'String', 'Email', { maxLength: 100 }],
      [c.phone, 'String', 'Phone', { maxLength: 50 }],
      [c.status, 'Picklist', 'Status', { options: optionsOf(MESSAGE_STATUS) }],
      [c.kind, 'Picklist', 'Type', { options: optionsOf(MESSAGE_KIND) }],
      [c.channel, 'Picklist', 'Channel', { options: optionsOf(MESSAGE_CHANNEL) }],
      [c.subject, 'String', 'Subject', { maxLength: 400 }],
      [c.text, 'Memo', 'Text', { maxLength: 100000 }],
      [c.scheduledTime, 'DateTime', 'Scheduled Time'],
      [c.sent, 'Boolean', 'Sent'],
      [c.sentTime, 'DateTime', 'Sent Time'],
      [c.attempts, 'Integer', 'Attempts'],
      [c.lastError, 'Memo', 'Last Error', { maxLength: 4000 }],
      [c.graphMessageId, 'String', 'Graph Message ID', { maxLength: 400 }],
      [c.sendClaim, 'String', 'Send Claim', { maxLength: 400 }],
      [c.firstAttempt, 'DateTime', 'First Attempt'],
      [c.deliveryStatus, 'String', 'Delivery Status', { maxLength: 400 }],
      [c.session, 'Lookup', 'Session', { targets: [DEFAULT_TABLES.session.logicalName] }],
      [c.contact, 'Lookup', 'Contact', { targets: [DEFAULT_TABLES.client.logicalName] }],
      ['statecode', 'State', 'Status', { options: ACTIVE_STATES }],
      ['statuscode', 'Status', 'Status Reason', { options: ACTIVE_STATUSES }],
      ...ownershipColumns(),
      ...auditColumns(),
    ],
    navigations: [
      { name: c.sessionNav, column: c.session, target: DEFAULT_TABLES.session.logicalName },
      { name: c.contactNav, column: c.contact, target: DEFAULT_TABLES.client.logicalName },
    ],
  });
}

function messageLogTable(): TableDef {
  const t = DEFAULT_TABLES.messageLog;
  const c = t.columns;
  return buildTable({
    ...names(t),
    label: 'Message Log',
    collectionLabel: 'Message Logs',
    isCustom: true,
    objectTypeCode: 10002,
    columns: [
      [t.primaryId, 'Uniqueidentifier', 'Message Log'],
      [t.primaryName, 'String', 'Name', { maxLength: 200 }],
      [c.recipient, 'String', 'Recipient', { maxLength: 200 }],
      [c.subject, 'String', 'Subject', { maxLength: 400 }],
      [c.sentAt, 'DateTime', 'Sent At'],
      [c.outcome, 'String', 'Outcome', { maxLength: 100 }],
      [c.graphMessageId, 'String', 'Graph Message ID', { maxLength: 400 }],
      [c.scheduledMessage, 'Lookup', 'Scheduled Message', { targets: [DEFAULT_TABLES.scheduledMessage.logicalName] }],
      ['statecode', 'State', 'Status', { options: ACTIVE_STATES }],
      ['statuscode', 'Status', 'Status Reason', { options: ACTIVE_STATUSES }],
      ...ownershipColumns(),
      ...auditColumns(),
    ],
    navigations: [
      { name: c.scheduledMessageNav, column: c.scheduledMessage, target: DEFAULT_TABLES.scheduledMessage.logicalName },
    ],
  });
}

/** Notes hang off several tables through the polymorphic `objectid`, one navigation per target. */
export const NOTE_TARGETS = [
  DEFAULT_TABLES.client.logicalName,
  DEFAULT_TABLES.session.logicalName,
  DEFAULT_TABLES.scheduledMessage.logicalName,
];

function annotationTable(): TableDef {
  const t = DEFAULT_TABLES.note;
  const c = t.columns;
  return buildTable({
    ...names(t),
    label: 'Note',
    collectionLabel: 'Notes',
    isCustom: false,
    objectTypeCode: 5,
    columns: [
      [t.primaryId, 'Uniqueidentifier', 'Note'],
      [c.subject, 'String', 'Title', { maxLength: 500 }],
      [c.text, 'Memo', 'Description', { maxLength: 100000 }],
      [c.object, 'Lookup', 'Regarding', { targets: NOTE_TARGETS }],
      ['objecttypecode', 'EntityName', 'Object Type', { system: true }],
      ['isdocument', 'Boolean', 'Is Document'],
      ['filename', 'String', 'File Name', { maxLength: 255 }],
      ['mimetype', 'String', 'Mime Type', { maxLength: 256 }],
      ['documentbody', 'Memo', 'Document', { maxLength: 1073741823 }],
      ...ownershipColumns(),
      ...auditColumns(),
    ],
    navigations: NOTE_TARGETS.map((target) => ({ name: `${c.object}_${target}`, column: c.object, target })),
  });
}

function systemUserTable(): TableDef {
  return buildTable({
    logicalName: 'systemuser',
    entitySet: 'systemusers',
    primaryId: 'systemuserid',
    primaryName: 'fullname',
    label: 'User',
    collectionLabel: 'Users',
    isCustom: false,
    objectTypeCode: 8,
    columns: [
      ['systemuserid', 'Uniqueidentifier', 'User'],
      ['fullname', 'String', 'Full Name'],
      ['internalemailaddress', 'String', 'Primary Email', { maxLength: 100 }],
      ['azureactivedirectoryobjectid', 'Uniqueidentifier', 'Azure AD Object ID'],
      ['applicationid', 'Uniqueidentifier', 'Application ID'],
      ['businessunitid', 'Lookup', 'Business Unit', { targets: ['businessunit'] }],
      ['isdisabled', 'Boolean', 'Status'],
      [
        'accessmode',
        'Picklist',
        'Access Mode',
        {
          options: [
            { value: 0, label: 'Read-Write' },
            { value: 4, label: 'Non-interactive' },
          ],
        },
      ],
      ...auditColumns(),
    ],
    navigations: [{ name: 'businessunitid', column: 'businessunitid', target: 'businessunit' }],
  });
}

function businessUnitTable(): TableDef {
  return buildTable({
    logicalName: 'businessunit',
    entitySet: 'businessunits',
    primaryId: 'businessunitid',
    primaryName: 'name',
    label: 'Business Unit',
    collectionLabel: 'Business Units',
    isCustom: false,
    objectTypeCode: 10,
    columns: [
      ['businessunitid', 'Uniqueidentifier', 'Business Unit'],
      ['name', 'String', 'Name', { maxLength: 160 }],
      ...auditColumns(),
    ],
    navigations: [],
  });
}

function names(t: { logicalName: string; entitySet: string; primaryId: string; primaryName: string }) {
  return { logicalName: t.logicalName, entitySet: t.entitySet, primaryId: t.primaryId, primaryName: t.primaryName };
}

export function buildPracticeSchema(): Schema {
  return new Schema([
    contactTable(),
    appointmentTable(),
    scheduledMessageTable(),
    messageLogTable(),
    annotationTable(),
    systemUserTable(),
    businessUnitTable(),
  ]);
}
