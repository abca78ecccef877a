import { parentPort, workerData } from 'node:worker_threads';
import type { PostedInit } from './messages.js';
import { serveChunks } from './worker-loop.js';

// The default worker: hits go back to the main thread as event snapshots.
if (parentPort) serveChunks(parentPort, workerData as PostedInit);
