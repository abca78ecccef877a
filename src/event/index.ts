export { createEvent, FlatEvent } from './event.js';
export type { Event, FieldValue, SourceRef } from './types.js';
