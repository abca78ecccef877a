/** A plain dictionary with no prototype: keys such as `__proto__` are ordinary keys here. */
export type Dict<T> = Record<string, T>;

export function dict<T>(): Dict<T> {
  return Object.create(null) as Dict<T>;
}

export function hasKey(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}
