import type { DetectionIR, SigmaRuleIR } from './types.js';

/** The JSON text of each detection not decoded yet, by rule object (rules read from the cache). */
const TEXT = new WeakMap<object, string>();

/**
 * Gives a rule read from the cache its detection as JSON text, decoded on first read of
 * `rule.detection`: a hunt packs the text for its matching threads as it is (see
 * `detachDetection`) and never decodes most of it; everything else reads the property as usual.
 */
export function lazyDetection(rule: Omit<SigmaRuleIR, 'detection'>, text: string): SigmaRuleIR {
  TEXT.set(rule, text);
  // Once read or set, a plain property: what is read (and perhaps changed) is what is detached.
  const settle = (value: DetectionIR): DetectionIR => {
    Object.defineProperty(rule, 'detection', { value, configurable: true, enumerable: true, writable: true });
    TEXT.delete(rule);
    return value;
  };
  Object.defineProperty(rule, 'detection', {
    configurable: true,
    enumerable: true,
    get: (): DetectionIR => settle(JSON.parse(text) as DetectionIR),
    set: (value: DetectionIR) => {
      settle(value);
    },
  });
  return rule as SigmaRuleIR;
}

/**
 * Takes the detection off `rule` (which keeps its metadata) and returns it as JSON text: the cached
 * text when it was never decoded, else the object's.
 */
export function detachDetection(rule: SigmaRuleIR): string {
  const text = TEXT.get(rule) ?? JSON.stringify(rule.detection);
  TEXT.delete(rule);
  Reflect.deleteProperty(rule, 'detection');
  return text;
}
