// For the normalize tests of every adapter: a documented payload with one field changed or removed.

/** A deep copy of obj with the value at a dotted path replaced (undefined deletes it). */
export function set(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const o = structuredClone(obj);
  const keys = path.split('.');
  let cur: Record<string, unknown> = o;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  if (value === undefined) delete cur[keys.at(-1)!];
  else cur[keys.at(-1)!] = value;
  return o;
}
