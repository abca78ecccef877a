export { type EventIdentity, groupHitId, hitId } from './hit-id.js';
