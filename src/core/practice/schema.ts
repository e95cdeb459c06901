// The practice's default Dataverse tables and columns, defined once. The sandbox seeds exactly these,
// and sessions/reminders read through a TableMapping whose defaults come from here, so a practice with
// its own tables maps to them through configuration (`lifeCockpit.tables`).
// Names follow the practice this product grew from (`cre92_` publisher prefix, `cre92_scheduledmessage`).

export const APPOINTMENT_STATE = { open: 0, completed: 1, canceled: 2, scheduled: 3 } as const;
/** Dataverse's built-in appointment status reasons, keyed by what they mean to a practice. */
export const APPOINTMENT_STATUS = {
  free: 1,
  tentative: 2,
  completed: 3,
  canceled: 4,
  busy: 5,
  outOfOffice: 6,
} as const;

export const SESSION_OUTCOME = { attended: 100000000, noShow: 100000001 } as const;
export const PAYMENT_STATUS = {
  none: 100000000,
  unpaid: 100000001,
  invoiced: 100000002,
  paid: 100000003,
  failed: 100000004,
  refunded: 100000005,
} as const;
export const MESSAGE_STATUS = {
  draft: 100000000,
  approved: 100000001,
  sending: 100000002,
  sent: 100000003,
  failed: 100000004,
  cancelled: 100000005,
  /** Handed to a service that cannot be asked afterwards (SMTP, SendGrid) and not recorded: a person checks it. */
  needsCheck: 100000006,
} as const;
export const MESSAGE_KIND = { reminder: 100000000, followUp: 100000001 } as const;
export const MESSAGE_CHANNEL = { email: 100000000, sms: 100000001, telegram: 100000002, whatsapp: 100000003 } as const;

export interface TableNames {
  /** Logical name, e.g. `appointment`. */
  logicalName: string;
  /** Entity set name used in Web API URLs, e.g. `appointments`. */
  entitySet: string;
  /** Primary key column, e.g. `activityid`. */
  primaryId: string;
  /** Primary name column, e.g. `subject`. */
  primaryName: string;
}

export interface TableMapping {
  client: TableNames & {
    columns: {
      fullName: string;
      firstName: string;
      lastName: string;
      email: string;
      phone: string;
      stripeCustomerId: string;
      language: string;
      timeZone: string;
      /** The channel the client prefers (MESSAGE_CHANNEL); e-mail when empty. */
      preferredChannel: string;
    };
  };
  session: TableNames & {
    columns: {
      subject: string;
      start: string;
      end: string;
      /** Lookup column (logical name); its value reads as `_<name>_value`. */
      regarding: string;
      /** Navigation property used with `@odata.bind` to point at a client. */
      regardingClientNav: string;
      state: string;
      status: string;
      location: string;
      description: string;
      fee: string;
      outcome: string;
      paymentStatus: string;
      stripeInvoiceId: string;
      stripeCheckoutSessionId: string;
      /** The Outlook event's iCalUId when the session was imported from the calendar (import matches on it). */
      icalUid: string;
      /**
       * When the session was closed (Dataverse's `actualend`: set when an activity is completed or canceled, and
       * written by Cancel Session): for a canceled session, when it was canceled (late cancellations).
       */
      actualEnd: string;
    };
  };
  scheduledMessage: TableNames & {
    columns: {
      clientName: string;
      email: string;
      /** The client's phone (E.164) for an SMS. */
      phone: string;
      status: string;
      kind: string;
      channel: string;
      subject: string;
      text: string;
      scheduledTime: string;
      sent: string;
      sentTime: string;
      attempts: string;
      lastError: string;
      /** The Graph message's immutable id, recorded once the draft exists (recovery reads the message by it). */
      graphMessageId: string;
      /**
       * Who holds the send claim and since when (host, process, time): set with the claim, cleared when the
       * sender lets go; recovery takes over a row left in sending only when its claimer is gone or its lease ran out.
       */
      sendClaim: string;
      /**
       * When the first attempt to hand the message to its service began, recorded before it: services that
       * drop a repeat only within a window (ACS: minutes) are asked again only inside that window.
       */
      firstAttempt: string;
      /** The service's last delivery report for the message (e.g. ACS `Delivered`, `Failed`), with its time. */
      deliveryStatus: string;
      /** Lookup to the session; navigation property named in `sessionNav`. */
      session: string;
      sessionNav: string;
      contact: string;
      contactNav: string;
    };
  };
  messageLog: TableNames & {
    columns: {
      recipient: string;
      subject: string;
      sentAt: string;
      outcome: string;
      graphMessageId: string;
      scheduledMessage: string;
      scheduledMessageNav: string;
    };
  };
  note: TableNames & { columns: { subject: string; text: string; object: string } };
}

export const DEFAULT_TABLES: TableMapping = {
  client: {
    logicalName: 'contact',
    entitySet: 'contacts',
    primaryId: 'contactid',
    primaryName: 'fullname',
    columns: {
      fullName: 'fullname',
      firstName: 'firstname',
      lastName: 'lastname',
      email: 'emailaddress1',
      phone: 'telephone1',
      stripeCustomerId: 'cre92_stripecustomerid',
      language: 'cre92_language',
      timeZone: 'cre92_timezone',
      preferredChannel: 'cre92_preferredchannel',
    },
  },
  session: {
    logicalName: 'appointment',
    entitySet: 'appointments',
    primaryId: 'activityid',
    primaryName: 'subject',
    columns: {
      subject: 'subject',
      start: 'scheduledstart',
      end: 'scheduledend',
      regarding: 'regardingobjectid',
      regardingClientNav: 'regardingobjectid_contact_appointment',
      state: 'statecode',
      status: 'statuscode',
      location: 'location',
      description: 'description',
      fee: 'cre92_fee',
      outcome: 'cre92_outcome',
      paymentStatus: 'cre92_paymentstatus',
      stripeInvoiceId: 'cre92_stripeinvoiceid',
      stripeCheckoutSessionId: 'cre92_stripecheckoutsessionid',
      icalUid: 'cre92_icaluid',
      actualEnd: 'actualend',
    },
  },
  scheduledMessage: {
    logicalName: 'cre92_scheduledmessage',
    entitySet: 'cre92_scheduledmessages',
    primaryId: 'cre92_scheduledmessageid',
    primaryName: 'cre92_name',
    columns: {
      clientName: 'cre92_clientname',
      email: 'cre92_email',
      phone: 'cre92_phone',
      status: 'cre92_status',
      kind: 'cre92_kind',
      channel: 'cre92_channel',
      subject: 'cre92_subject',
      text: 'cre92_text',
      scheduledTime: 'cre92_scheduledtime',
      sent: 'cre92_sent',
      sentTime: 'cre92_senttime',
      attempts: 'cre92_attempts',
      lastError: 'cre92_lasterror',
      graphMessageId: 'cre92_graphmessageid',
      sendClaim: 'cre92_sendclaim',
      firstAttempt: 'cre92_firstattempt',
      deliveryStatus: 'cre92_deliverystatus',
      session: 'cre92_session',
      sessionNav: 'cre92_Session',
      contact: 'cre92_contact',
      contactNav: 'cre92_Contact',
    },
  },
  messageLog: {
    logicalName: 'cre92_messagelog',
    entitySet: 'cre92_messagelogs',
    primaryId: 'cre92_messagelogid',
    primaryName: 'cre92_name',
    columns: {
      recipient: 'cre92_recipient',
      subject: 'cre92_subject',
      sentAt: 'cre92_sentat',
      outcome: 'cre92_outcome',
      graphMessageId: 'cre92_graphmessageid',
      scheduledMessage: 'cre92_scheduledmessage',
      scheduledMessageNav: 'cre92_ScheduledMessage',
    },
  },
  note: {
    logicalName: 'annotation',
    entitySet: 'annotations',
    primaryId: 'annotationid',
    primaryName: 'subject',
    columns: { subject: 'subject', text: 'notetext', object: 'objectid' },
  },
};
