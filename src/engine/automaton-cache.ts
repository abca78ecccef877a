import type { AutomatonStore } from './automaton-store.js';
import { AhoCorasick, type SharedAutomaton } from './prefilter-ac.js';

/** An automaton built by one matching thread, offered to the others. */
export interface AutomatonOffer {
  /** Its literal list, as AutomatonCache keys it. */
  key: string;
  tables: SharedAutomaton;
}

/**
 * The pre-filter automata of one rule index, by literal list: gates of one channel often merge the
 * same buckets, so the same list comes up again (93 distinct of 111 over the shared corpus with
 * SigmaHQ's rules). The matching threads of a hunt build the same automata for the same rules: when
 * `onBuilt` is set, each automaton built here is moved onto shared memory and offered, and `adopt`
 * takes another thread's, so that a gate first seen after the offer arrived scans with the same
 * tables instead of building and holding its own copy.
 */
export class AutomatonCache {
  private readonly byKey = new Map<string, AhoCorasick>();
  onBuilt: ((offer: AutomatonOffer) => void) | undefined;
  /** Automata built here and adopted from elsewhere (for tests and profiling). */
  built = 0;
  loaded = 0;
  adopted = 0;

  /** Automata kept on disk between hunts: looked in before building, written to after. */
  store: AutomatonStore | undefined;

  /** The automaton of `literals`; `key` is their list as this cache keys it (joined by NUL). */
  get(literals: string[], key = literals.join('\u0000')): AhoCorasick {
    let ac = this.byKey.get(key);
    if (ac === undefined) {
      const stored = this.store?.load(key);
      ac = stored ? new AhoCorasick(stored) : new AhoCorasick(literals, true);
      this.byKey.set(key, ac);
      if (stored) this.loaded++;
      else {
        this.built++;
        this.store?.save(key, ac.toShared());
      }
      // Tables already on shared memory (stored, or moved there above) are given as they are.
      this.onBuilt?.({ key, tables: ac.toShared() });
    }
    return ac;
  }

  /** Takes another thread's automaton, unless one for the same literals is here already. */
  adopt(offer: AutomatonOffer): void {
    if (this.byKey.has(offer.key)) return;
    this.byKey.set(offer.key, new AhoCorasick(offer.tables));
    this.adopted++;
  }
}
