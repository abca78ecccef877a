import { dict } from '../common/index.js';
import type {
  CorrelationIR,
  CorrelationPlan,
  CorrelationProblem,
  InputFields,
  PlannedCorrelation,
  ResolveResult,
} from './types.js';

/** What a correlation may reference: a loaded base rule, by id or name. */
export interface BaseRuleRef {
  id: string;
  name?: string;
}

interface Target {
  id: string;
  /** Index in `corrs` for a correlation, -1 for a base rule. */
  corr: number;
}

function problemOf(c: CorrelationIR, severity: 'error' | 'warning', reason: string): CorrelationProblem {
  return {
    file: c.path,
    ...(c.line !== undefined ? { line: c.line } : {}),
    id: c.id,
    title: c.title,
    severity,
    reason,
  };
}

/**
 * Resolves correlation references against the loaded base rules and the other correlations
 * (by id first, then by name), and checks aliases, cycles and the fields chained correlations read.
 * Correlations with an error are left out of the plan, and so is every correlation that reads them.
 */
export function resolveCorrelations(
  corrs: readonly CorrelationIR[],
  base: readonly BaseRuleRef[],
): ResolveResult {
  const problems: CorrelationProblem[] = [];
  const byId = new Map<string, Target>();
  const byName = new Map<string, Target[]>();
  const addName = (name: string, t: Target): void => {
    const list = byName.get(name);
    if (list) {
      if (!list.some((x) => x.id === t.id)) list.push(t);
    } else byName.set(name, [t]);
  };
  for (const b of base) {
    if (!byId.has(b.id)) byId.set(b.id, { id: b.id, corr: -1 });
    if (b.name !== undefined) addName(b.name, { id: b.id, corr: -1 });
  }
  const bad = new Set<number>();
  corrs.forEach((c, i) => {
    const prior = byId.get(c.id);
    if (prior) {
      problems.push(problemOf(c, 'error', `id \`${c.id}\` is already used by another rule`));
      bad.add(i);
      return;
    }
    byId.set(c.id, { id: c.id, corr: i });
    if (c.name !== undefined) addName(c.name, { id: c.id, corr: i });
  });

  const lookup = (c: CorrelationIR, ref: string): Target | undefined => {
    const t = byId.get(ref);
    if (t) return t;
    const named = byName.get(ref);
    if (!named) {
      problems.push(
        problemOf(c, 'error', `unresolved rule reference \`${ref}\` (no rule has this id or name)`),
      );
      return undefined;
    }
    if (named.length > 1) {
      problems.push(
        problemOf(c, 'error', `rule reference \`${ref}\` is ambiguous: ${named.length} rules have this name`),
      );
      return undefined;
    }
    return named[0];
  };

  // Resolve references.
  const inputs: (Target[] | undefined)[] = corrs.map((c, i) => {
    if (bad.has(i)) return undefined;
    const out: Target[] = [];
    let ok = true;
    for (const ref of c.rules) {
      const t = lookup(c, ref);
      if (!t) ok = false;
      else if (t.corr === i) {
        problems.push(problemOf(c, 'error', `the correlation references itself (\`${ref}\`)`));
        ok = false;
      } else out.push(t);
    }
    if (!ok) bad.add(i);
    return ok ? out : undefined;
  });

  // Cycles: depth-first search over correlation → correlation edges.
  const state = new Uint8Array(corrs.length); // 0 new, 1 on stack, 2 done
  const order: number[] = [];
  const visit = (i: number, stack: number[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = stack.slice(stack.indexOf(i));
      const names = cycle.map((k) => corrs[k]!.name ?? corrs[k]!.id);
      for (const k of cycle) {
        if (!bad.has(k)) {
          problems.push(
            problemOf(corrs[k]!, 'error', `correlation cycle: ${[...names, names[0]].join(' → ')}`),
          );
          bad.add(k);
        }
      }
      return;
    }
    state[i] = 1;
    stack.push(i);
    for (const t of inputs[i] ?? []) if (t.corr >= 0) visit(t.corr, stack);
    stack.pop();
    state[i] = 2;
    order.push(i);
  };
  for (let i = 0; i < corrs.length; i++) visit(i, []);

  const planned: PlannedCorrelation[] = [];
  const plannedById = new Map<string, PlannedCorrelation>();
  const fieldsByRule = dict<string[]>();
  const referencedBy = new Map<string, boolean[]>();
  for (const i of order) {
    if (bad.has(i)) continue;
    const c = corrs[i]!;
    const targets = inputs[i]!;
    // Order is post-order, so every correlation this one reads has been planned or refused already.
    const broken = targets.find((t) => t.corr >= 0 && !plannedById.has(t.id));
    if (broken) {
      problems.push(problemOf(c, 'error', `it reads correlation \`${broken.id}\`, which does not load`));
      bad.add(i);
      continue;
    }
    const refToId = new Map<string, string>();
    c.rules.forEach((ref, k) => {
      refToId.set(ref, targets[k]!.id);
    });
    // Aliases may name a rule by any of its references (id or name).
    const aliasFor = (alias: string, ruleId: string): string | undefined => {
      if (!Object.hasOwn(c.aliases, alias)) return undefined;
      const m = c.aliases[alias]!;
      for (const ref of Object.keys(m)) {
        if (ref === ruleId || refToId.get(ref) === ruleId) return m[ref];
        const named = byName.get(ref);
        if (named?.length === 1 && named[0]!.id === ruleId) return m[ref];
      }
      return undefined;
    };
    let aliasError = false;
    for (const alias of Object.keys(c.aliases)) {
      for (const ref of Object.keys(c.aliases[alias]!)) {
        const known =
          refToId.has(ref) ||
          targets.some((t) => t.id === ref || byName.get(ref)?.some((n) => n.id === t.id));
        if (!known) {
          problems.push(
            problemOf(
              c,
              'error',
              `alias \`${alias}\` names rule \`${ref}\`, which the correlation does not reference`,
            ),
          );
          aliasError = true;
        }
      }
      if (!c.groupBy.includes(alias) && c.field !== alias)
        problems.push(problemOf(c, 'warning', `alias \`${alias}\` is not used in group-by or field`));
    }
    if (aliasError) {
      bad.add(i);
      continue;
    }
    const fieldsByInput = dict<InputFields>();
    for (const t of targets) {
      const read = (name: string): string => {
        const f = aliasFor(name, t.id);
        if (f !== undefined) return f;
        if (Object.hasOwn(c.aliases, name))
          problems.push(
            problemOf(
              c,
              'warning',
              `alias \`${name}\` gives no field for rule \`${t.id}\`; its field \`${name}\` is read`,
            ),
          );
        return name;
      };
      const spec: InputFields = { groupBy: c.groupBy.map(read) };
      if (c.field !== undefined) spec.value = read(c.field);
      fieldsByInput[t.id] = spec;
      if (t.corr < 0) {
        const list = fieldsByRule[t.id] ?? [];
        for (const f of [...spec.groupBy, ...(spec.value !== undefined ? [spec.value] : [])])
          if (!list.includes(f)) list.push(f);
        fieldsByRule[t.id] = list;
      } else {
        const inner = plannedById.get(t.id)!;
        const missing = [...spec.groupBy, ...(spec.value !== undefined ? [spec.value] : [])].filter(
          (f) => !inner.groupBy.includes(f),
        );
        if (missing.length > 0)
          problems.push(
            problemOf(
              c,
              'warning',
              `hits of correlation \`${t.id}\` carry only its group-by fields (${inner.groupBy.join(', ') || 'none'}); ` +
                `${missing.map((f) => `\`${f}\``).join(', ')} will be null`,
            ),
          );
      }
      const list = referencedBy.get(t.id) ?? [];
      list.push(c.generate);
      referencedBy.set(t.id, list);
    }
    const p: PlannedCorrelation = { ...c, inputs: targets.map((t) => t.id), fieldsByInput };
    planned.push(p);
    plannedById.set(p.id, p);
  }

  const suppressed: string[] = [];
  for (const [id, gens] of referencedBy) if (!gens.some((g) => g)) suppressed.push(id);
  const plan: CorrelationPlan = {
    correlations: planned,
    baseRules: Object.keys(fieldsByRule),
    fieldsByRule,
    suppressed: suppressed.sort(),
  };
  return { plan, problems };
}
