// Public surface of reminder sending: every due reminder through Graph exactly once, and its dry run.
export { sendDueReminders } from './sendDueReminders';
export { planDueReminders } from './dueRows';
export { REMINDER_ID_PROPERTY } from './mailbox';
export {
  CRASH_POINTS,
  SenderCrashedError,
  type CrashPoint,
  type PlannedMessage,
  type SendOptions,
  type SendOutcome,
  type SendProgress,
  type SendReport,
  type SendReportItem,
  type SenderDeps,
  type SenderSettings,
} from './types';
