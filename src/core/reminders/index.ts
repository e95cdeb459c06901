// Public surface of the reminders module.
export * from './reminder';
export * from './templates';
export * from './pacing';
export * from './schedule';
export * from './sending';
export * from './actions';
