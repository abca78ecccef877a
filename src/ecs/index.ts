export { splitCommandLine } from './args.js';
export { ECS_TABLE, type EcsMapping, type FieldSpec, type Transform } from './table.js';
export { type EcsSource, type EcsValue, EcsView, ecsMappingFor, ecsView, isEcsEvent, toEcs } from './view.js';
