import { describe, expect, it } from 'vitest';
import { OutagePause } from './handler';

describe('OutagePause', () => {
  it('grows the pause 1 s, 2 s, 4 s ... up to its cap, and resets after a success', () => {
    const p = new OutagePause(5_000);
    expect(p.active).toBe(false);
    expect([p.next(), p.next(), p.next(), p.next(), p.next()]).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(p.active).toBe(true);
    p.reset();
    expect(p.active).toBe(false);
    expect(p.next()).toBe(1000);
  });
});
