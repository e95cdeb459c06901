// Public surface of reminder pacing: each mailbox at its real sending limits, and how long a service asked us to wait.
export {
  createMailboxPacer,
  PACING_WINDOW_MS,
  type MailboxPacer,
  type MailboxPacerOptions,
  type MailboxRunOptions,
} from './mailboxPacer';
export { retryAfterMs, waitBeforeRetryMs } from './retryAfter';
