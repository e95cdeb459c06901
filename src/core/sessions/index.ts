// Public surface of the sessions module.
export * from './dataStore';
export * from './session';
export * from './loadSessions';
export * from './rowSource';
