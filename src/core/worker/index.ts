// Public surface of the worker module: the unattended work (due reminders per mailbox, payment
// reconciliation) as plain functions on the core's clients, for `lc worker run` and the Functions app.
export * from './dueReminders';
export * from './reconcilePayments';
export * from './failureNotices';
