// Public surface of the Graph module.
export * from './graphClient';
