// The sender's surface: what it needs (SenderDeps), what the dry run shows (PlannedMessage), what a run
// reports, and the named points at which tests make it crash.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { ChannelId, Transports } from '../../channels';
import type { Clock } from '../../clock';
import type { Profile } from '../../config';
import type { DataverseClient } from '../../dataverse';
import { LifeCockpitError } from '../../errors';
import type { AuditLog, Logger } from '../../log';
import type { TableMapping } from '../../practice';
import type { MailboxPacer } from '../pacing';

/** Where a test may make the sender stop dead, in the order a reminder passes them. */
export const CRASH_POINTS = [
  'afterClaim',
  'afterDraft',
  'afterRecordId',
  'afterSend',
  'afterRecordSent',
  'inBatch',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface SenderSettings {
  /** Submissions a mailbox may make in a minute (Exchange Online: 30). */
  perMinute: number;
  /** Graph requests in flight per mailbox (Outlook: 4). */
  concurrency: number;
  /** Failed tries before a reminder lands in Failed. */
  maxAttempts: number;
  /** How long recovery keeps looking for a submitted message before leaving it for a later run (default 30 s). */
  lookAgainMs?: number;
  /**
   * How long after a `/send` was asked for a copy still in Drafts is taken as possibly submitted (looked up again
   * later, not sent); after it, as never submitted (default 5 minutes).
   */
  submittedDraftGraceMs?: number;
  /** How long a claim holds when its sender cannot be asked whether it still runs (default 10 minutes). */
  claimLeaseMs?: number;
}

export interface SenderDeps {
  dataverse: DataverseClient;
  graph: Client;
  tables: TableMapping;
  clock: Clock;
  log: Logger;
  /** The mail channel, the SMS sender's number and the practitioner's own phone matter only beyond Graph. */
  profile: Pick<Profile, 'name' | 'mailbox' | 'sendToSelf'> &
    Partial<Pick<Profile, 'mailChannel' | 'smsFrom' | 'selfPhone'>>;
  settings: SenderSettings;
  /** The channels other than Graph whose secrets are set (channelsFor); a reminder due on a missing one is skipped. */
  transports?: Transports;
  /** Paces each mailbox; created from settings when absent. */
  pacer?: MailboxPacer;
  /** Where each send's audit line goes; the log's audit category when absent. */
  audit?: AuditLog;
  /** Who sends, for the audit line (actorOf the signed-in identity); the profile's name when absent. */
  actor?: string;
  /** Tests only: called at each named point; the CLI's hook ends the process there. */
  crashAt?: (point: CrashPoint) => void;
}

/** One message that would leave, as the dry run shows it. */
export interface PlannedMessage {
  reminderId: string;
  kind: 'reminder' | 'followUp';
  /** The mailbox that sends it (for an SMS: the mailbox of the practitioner it is sent for). */
  mailbox: string;
  /** The channel it leaves through: Graph, or the transport for its medium and the profile's mail channel. */
  channel: ChannelId;
  /** Who receives it: the client, or the practitioner's own mailbox (or phone) in send-to-me mode. */
  recipient: string;
  /** The client's address, whoever receives it. */
  clientEmail: string | undefined;
  clientName: string | undefined;
  /** '' for an SMS. */
  subject: string;
  body: string;
  sessionId: string | undefined;
  scheduledTime: Date;
  /** `recovering`: left in sending by an earlier run; it is looked up before anything is sent. */
  state: 'due' | 'recovering';
}

export type SendOutcome = 'sent' | 'submitted' | 'failed' | 'retryLater' | 'skipped';

export interface SendProgress {
  done: number;
  total: number;
  reminderId: string;
  outcome: SendOutcome;
}

export interface SendReportItem {
  reminderId: string;
  recipient: string;
  subject: string;
  outcome: SendOutcome;
  error?: string;
}

export interface SendReport {
  total: number;
  sent: number;
  submitted: number;
  failed: number;
  retryLater: number;
  skipped: number;
  items: SendReportItem[];
}

export interface SendOptions {
  now?: Date;
  /** Only the reminders this mailbox sends. */
  mailbox?: string;
  /** Only these reminders (Send Now), due or not, as long as they are approved or left in sending. */
  reminderIds?: string[];
  signal?: AbortSignal;
  onProgress?: (progress: SendProgress) => void;
}

/**
 * A test's crash hook fired: the run stops where it is, writing nothing more, as a killed process would.
 * It is not a failure of the reminder and is never recorded on its row.
 */
export class SenderCrashedError extends LifeCockpitError {
  constructor(
    readonly point: CrashPoint,
    cause: unknown,
  ) {
    super('transient', `The sender stopped at the crash point ${point} (a test hook).`, {
      code: 'reminders.crashed',
      retriable: false,
      detail: { point },
      cause,
    });
  }
}
