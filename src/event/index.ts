export { FieldBuilder, SYSTEM_FIELD_NAMES } from './builder.js';
export { createEvent, FlatEvent } from './event.js';
export { EvtxJsonEvent } from './json-lazy.js';
export { ECS_SYSTEM, resolveNames } from './names.js';
export { isoMicros, normSystemTime, normValue, type ParsedTime, parseTime } from './normalize.js';
export { type OnEvent, type OnWarning, type ParseOptions, parseChunk, type Screen } from './parse-chunk.js';
export type { ChunkLike, Event, FieldValue, ParseStats, SourceRef, Warning } from './types.js';
