// .env.example documents every key of the config schema, with the schema's own default.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@oms/config';
import { configKeys, readText } from './helpers';

/** KEY=value lines, and "# KEY=" lines for keys whose default is derived or a secret. */
function entries(text: string) {
  const out: { key: string; value: string; commented: boolean; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out.push({ key: m[2]!, value: m[3]!, commented: !!m[1], line: i + 1 });
  });
  return out;
}

describe('.env.example', () => {
  const list = entries(readText('.env.example'));

  it('names every key of the config schema once, and nothing else', () => {
    const keys = [...configKeys()].sort();
    const documented = list.map((e) => e.key);
    expect(
      documented.filter((k, i) => documented.indexOf(k) !== i),
      'documented twice',
    ).toEqual([]);
    expect(
      keys.filter((k) => !documented.includes(k)),
      'keys of packages/config missing from .env.example',
    ).toEqual([]);
    expect(
      documented.filter((k) => !keys.includes(k)),
      'keys in .env.example that the config schema does not have',
    ).toEqual([]);
  });

  it('gives each key the default of the schema', () => {
    const defaults = parseConfig({}) as Record<string, unknown>;
    for (const e of list.filter((x) => !x.commented)) {
      const parsed = parseConfig({ [e.key]: e.value }) as Record<string, unknown>;
      expect(parsed[e.key], `.env.example line ${e.line}: ${e.key}=${e.value}`).toEqual(defaults[e.key]);
    }
    for (const e of list.filter((x) => x.commented))
      expect(e.value, `line ${e.line}: a commented key shows no value`).toBe('');
  });

  it('explains each key in a comment above it', () => {
    const lines = readText('.env.example').split('\n');
    for (const e of list) {
      // The comment block right above the key (or above the group of keys it belongs to) says what it is.
      let i = e.line - 2;
      while (i >= 0 && /^#?\s*[A-Z][A-Z0-9_]*=/.test(lines[i]!)) i--;
      expect(lines[i] ?? '', `${e.key} (line ${e.line}) has no comment`).toMatch(/^#\s*\S/);
    }
  });
});
