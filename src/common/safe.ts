/** A plain dictionary with no prototype: keys such as `__proto__` are ordinary keys here. */
export type Dict<T> = Record<string, T>;

export function dict<T>(): Dict<T> {
  return Object.create(null) as Dict<T>;
}

/** The own entries of `o` (parsed JSON, say) in a dictionary without a prototype. */
export function dictFrom<T>(o: Readonly<Record<string, T>>): Dict<T> {
  const d = dict<T>();
  for (const k of Object.keys(o)) d[k] = o[k]!;
  return d;
}

export function hasKey(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}
