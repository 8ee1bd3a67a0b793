export * from './schema';
export * from './parse';
export * from './severity';
export * from './tuples';
export * from './console';
export * from './typePattern';
export * from './sample';
