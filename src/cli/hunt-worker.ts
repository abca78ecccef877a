import { parentPort, workerData } from 'node:worker_threads';
import { type PostedInit, serveChunks } from '../engine/index.js';
import { jsonRenderer } from './hit-render.js';

// A hunt's worker thread when hits are written as JSON: they are rendered where they are found.
if (parentPort) serveChunks(parentPort, workerData as PostedInit, jsonRenderer);
