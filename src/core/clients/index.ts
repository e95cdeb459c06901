// Public surface of the clients module: a profile's clients built once (connect), and the connection
// test that exercises them.
export * from './connect';
export * from './connectionTest';
export * from './profileHttpClients';
