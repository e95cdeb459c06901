// Public surface of the booking module: create, reschedule and cancel a session, and record how it went,
// each with the messages that go with it (its reminders, its follow-up, a cancellation notice). It stands
// above sessions and reminders, which it joins, so neither of them needs the other in both directions.
export * from './sessionActionDeps';
export * from './createSession';
export * from './sessionOutcome';
export * from './sessionChanges';
export * from './calendarImport';
