// Public surface of the channels module: the transport interface, its errors, and each channel's factory.
export * from './types';
