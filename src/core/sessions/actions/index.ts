// Public surface of the session actions: create, reschedule, cancel, and record how a session went.
export * from './sessionActionDeps';
export * from './createSession';
export * from './sessionOutcome';
export * from './sessionChanges';
