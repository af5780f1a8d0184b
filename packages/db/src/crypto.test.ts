import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './crypto';

const k = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretBox', () => {
  it('round-trips and never stores the plain text', () => {
    const box = new SecretBox([k('k1')]);
    const stored = box.encrypt('shpk-access-token-123');
    expect(stored).not.toContain('shpk');
    expect(stored.startsWith('v1:k1:')).toBe(true);
    expect(box.decrypt(stored)).toBe('shpk-access-token-123');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('rotates: old values decrypt with the old key, new ones use the first key', () => {
    const old = k('old');
    const before = new SecretBox([old]).encrypt('secret');
    const rotated = new SecretBox([k('new'), old]);
    expect(rotated.decrypt(before)).toBe('secret');
    expect(rotated.needsRotation(before)).toBe(true);
    expect(SecretBox.keyIdOf(rotated.encrypt('secret'))).toBe('new');
  });

  it('detects tampering and unknown keys', () => {
    const box = new SecretBox([k('k1')]);
    const stored = box.encrypt('secret');
    const parts = stored.split(':');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    expect(() => new SecretBox([k('other')]).decrypt(stored)).toThrow(/key "k1"/);
  });
});
