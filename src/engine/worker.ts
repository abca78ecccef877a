import { parentPort, workerData } from 'node:worker_threads';
import type { Event, FieldValue, SourceRef, Warning } from '../event/index.js';
import { parseChunk } from '../event/index.js';
import { EqlRunner } from './eql-runner.js';
import type { ChunkJob, ChunkResult, EventSnapshot, RawHit, StageRecord, WorkerInit } from './messages.js';
import { compileSigma } from './sigma-engine.js';

function snapshot(ev: Event, src: SourceRef): EventSnapshot {
  // Own data properties only (no prototype setter), so a field named __proto__ stays a field.
  const fields: Record<string, FieldValue> = {};
  for (const k of Object.keys(ev.fields)) {
    Object.defineProperty(fields, k, {
      value: ev.fields[k],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    timestamp: ev.timestamp,
    computer: ev.computer,
    channel: ev.channel,
    eventId: ev.eventId,
    recordId: ev.recordId,
    fields,
    src,
  };
}

function start(port: NonNullable<typeof parentPort>): void {
  const init = workerData as WorkerInit;
  const { fromMs, toMs } = init.filter;
  const timeFiltered = fromMs !== undefined || toMs !== undefined;
  let sigma: ReturnType<typeof compileSigma>;
  let eql: EqlRunner;
  try {
    sigma = compileSigma(init.sigma);
    eql = new EqlRunner(init.eql);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    return;
  }
  port.postMessage({ ready: true });

  port.on('message', (job: ChunkJob) => {
    const hits: RawHit[] = [];
    const stages: StageRecord[] = [];
    const warnings: Warning[] = [];
    let filtered = 0;
    let current: Event | undefined;
    let currentSrc: SourceRef | undefined;
    let snap: EventSnapshot | undefined;
    const snapshotNow = (): EventSnapshot => {
      snap ??= snapshot(current!, currentSrc!);
      return snap;
    };
    const onSigma = (rule: number): void => {
      hits.push({ kind: 'sigma', rule, event: snapshotNow() });
    };
    const onEql = (rule: number): void => {
      hits.push({ kind: 'eql', rule, event: snapshotNow() });
    };
    const onStages = (rule: number, stageHits: StageRecord['hits']): void => {
      stages.push({ rule, hits: stageHits, event: snapshotNow() });
    };
    const stats = parseChunk(
      job,
      job.file,
      (ev, src) => {
        if (timeFiltered) {
          const t = ev.timestamp;
          if (Number.isNaN(t) || (fromMs !== undefined && t < fromMs) || (toMs !== undefined && t > toMs)) {
            filtered++;
            return;
          }
        }
        current = ev;
        currentSrc = src;
        snap = undefined;
        sigma.match(ev, onSigma);
        if (!eql.empty) eql.run(ev, onEql, onStages);
      },
      (w) => warnings.push(w),
    );
    const result: ChunkResult = {
      id: job.id,
      events: stats.records,
      skipped: stats.skipped,
      filtered,
      hits,
      stages,
      warnings,
    };
    port.postMessage(result);
  });
}

if (parentPort) start(parentPort);
