// Public surface of reminder scheduling: the rows a session's reminders, follow-up and cancellation notice
// are written as, rendered before anything is saved, under ids that make every create safe to repeat.
export * from './messageIds';
export * from './messageRows';
export * from './messageDrafts';
export * from './pendingMessages';
