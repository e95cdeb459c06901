// Public surface of the store module: the last good data of a domain, for trees to read.
export * from './dataStore';
