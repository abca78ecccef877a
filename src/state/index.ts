export {
  emptyState,
  FINGERPRINT_BYTES,
  type FileCheckpoint,
  fingerprint,
  isCheckpoint,
  type ResumeDecision,
  readState,
  resumeDecision,
  type StateFile,
  writeState,
} from './checkpoint.js';
export { type EventIdentity, groupHitId, hitId, hitIdFor, identityKey } from './hit-id.js';
export { acquireLock, LockedError } from './lock.js';
