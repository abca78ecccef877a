import { ecsView } from '../ecs/index.js';
import { type CompiledEql, compileEql, type EqlRuleIR, type StageHit } from '../eql/index.js';
import type { Event } from '../event/index.js';

/**
 * Runs compiled EQL rules over events in a worker, tried only when the event's category can match:
 * event queries report a match; sequence rules report the stages the event fills and its join keys.
 */
export class EqlRunner {
  private readonly compiled: CompiledEql[];
  private readonly byCategory = new Map<string, number[]>();
  private readonly anyCategory: number[] = [];

  constructor(rules: EqlRuleIR[]) {
    this.compiled = rules.map((r) => compileEql(r));
    this.compiled.forEach((c, i) => {
      if (c.categories === null) {
        this.anyCategory.push(i);
        return;
      }
      for (const cat of c.categories) {
        const list = this.byCategory.get(cat) ?? [];
        list.push(i);
        this.byCategory.set(cat, list);
      }
    });
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  run(ev: Event, onMatch: (rule: number) => void, onStages: (rule: number, hits: StageHit[]) => void): void {
    const view = ecsView(ev);
    const cat = view.get('event.category');
    const seen = new Set<number>();
    const visit = (i: number): void => {
      if (seen.has(i)) return;
      seen.add(i);
      const c = this.compiled[i]!;
      if (c.kind === 'event') {
        if (c.matches(view)) onMatch(i);
        return;
      }
      const hits = c.stageHits(view);
      if (hits && hits.length > 0) onStages(i, hits);
    };
    for (const i of this.anyCategory) visit(i);
    if (typeof cat === 'string') {
      for (const i of this.byCategory.get(cat) ?? []) visit(i);
    } else if (Array.isArray(cat)) {
      for (const c of cat) if (typeof c === 'string') for (const i of this.byCategory.get(c) ?? []) visit(i);
    }
  }
}
