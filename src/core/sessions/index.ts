// Public surface of the sessions module.
export * from './session';
export * from './loadSessions';
export * from './rowSource';
export * from './notes';
export * from './calendar';
